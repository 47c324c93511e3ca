// Which rules a line may match, read off the trigger words it holds and its first characters: a line with one
// trigger word opens the handful of rules that word can start, instead of asking every rule's gate in turn.
import type { Gate } from "./triggers.js"

/** Slot of a character in the first-character tables: ASCII codes, then one per non-ASCII gate character. */
const OTHER = 128

/** A set of rules as bits: rule k is bit k & 31 of word k >> 5, in the order the rules were given. */
export class RuleIndex {
  /** 32-bit words per rule set. */
  readonly words: number
  /** Per rule: the exact substrings a case-sensitive rule needs (one of), else undefined. */
  readonly cased: ReadonlyArray<ReadonlyArray<string> | undefined>
  /** Rules that need no trigger word. */
  private readonly always: Int32Array
  /** Row per trigger id: the rules that word opens. */
  private readonly byTrigger: Int32Array
  /** Row per first-character slot: the rules a line starting so may match. */
  private readonly byFirst: Int32Array
  /** Row per first non-space character slot. */
  private readonly byFirstNonSpace: Int32Array
  /** Row per first non-space character slot: the rules that character opens as a trigger word would. */
  private readonly opensOnFirstNonSpace: Int32Array
  /** Row per last character slot: the rules that character opens as a trigger word would. */
  private readonly opensOnLast: Int32Array
  /** Slots of the non-ASCII characters some gate names (other characters share slot OTHER). */
  private readonly slots: ReadonlyMap<number, number>

  constructor(gates: ReadonlyArray<Gate>, triggerCount: number) {
    const words = Math.max(1, Math.ceil(gates.length / 32))
    this.words = words
    this.cased = gates.map((gate) => gate.cased)
    const slots = new Map<number, number>()
    for (const gate of gates)
      for (const chars of [gate.first, gate.firstNonSpace, gate.opensOnFirstNonSpace, gate.opensOnLast])
        for (const c of chars ?? "") {
          const code = c.charCodeAt(0)
          if (code >= 128 && !slots.has(code)) slots.set(code, OTHER + 1 + slots.size)
        }
    this.slots = slots
    const slotCount = OTHER + 1 + slots.size
    const slotOf = (c: string): number => {
      const code = c.charCodeAt(0)
      return code < 128 ? code : slots.get(code)!
    }
    this.always = new Int32Array(words)
    this.byTrigger = new Int32Array(triggerCount * words)
    this.byFirst = new Int32Array(slotCount * words)
    this.byFirstNonSpace = new Int32Array(slotCount * words)
    this.opensOnFirstNonSpace = new Int32Array(slotCount * words)
    this.opensOnLast = new Int32Array(slotCount * words)
    gates.forEach((gate, k) => {
      const word = k >> 5
      const bit = 1 << (k & 31)
      if (gate.ids === undefined) this.always[word]! |= bit
      else for (const id of gate.ids) this.byTrigger[id * words + word]! |= bit
      const shapes: ReadonlyArray<readonly [string | undefined, Int32Array]> = [
        [gate.first, this.byFirst],
        [gate.firstNonSpace, this.byFirstNonSpace],
      ]
      for (const [chars, table] of shapes) {
        if (chars === undefined)
          for (let slot = 0; slot < slotCount; slot++) table[slot * words + word]! |= bit
        else for (const c of chars) table[slotOf(c) * words + word]! |= bit
      }
      for (const c of gate.opensOnFirstNonSpace ?? "")
        this.opensOnFirstNonSpace[slotOf(c) * words + word]! |= bit
      for (const c of gate.opensOnLast ?? "") this.opensOnLast[slotOf(c) * words + word]! |= bit
    })
  }

  /** The slot of a first character (its UTF-16 code, or -1 for none) in the first-character tables. */
  private slot(code: number): number {
    return code >= 0 && code < 128 ? code : code < 0 ? OTHER : (this.slots.get(code) ?? OTHER)
  }

  /**
   * Writes to `open` the rules a line may match: those its trigger words `found[0, count)`, its first non-space
   * character (`opensOnFirstNonSpace`), its last character (`opensOnLast`) or no word at all open, whose
   * first-character shapes hold (`first`, `firstNonSpace`, `last`: UTF-16 codes, -1 for none). Cased substrings are
   * left to the caller.
   */
  open(
    found: Int32Array,
    count: number,
    first: number,
    firstNonSpace: number,
    last: number,
    open: Int32Array,
  ): void {
    const words = this.words
    const firstSlot = this.slot(first)
    const firstNonSpaceSlot = this.slot(firstNonSpace)
    const lastSlot = this.slot(last)
    const byTrigger = this.byTrigger
    for (let w = 0; w < words; w++) {
      let mask =
        this.always[w]! |
        this.opensOnFirstNonSpace[firstNonSpaceSlot * words + w]! |
        this.opensOnLast[lastSlot * words + w]!
      for (let k = 0; k < count; k++) mask |= byTrigger[found[k]! * words + w]!
      open[w] =
        mask & this.byFirst[firstSlot * words + w]! & this.byFirstNonSpace[firstNonSpaceSlot * words + w]!
    }
  }
}
