// Normalisation for dedup and template counting: volatile tokens become placeholders, then SHA-256.
import * as crypto from "node:crypto"
import { isRegexSpace } from "./literalScan.js"
import { charCodeAt, codeAt, isDigit, slice, startsWith, trim } from "./strings.js"
import { once } from "./once.js"
import { makeWasmNormalizer, type WasmNormalizer } from "./wasmNormalize.js"

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

// What needsOf looks for, per ASCII character: a table load instead of a chain of comparisons per character.
const HEX_DIGIT = 1
const DECIMAL = 2
/** `0`, `:`, `-`, `/`, `c`, `C` or `T`: a need may start here. */
const MARK = 4
const KIND = new Uint8Array(128)
for (let c = 48; c <= 57; c++) KIND[c] = HEX_DIGIT | DECIMAL
for (const c of "abcdefABCDEF") KIND[c.charCodeAt(0)]! |= HEX_DIGIT
for (const c of "0:-/cCT") KIND[c.charCodeAt(0)]! |= MARK

/** A regex `\w` character (no unicode flag): what `\b` looks at. */
const isWordChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95
/** Whether `text` holds digits where `shape` has `d` and the same characters elsewhere, from `at` on. */
const hasShape = (text: string, at: number, shape: string): boolean => {
  if (at < 0 || at + shape.length > text.length) return false
  for (let k = 0; k < shape.length; k++) {
    const c = charCodeAt(text, at + k)
    const want = shape.charCodeAt(k)
    if (want === 100 ? !isDigit(c) : c !== want) return false
  }
  return true
}

/** The needs of NEEDS that `text` holds, and VOLATILE when it has anything to normalise (see needsOf). */
export const needsOfJs = (text: string): number => {
  let found = 0
  let hexRun = 0
  for (let i = 0; i < text.length; i++) {
    const c = charCodeAt(text, i)
    const kind = c < 128 ? KIND[c]! : 0
    if (kind === 0) {
      hexRun = 0
      continue
    }
    hexRun = (kind & HEX_DIGIT) === 0 ? 0 : hexRun + 1
    if (hexRun >= 7) found |= HEX_RUN
    if ((kind & DECIMAL) !== 0) found |= DIGIT | VOLATILE
    if ((kind & MARK) === 0) continue
    if (c === 48) {
      if ((charCodeAt(text, i + 1) | 32) === 120) found |= HEX_PREFIX
    } else if (c === 58) {
      if (hasShape(text, i - 2, "dd:dd:dd")) found |= TIME
    } else if (c === 45) {
      if (hasShape(text, i - 4, "dddd-dd-dd")) found |= DATE
    } else if (c === 47) {
      const next = charCodeAt(text, i + 1) | 32
      if (next === 116 || next === 118 || next === 112) found |= TMP
      if (
        startsWith(text, "/tmp", i) ||
        startsWith(text, "/var/folders", i) ||
        startsWith(text, "/private/var", i)
      )
        found |= VOLATILE
    } else if (c === 84) {
      if (startsWith(text, "Temp", i)) found |= VOLATILE
    } else if (charCodeAt(text, i + 1) === 58) found |= TMP // `c:` or `C:`
  }
  return found
}

// Rules 2, 7 and 8 (time, duration, number) without a regex, for the lines no other rule touches: 85 % of the lines
// normalised on the bench log. Each function says where that rule's match starting at digit `at` ends, or -1.
// The property test in normalize.test.ts holds them to the regexes.

/** The placeholders of the rules timesDurationsNumbers applies. */
const TIME_PLACEHOLDER = "<time>"
const DURATION_PLACEHOLDER = "<dur>"
const NUMBER_PLACEHOLDER = "<n>"

/** End of the digit run starting at `at`. */
const digitsEnd = (text: string, at: number): number => {
  let j = at
  while (j < text.length && isDigit(charCodeAt(text, j))) j++
  return j
}

/** `\b\d\d:\d\d:\d\d(?:[.,]\d+)?\b` at `at`, a word boundary. */
const timeEnd = (text: string, at: number): number => {
  if (!hasShape(text, at, "dd:dd:dd")) return -1
  const end = at + 8
  const next = codeAt(text, end)
  // the fraction is kept only whole and followed by a boundary; without it, `.` or `,` is the boundary
  if ((next === 46 || next === 44) && isDigit(codeAt(text, end + 1))) {
    const fraction = digitsEnd(text, end + 1)
    return fraction === text.length || !isWordChar(charCodeAt(text, fraction)) ? fraction : end
  }
  return end === text.length || !isWordChar(next) ? end : -1
}

/** The units of the duration rule; each ends the word it starts, as its `\b` demands. */
const UNITS = new Set([
  "ns",
  "us",
  "ms",
  "s",
  "sec",
  "secs",
  "second",
  "seconds",
  "m",
  "min",
  "mins",
  "minute",
  "minutes",
  "h",
  "hour",
  "hours",
])

