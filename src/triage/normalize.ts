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
/** Indices in RULES of the rules that need a `:` (timestamps), a hex run (uuid, hex) and `0x`. */
const NEEDS_COLON = new Set([0, 1])
const NEEDS_HEX_RUN = new Set([2, 5])
const NEEDS_0X = 4

const isHexDigit = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102)

/** True when `text` holds 7 hex digits in a row: what the uuid and bare-hex rules need to match at all. */
const hasHexRun = (text: string): boolean => {
  let run = 0
  for (let i = 0; i < text.length; i++) {
    run = isHexDigit(text.charCodeAt(i)) ? run + 1 : 0
    if (run >= 7) return true
  }
  return false
}

/** Replaces timestamps, UUIDs, hex, temp paths, durations and numbers with placeholders; idempotent. */
export const normalizeLine = (cleaned: string): string => {
  let text = cleaned.trim()
  if (!VOLATILE.test(text)) return text
  // placeholders add no `:`, no `0x` and no long hex run, so a rule whose must-have the line lacks stays idle
  const colon = text.includes(":")
  const hexRun = hasHexRun(text)
  const hex = text.includes("0x") || text.includes("0X")
  for (let k = 0; k < RULES.length; k++) {
    if ((!colon && NEEDS_COLON.has(k)) || (!hexRun && NEEDS_HEX_RUN.has(k)) || (!hex && k === NEEDS_0X))
      continue
    const [pattern, placeholder] = RULES[k]!
    text = text.replace(pattern, placeholder)
  }
  return text
}

/** SHA-256 hex of a normalised text. */
export const hashText = (normalized: string): string => createHash("sha256").update(normalized).digest("hex")
