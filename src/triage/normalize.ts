// Normalisation for dedup and template counting: volatile tokens become placeholders, then SHA-256.
import * as crypto from "node:crypto"

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

// What each rule needs of a line before it can match: found in one pass, so a rule that cannot match stays idle.
// Placeholders hold no digit, `:`, `/`, `0x` or run of hex digits, so a need the line lacks stays missing as the
// rules before a rule rewrite it.
/** A digit: the number, duration, hex and timestamp rules. */
const DIGIT = 1
/** `dd:dd:dd`: the time and timestamp rules. */
const TIME = 2
/** `dddd-dd-dd`: the timestamp rule. */
const DATE = 4
/** Seven hex digits in a row: the uuid and bare-hex rules. */
const HEX_RUN = 8
/** `0x` or `0X`. */
const HEX_PREFIX = 16
/** `/` before t, v or p, or `c:` (any case): the temp-path rule. */
const TMP = 32
/** Worth normalising at all: a digit, a temp path as the rule spells it, or `Temp`. */
const VOLATILE = 64
/** Per rule in RULES, the needs that must all be present. */
const NEEDS: ReadonlyArray<number> = [DATE | TIME, TIME, HEX_RUN, TMP, HEX_PREFIX, HEX_RUN, DIGIT, DIGIT]

const isDigit = (c: number): boolean => c >= 48 && c <= 57
const isHexDigit = (c: number): boolean => isDigit(c) || ((c | 32) >= 97 && (c | 32) <= 102)
/** Whether `text` holds digits where `shape` has `d` and the same characters elsewhere, from `at` on. */
const hasShape = (text: string, at: number, shape: string): boolean => {
  if (at < 0 || at + shape.length > text.length) return false
  for (let k = 0; k < shape.length; k++) {
    const c = text.charCodeAt(at + k)
    const want = shape.charCodeAt(k)
    if (want === 100 ? !isDigit(c) : c !== want) return false
  }
  return true
}

/** The needs of NEEDS that `text` holds, and VOLATILE when it has anything to normalise. */
const needsOf = (text: string): number => {
  let found = 0
  let hexRun = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    hexRun = isHexDigit(c) ? hexRun + 1 : 0
    if (hexRun >= 7) found |= HEX_RUN
    if (isDigit(c)) {
      found |= DIGIT | VOLATILE
      if (c === 48 && (text.charCodeAt(i + 1) | 32) === 120) found |= HEX_PREFIX
    } else if (c === 58) {
      if (hasShape(text, i - 2, "dd:dd:dd")) found |= TIME
    } else if (c === 45) {
      if (hasShape(text, i - 4, "dddd-dd-dd")) found |= DATE
    } else if (c === 47) {
      const next = text.charCodeAt(i + 1) | 32
      if (next === 116 || next === 118 || next === 112) found |= TMP
      if (
        text.startsWith("/tmp", i) ||
        text.startsWith("/var/folders", i) ||
        text.startsWith("/private/var", i)
      )
        found |= VOLATILE
    } else if ((c | 32) === 99) {
      if (text.charCodeAt(i + 1) === 58) found |= TMP
    } else if (c === 84 && text.startsWith("Temp", i)) found |= VOLATILE
  }
  return found
}

/** Replaces timestamps, UUIDs, hex, temp paths, durations and numbers with placeholders; idempotent. */
export const normalizeLine = (cleaned: string): string => {
  let text = cleaned.trim()
  const found = needsOf(text)
  if ((found & VOLATILE) === 0) return text
  for (let k = 0; k < RULES.length; k++) {
    const needs = NEEDS[k]!
    if ((found & needs) !== needs) continue
    const [pattern, placeholder] = RULES[k]!
    text = text.replace(pattern, placeholder)
  }
  return text
}

/**
 * SHA-256 hex of a normalised text. Node's one-shot `crypto.hash` (20.12 and later) is 2.5× faster than a Hash
 * object per text, and every finding takes two.
 */
export const hashText: (normalized: string) => string =
  typeof crypto.hash === "function"
    ? (normalized) => crypto.hash("sha256", normalized, "hex")
    : (normalized) => crypto.createHash("sha256").update(normalized).digest("hex")