/** `\b\d+(?:\.\d+)?\s?(?:ns|µs|…|hours?)\b` at `at`, a word boundary. */
const durationEnd = (text: string, at: number): number => {
  let end = digitsEnd(text, at)
  // a fraction, when one follows, is the only way on: without it the unit would have to start at the `.`
  if (codeAt(text, end) === 46 && isDigit(codeAt(text, end + 1))) end = digitsEnd(text, end + 1)
  // with the optional space the unit starts after it; without it the unit would start at a space
  if (end < text.length && isRegexSpace(charCodeAt(text, end))) end++
  if (codeAt(text, end) === 0xb5) {
    // µs: `µ` is no word character, so the word is the `s` after it
    return codeAt(text, end + 1) === 115 && !isWordChar(codeAt(text, end + 2)) ? end + 2 : -1
  }
  let word = end
  while (word < text.length && isWordChar(charCodeAt(text, word))) word++
  return word > end && word - end <= 7 && UNITS.has(slice(text, end, word)) ? word : -1
}

/** `\d+(?:\.\d+)?` at `at`, after the time and duration rules replaced their matches (placeholders hold no digit). */
const numberEnd = (text: string, at: number): number => {
  const end = digitsEnd(text, at)
  if (codeAt(text, end) !== 46 || !isDigit(codeAt(text, end + 1))) return end
  // the digits after the `.` start at a boundary: a time or duration there was replaced first
  if (timeEnd(text, end + 1) >= 0 || durationEnd(text, end + 1) >= 0) return end
  return digitsEnd(text, end + 1)
}

/**
 * Rules 2, 7 and 8 in one pass, for a text without the needs of the others. One pass gives what three do: a time or
 * duration match starts at a word boundary and ends at one, so none of the three matches can begin inside another's,
 * except a time or duration after the `.` of a number, which numberEnd looks for.
 */
export const timesDurationsNumbers = (text: string): string => {
  let out = ""
  let copied = 0
  let i = 0
  while (i < text.length) {
    if (!isDigit(charCodeAt(text, i))) {
      i++
      continue
    }
    // a digit run starts here (runs are taken whole)
    const boundary = i === 0 || !isWordChar(charCodeAt(text, i - 1))
    let end = boundary ? timeEnd(text, i) : -1
    let placeholder = TIME_PLACEHOLDER
    if (end < 0 && boundary) {
      end = durationEnd(text, i)
      placeholder = DURATION_PLACEHOLDER
    }
    if (end < 0) {
      end = numberEnd(text, i)
      placeholder = NUMBER_PLACEHOLDER
    }
    out += slice(text, copied, i) + placeholder
    copied = i = end
  }
  return copied === 0 ? text : out + slice(text, copied)
}

// What the WebAssembly template walk asks of an ASCII character: a digit, a regex `\w`, a regex `\s`.
const T_DIGIT = 1
const T_WORD = 2
const T_SPACE = 4
const TEMPLATE_KIND = Uint8Array.from(
  { length: 128 },
  (_, c) => (isDigit(c) ? T_DIGIT : 0) | (isWordChar(c) ? T_WORD : 0) | (isRegexSpace(c) ? T_SPACE : 0),
)

/**
 * Texts up to this long are read in WebAssembly: the needs about twice as fast; an ASCII text's template, with the
 * template map's hashing of it, ~3× as fast (one flat string, decoded once, instead of a chain of concatenations).
 */
const WASM_MAX_CHARS = 4096
const wasm = once(() =>
  makeWasmNormalizer(
    {
      hexKind: HEX_DIGIT,
      decimalKind: DECIMAL,
      markKind: MARK,
      digit: DIGIT,
      time: TIME,
      date: DATE,
      hexRun: HEX_RUN,
      hexPrefix: HEX_PREFIX,
      tmp: TMP,
      volatile: VOLATILE,
    },
    KIND,
    {
      kinds: TEMPLATE_KIND,
      digit: T_DIGIT,
      word: T_WORD,
      space: T_SPACE,
      units: [...UNITS],
      time: TIME_PLACEHOLDER,
      duration: DURATION_PLACEHOLDER,
      number: NUMBER_PLACEHOLDER,
    },
    WASM_MAX_CHARS,
  ),
)
/** Which needsOf runs on a line of the usual length. */
export const needsKind = (): "wasm" | "js" => (wasm() === undefined ? "js" : "wasm")

/** The WebAssembly normaliser for `text`, or undefined where it does not run (no WebAssembly, or a text too long). */
const wasmFor = (text: string): WasmNormalizer | undefined =>
  text.length <= WASM_MAX_CHARS ? wasm() : undefined

/** The needs of NEEDS that `text` holds, and VOLATILE when it has anything to normalise. */
export const needsOf = (text: string): number => wasmFor(text)?.needs(text) ?? needsOfJs(text)

/** timesDurationsNumbers in WebAssembly, or undefined where it does not run (a text not ASCII, or too long). */
export const wasmTimesDurationsNumbers = (text: string): string | undefined => {
  const normalizer = wasmFor(text)
  normalizer?.needs(text)
  return normalizer?.template()
}

/** Replaces timestamps, UUIDs, hex, temp paths, durations and numbers with placeholders; idempotent. */
export const normalizeLine = (cleaned: string): string => {
  let text = trim(cleaned)
  // in WebAssembly, the needs walk leaves the text in memory for the template walk
  const normalizer = wasmFor(text)
  const found = normalizer?.needs(text) ?? needsOfJs(text)
  if ((found & VOLATILE) === 0) return text
  if ((found & ~(DIGIT | TIME | VOLATILE)) === 0) return normalizer?.template() ?? timesDurationsNumbers(text)
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
