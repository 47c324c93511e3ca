// A one-pass, ASCII-case-insensitive search for a fixed set of literals (an Aho-Corasick automaton): what lets
// the hot path ask "which trigger words does this line hold" without running a regex per word.
import { buildAutomaton, foldAscii } from "./ahoCorasick.js"
import { charCodeAt } from "./strings.js"

/**
 * JavaScript's `\s`: what `\S+` stops at. Needed by callers that finish a shape the automaton starts.
 */
export const isRegexSpace = (c: number): boolean =>
  c === 32 ||
  (c >= 9 && c <= 13) ||
  (c > 127 &&
    (c === 0xa0 ||
      c === 0x1680 ||
      (c >= 0x2000 && c <= 0x200a) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0x202f ||
      c === 0x205f ||
      c === 0x3000 ||
      c === 0xfeff))

/** JavaScript's `\s`, each character once (isRegexSpace's characters). */
export const REGEX_SPACES: string = Array.from({ length: 0x10000 }, (_, code) => code)
  .filter(isRegexSpace)
  .map((code) => String.fromCharCode(code))
  .join("")

/**
 * Characters above ASCII that may appear in a literal: the pass and fail marks test runners print, then the ones
 * JavaScript's `\s` matches (a trigger word followed by a space, see triggers.ts). Each is its own class.
 */
const SYMBOLS = ["✗✖✘❌●×✓✔√", ...Array.from(REGEX_SPACES).filter((space) => space.charCodeAt(0) > 127)].join(
  "",
)
const SYMBOL_SLOTS = new Map(Array.from(SYMBOLS, (symbol, k) => [symbol.charCodeAt(0), 128 + k]))
/** 128 + the index of `c` in SYMBOLS, or -1. */
const symbolClass = (c: number): number => SYMBOL_SLOTS.get(c) ?? -1

export class LiteralSet {
  /** Character class of each ASCII code (A-Z folded): 0 for characters no literal holds. */
  private readonly asciiClass: Uint8Array
  /** Class of each failure mark in SYMBOLS order (0 when no literal holds it). */
  private readonly symbolClasses: Uint8Array
  /**
   * Transitions, failure links folded in: entry `row + class` is `(nextRow << 1) | hasOutput`, where a row is
   * a state number times the class count. Premultiplied rows and the flag bit keep the scan loop to one load.
   */
  private readonly next: Int32Array
  /** Per row index / class count: the ids of the literals ending in that state (through failure links too). */
  private readonly outputs: ReadonlyArray<ReadonlyArray<number>>
  private readonly classes: number

  constructor(literals: ReadonlyArray<string>) {
    const rawClass = (c: number): number => (c < 128 ? foldAscii(c) : symbolClass(c))
    // compact alphabet: only characters some literal holds get a class, keeping the table cache-sized
    const classOf = new Map<number, number>()
    for (const literal of literals)
      for (let i = 0; i < literal.length; i++) {
        const raw = rawClass(literal.charCodeAt(i))
        if (raw < 0) throw new Error(`literal ${JSON.stringify(literal)} holds an unsupported character`)
        if (!classOf.has(raw)) classOf.set(raw, classOf.size + 1)
      }
    const classes = classOf.size + 1
    this.classes = classes
    this.asciiClass = Uint8Array.from({ length: 128 }, (_, c) => classOf.get(foldAscii(c)) ?? 0)
    this.symbolClasses = Uint8Array.from({ length: SYMBOLS.length }, (_, k) => classOf.get(128 + k) ?? 0)

    const automaton = buildAutomaton(
      literals.map((literal) =>
        Array.from({ length: literal.length }, (_, i) => classOf.get(rawClass(literal.charCodeAt(i)))!),
      ),
      classes,
    )
    this.next = automaton.next
    this.outputs = automaton.outputs
  }

  /**
   * Marks `hits[id] = mark` for every literal occurring in text[0, end); `onHit` (optional) sees each
   * occurrence's literal id and end index, and its true return stops the scan (and returns true).
   */
  mark(
    text: string,
    end: number,
    hits: Int32Array,
    mark: number,
    onHit?: (id: number, endIndex: number) => boolean,
  ): boolean {
    const next = this.next
    const asciiClass = this.asciiClass
    let row = 0
    for (let i = 0; i < end; i++) {
      const c = charCodeAt(text, i)
      const cls = c < 128 ? asciiClass[c]! : this.symbol(c)
      // a character no literal holds sends the automaton home without a table load
      if (cls === 0) {
        row = 0
        continue
      }
      const entry = next[row + cls]!
      row = entry >> 1
      if ((entry & 1) === 1) {
        for (const id of this.outputs[row / this.classes]!) {
          hits[id] = mark
          if (onHit !== undefined && onHit(id, i + 1)) return true
        }
      }
    }
    return false
  }

  /**
   * Lists each literal occurring in text[0, end) once: `found[0, returned count)` holds their ids. `hits` is
   * scratch for the dedup (`hits[id] === mark` once listed): pass a new mark per text.
   */
  collect(text: string, end: number, hits: Int32Array, mark: number, found: Int32Array): number {
    const next = this.next
    const asciiClass = this.asciiClass
    let count = 0
    let row = 0
    for (let i = 0; i < end; i++) {
      const c = charCodeAt(text, i)
      const cls = c < 128 ? asciiClass[c]! : this.symbol(c)
      if (cls === 0) {
        row = 0
        continue
      }
      const entry = next[row + cls]!
      row = entry >> 1
      if ((entry & 1) === 1) {
        for (const id of this.outputs[row / this.classes]!) {
          if (hits[id] === mark) continue
          hits[id] = mark
          found[count++] = id
        }
      }
    }
    return count
  }

  private symbol(c: number): number {
    const k = symbolClass(c)
    return k < 0 ? 0 : this.symbolClasses[k - 128]!
  }
}
