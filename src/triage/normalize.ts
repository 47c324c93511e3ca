// Normalisation for dedup and template counting: volatile tokens become placeholders, then SHA-256.
import { createHash } from "node:crypto"

// Order matters: the wider shapes (timestamps, uuids, paths) go before the bare numbers they contain.
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?/g, "<ts>"],
  [/\b\d\d:\d\d:\d\d(?:[.,]\d+)?\b/g, "<time>"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
  [/(?:\/tmp|\/var\/folders|\/private\/var|C:\\Users\\[^\\\s]+\\AppData\\Local\\Temp)[^\s:'"),]*/gi, "<tmp>"],
  [/\b0x[0-9a-f]+\b/gi, "<hex>"],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/gi, "<hex>"],
  [/\b\d+(?:\.\d+)?\s?(?:ns|µs|us|ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)\b/g, "<dur>"],
  [/\d+(?:\.\d+)?/g, "<n>"],
]

const VOLATILE = /[0-9]|\/tmp|\/var\/folders|\/private\/var|Temp/

/** Replaces timestamps, UUIDs, hex, temp paths, durations and numbers with placeholders; idempotent. */
export const normalizeLine = (cleaned: string): string => {
  let text = cleaned.trim()
  if (!VOLATILE.test(text)) return text
  for (const [pattern, placeholder] of RULES) text = text.replace(pattern, placeholder)
  return text
}

/** SHA-256 hex of a normalised text. */
export const hashText = (normalized: string): string => createHash("sha256").update(normalized).digest("hex")
