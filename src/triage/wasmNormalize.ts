// normalize.ts's byte loops in WebAssembly, on a text's UTF-8 bytes: its needs walk (what the normalising rules could
// match) and, for an ASCII text, its one-pass time, duration and number rules (timesDurationsNumbers), which write
// the template into the module's memory for one decode. Each is the twin of a JavaScript function in normalize.ts
// that stays as the fallback and as its tests' reference.
import {
  align,
  Code,
  functionBody,
  growTo,
  instantiate,
  latin1View,
  moduleBytes,
  op,
  TAIL,
  type WasmMemory,
} from "./wasmAssembler.js"

/** Bits of normalize.ts's needsOf, and the characters that start each (normalize.ts documents them). */
export interface NeedBits {
  /** Kinds of an ASCII character in normalize.ts's kind table: a hex digit, a decimal digit, a need's first mark. */
  readonly hexKind: number
  readonly decimalKind: number
  readonly markKind: number
  readonly digit: number
  readonly time: number
  readonly date: number
  readonly hexRun: number
  readonly hexPrefix: number
  readonly tmp: number
  readonly volatile: number
}

// needs(length) → bits; the text sits at N_INPUT with zero bytes before and after it
const N_LENGTH = 0
const N_I = 1
const N_END = 2
const N_FOUND = 3
const N_RUN = 4
const N_BYTE = 5
const N_KIND = 6
const N_LOCALS = 6
/**
 * Where the kind tables and the text sit. Each table has a row for every byte value, zero past ASCII; the text has
 * zeros on both sides, so shapes need no bounds tests.
 */
const N_KIND_AT = 0
/** The template walk's kinds (see TemplateRules). */
const T_KIND_AT = 256
const N_INPUT = 512 + 16

/**
 * needsOf on bytes: the same walk as normalize.ts's, one byte at a time. A character above ASCII is one to four bytes
 * of no kind, which end a hex run as the character does, and no need holds one, so the bits are those of the text.
 */
const needsBody = (bits: NeedBits): Array<number> => {
  const c = new Code()
  /** Pushes 1 when the bytes from i are `pattern`; in a shape, `d` stands for any digit. */
  const match = (pattern: string, digits: boolean): void => {
    Array.from(pattern).forEach((ch, k) => {
      c.get(N_I).load8(k)
      if (digits && ch === "d") c.const(48).op(op.sub).const(9).op(op.leU)
      else c.const(ch.charCodeAt(0)).op(op.eq)
      if (k > 0) c.op(op.and)
    })
  }
  const shape = (pattern: string): void => match(pattern, true)
  const word = (pattern: string): void => match(pattern, false)
  c.const(N_INPUT).set(N_I)
  c.get(N_I).get(N_LENGTH).op(op.add).set(N_END)
  c.block("done").loop("byte")
  c.get(N_I).get(N_END).op(op.geU).brIf("done")
  c.get(N_I).load8().set(N_BYTE)
  c.get(N_BYTE).load8(N_KIND_AT).set(N_KIND)
  c.block("next")
  c.get(N_KIND).op(op.eqz).if()
  c.const(0).set(N_RUN).br("next")
  c.end()
  // hexRun = hex ? hexRun + 1 : 0
  c.get(N_KIND).const(bits.hexKind).op(op.and).if()
  c.get(N_RUN).const(1).op(op.add).set(N_RUN)
  c.else()
  c.const(0).set(N_RUN)
  c.end()
  c.get(N_RUN).const(7).op(op.geU).if()
  c.get(N_FOUND).const(bits.hexRun).op(op.or).set(N_FOUND)
  c.end()
  c.get(N_KIND).const(bits.decimalKind).op(op.and).if()
  c.get(N_FOUND)
    .const(bits.digit | bits.volatile)
    .op(op.or)
    .set(N_FOUND)
  c.end()
  c.get(N_KIND).const(bits.markKind).op(op.and).op(op.eqz).brIf("next")
  /** found |= bit when the condition pushed before holds. */
  const orIf = (bit: number): void => {
    c.if().get(N_FOUND).const(bit).op(op.or).set(N_FOUND).end()
  }
  const on = (byte: number, body: () => void): void => {
    c.get(N_BYTE).const(byte).op(op.eq).if()
    body()
    c.br("next").end()
  }
  // 0x or 0X
  on(48, () => {
    c.get(N_I).load8(1).const(32).op(op.or).const(120).op(op.eq)
    orIf(bits.hexPrefix)
  })
  // dd:dd:dd around a `:` (two digits before it): test from i - 2
  on(58, () => {
    c.get(N_I).const(2).op(op.sub).set(N_I)
    shape("dd:dd:dd")
    orIf(bits.time)
    c.get(N_I).const(2).op(op.add).set(N_I)
  })
  // dddd-dd-dd around a `-` (four digits before it)
  on(45, () => {
    c.get(N_I).const(4).op(op.sub).set(N_I)
    shape("dddd-dd-dd")
    orIf(bits.date)
    c.get(N_I).const(4).op(op.add).set(N_I)
  })
  // `/` before t, v or p (any case); /tmp, /var/folders, /private/var
  on(47, () => {
    c.get(N_I).load8(1).const(32).op(op.or).set(N_KIND)
    c.get(N_KIND).const(116).op(op.eq).get(N_KIND).const(118).op(op.eq).op(op.or)
    c.get(N_KIND).const(112).op(op.eq).op(op.or)
    orIf(bits.tmp)
    word("/tmp")
    word("/var/folders")
    c.op(op.or)
    word("/private/var")
    c.op(op.or)
    orIf(bits.volatile)
  })
  on(84, () => {
    word("Temp")
    orIf(bits.volatile)
  })
  // what is left of the marks: c or C, before a `:`
  c.get(N_I).load8(1).const(58).op(op.eq)
  orIf(bits.tmp)
  c.end() // next
  c.get(N_I).const(1).op(op.add).set(N_I).br("byte")
  c.end().end()
  c.get(N_FOUND)
  return functionBody(N_LOCALS, c)
}

// ---- timesDurationsNumbers, on an ASCII text's bytes ----

/** What the template walk needs of normalize.ts: its character kinds, units and placeholders. */
export interface TemplateRules {
  /** Per ASCII character, `digit`, `word` (a regex `\w`) and `space` (a regex `\s`) bits. */
  readonly kinds: Uint8Array
  readonly digit: number
  readonly word: number
  readonly space: number
  /** The duration rule's units, each of one to seven word characters. */
  readonly units: ReadonlyArray<string>
  readonly time: string
  readonly duration: string
  readonly number: string
}

/** The places in the module of the functions called (needs is 0, template 1). */
const F_DIGITS_END = 2
const F_TIME_END = 3
const F_DURATION_END = 4
const F_NUMBER_END = 5
const F_IS_UNIT = 6
// parameters of the end functions: where the match starts and where the text ends (addresses)
const AT = 0
const END_AT = 1

/** Pushes 1 when the byte at `local` + `offset` is an ASCII digit. */
const digitAt = (c: Code, local: number, offset = 0): Code =>
  c.get(local).load8(offset).const(48).op(op.sub).const(9).op(op.leU)
/** Pushes the template kinds of the byte at `local` masked by `bits` (non-zero when it has one of them). */
const kindAt = (c: Code, local: number, bits: number): Code =>
  c.get(local).load8().load8(T_KIND_AT).const(bits).op(op.and)

/** digitsEnd(at, end): the end of the digit run from `at`. */
const digitsEndBody = (): Array<number> => {
  const c = new Code()
  c.block("done").loop("more")
  c.get(AT).get(END_AT).op(op.geU).brIf("done")
  digitAt(c, AT).op(op.eqz).brIf("done")
  c.get(AT).const(1).op(op.add).set(AT).br("more")
  c.end().end()
  c.get(AT)
  return functionBody(0, c)
}

/** timeEnd(at, end): `\b\d\d:\d\d:\d\d(?:[.,]\d+)?\b` from `at` (a word boundary), its end or -1. */
const timeEndBody = (rules: TemplateRules): Array<number> => {
  const E = 2
  const F = 3
  const NEXT = 4
  const c = new Code()
  c.get(AT).const(8).op(op.add).get(END_AT).op(op.gtU).if().const(-1).return().end()
  ;[0, 1, 3, 4, 6, 7].forEach((k, n) => {
    digitAt(c, AT, k)
    if (n > 0) c.op(op.and)
  })
  for (const k of [2, 5]) c.get(AT).load8(k).const(58).op(op.eq).op(op.and)
  c.op(op.eqz).if().const(-1).return().end()
  c.get(AT).const(8).op(op.add).set(E)
  c.get(E).load8().set(NEXT)
  // a fraction counts only whole and followed by a boundary; without it, `.` or `,` is the boundary
  c.get(NEXT).const(46).op(op.eq).get(NEXT).const(44).op(op.eq).op(op.or)
  digitAt(c, E, 1).op(op.and).if()
  c.get(E).const(1).op(op.add).get(END_AT).call(F_DIGITS_END).set(F)
  // word character after the fraction ? e : f (past the text's end is a zero byte, no word character)
  c.get(E).get(F)
  kindAt(c, F, rules.word)
  c.op(op.select).return()
  c.end()
  c.const(-1).get(E)
  kindAt(c, E, rules.word)
  c.op(op.select)
  return functionBody(3, c)
}

/** isUnit(at, length): whether the word of `length` (1 to 7) bytes at `at` is one of the units. */
const isUnitBody = (rules: TemplateRules): Array<number> => {
  const LENGTH = 1
  const WORD = 2
  const c = new Code()
  // the word's bytes as a little-endian number: words of different lengths differ in their top byte
  c.get(AT).load64().const64(1n).get(LENGTH).const(3).op(op.shl).op(op.i64ExtendU).op(op.i64Shl)
  c.const64(1n).op(op.i64Sub).op(op.i64And).set(WORD)
  c.const(0)
  for (const unit of rules.units) {
    const bytes = Array.from(Buffer.from(unit, "latin1"))
    if (bytes.length < 1 || bytes.length > 7) throw new Error(`unit ${unit}: one to seven characters`)
    const value = bytes.reduceRight((v, byte) => (v << 8n) | BigInt(byte), 0n)
    c.get(WORD).const64(value).op(op.i64Eq).op(op.or)
  }
  return functionBody(0, c, 1)
}

/** durationEnd(at, end): `\b\d+(?:\.\d+)?\s?(?:ns|…|hours?)\b` from `at` (a word boundary), its end or -1. */
const durationEndBody = (rules: TemplateRules): Array<number> => {
  const E = 2
  const W = 3
  const c = new Code()
  c.get(AT).get(END_AT).call(F_DIGITS_END).set(E)
  // a fraction, when one follows, is the only way on
  c.get(E).load8().const(46).op(op.eq)
  digitAt(c, E, 1).op(op.and).if()
  c.get(E).const(1).op(op.add).get(END_AT).call(F_DIGITS_END).set(E)
  c.end()
  // the optional space (a zero byte past the end is none); `µ` is not ASCII, so `µs` cannot follow
  kindAt(c, E, rules.space).if().get(E).const(1).op(op.add).set(E).end()
  c.get(E).set(W)
  c.block("word").loop("more")
  kindAt(c, W, rules.word).op(op.eqz).brIf("word")
  c.get(W).const(1).op(op.add).set(W).br("more")
  c.end().end()
  // one to seven word characters, and a unit
  c.get(W).get(E).op(op.sub).const(1).op(op.sub).const(6).op(op.gtU).if().const(-1).return().end()
  c.get(E).get(W).get(E).op(op.sub).call(F_IS_UNIT).if().get(W).return().end()
  c.const(-1)
  return functionBody(2, c)
}

/** numberEnd(at, end): `\d+(?:\.\d+)?` from `at`, where a time or duration after the `.` keeps its own. */
const numberEndBody = (): Array<number> => {
  const E = 2
  const c = new Code()
  c.get(AT).get(END_AT).call(F_DIGITS_END).set(E)
  c.get(E).load8().const(46).op(op.ne)
  digitAt(c, E, 1).op(op.eqz).op(op.or).if().get(E).return().end()
  c.get(E).const(1).op(op.add).get(END_AT).call(F_TIME_END).const(-1).op(op.ne).if().get(E).return().end()
  c.get(E).const(1).op(op.add).get(END_AT).call(F_DURATION_END).const(-1).op(op.ne).if().get(E).return().end()
  c.get(E).const(1).op(op.add).get(END_AT).call(F_DIGITS_END)
  return functionBody(1, c)
}

/** A placeholder's bytes as two little-endian words and a length, written by two stores. */
const placeholder = (text: string): readonly [number, number, number] => {
  const bytes = Array.from(Buffer.from(text, "latin1"))
  if (bytes.length > 8) throw new Error(`placeholder ${text}: at most eight characters`)
  const word = (from: number): number =>
    bytes.slice(from, from + 4).reduceRight((v, byte) => ((v << 8) | byte) >>> 0, 0) | 0
  return [word(0), word(4), bytes.length]
}

/**
 * template(length) → the template's length: timesDurationsNumbers of the ASCII text at N_INPUT, written at `outAt`.
 * Mirrors the JavaScript loop; the three rules' functions above mirror timeEnd, durationEnd and numberEnd.
 */
const templateBody = (rules: TemplateRules, outAt: number): Array<number> => {
  const LENGTH = 0
  const I = 1
  const END = 2
  const COPIED = 3
  const OUT = 4
  const E = 5
  const LO = 6
  const HI = 7
  const SIZE = 8
  const BOUNDARY = 9
  const c = new Code()
  const use = ([lo, hi, size]: readonly [number, number, number]): void => {
    c.const(lo).set(LO).const(hi).set(HI).const(size).set(SIZE)
  }
  c.const(N_INPUT).set(I).get(I).set(COPIED).get(I).get(LENGTH).op(op.add).set(END).const(outAt).set(OUT)
  c.block("done").loop("next")
  c.get(I).get(END).op(op.geU).brIf("done")
  digitAt(c, I).op(op.eqz).if().get(I).const(1).op(op.add).set(I).br("next").end()
  // a digit run starts here; a boundary before it when the byte before is no word character (the zero before the
  // text is none)
  c.get(I).const(1).op(op.sub).set(E)
  kindAt(c, E, rules.word).op(op.eqz).set(BOUNDARY)
  c.const(-1).set(E)
  use(placeholder(rules.time))
  c.get(BOUNDARY).if().get(I).get(END).call(F_TIME_END).set(E).end()
  c.get(E).const(0).op(op.ltS).get(BOUNDARY).op(op.and).if()
  c.get(I).get(END).call(F_DURATION_END).set(E)
  use(placeholder(rules.duration))
  c.end()
  c.get(E).const(0).op(op.ltS).if()
  c.get(I).get(END).call(F_NUMBER_END).set(E)
  use(placeholder(rules.number))
  c.end()
  // out += text[copied, i) + placeholder
  c.get(OUT).get(COPIED).get(I).get(COPIED).op(op.sub).copy()
  c.get(OUT).get(I).get(COPIED).op(op.sub).op(op.add).set(OUT)
  c.get(OUT).get(LO).store32().get(OUT).get(HI).store32(4)
  c.get(OUT).get(SIZE).op(op.add).set(OUT)
  c.get(E).set(I).get(E).set(COPIED)
  c.br("next")
  c.end().end()
  c.get(OUT).get(COPIED).get(END).get(COPIED).op(op.sub).copy()
  c.get(OUT).get(END).get(COPIED).op(op.sub).op(op.add).const(outAt).op(op.sub)
  return functionBody(9, c)
}

/** normalize.ts's needsOf, and its timesDurationsNumbers of the same text, in WebAssembly. */
export interface WasmNormalizer {
  /** needsOf(text), for texts of up to `maxChars` characters (longer ones are the caller's). */
  readonly needs: (text: string) => number
  /** timesDurationsNumbers of the text `needs` read last, or undefined when that text is not ASCII. */
  readonly template: () => string | undefined
}

/**
 * The normaliser over normalize.ts's table of ASCII character kinds (`kinds`, 128 entries) and its template rules;
 * undefined where WebAssembly cannot run. One per thread.
 */
export const makeWasmNormalizer = (
  bits: NeedBits,
  kinds: Uint8Array,
  rules: TemplateRules,
  maxChars: number,
): WasmNormalizer | undefined => {
  const capacity = maxChars * 3
  const outAt = align(N_INPUT + capacity + TAIL)
  // a template is at most three times its text (a one-digit number becomes `<n>`), plus the last store's spill
  const size = outAt + 3 * maxChars + 16
  const exports = instantiate(
    moduleBytes([
      { name: "needs", params: 1, body: needsBody(bits) },
      { name: "template", params: 1, body: templateBody(rules, outAt) },
      { params: 2, body: digitsEndBody() },
      { params: 2, body: timeEndBody(rules) },
      { params: 2, body: durationEndBody(rules) },
      { params: 2, body: numberEndBody() },
      { params: 2, body: isUnitBody(rules) },
    ]),
  )
  if (exports === undefined) return undefined
  const memory = exports["memory"] as WasmMemory
  const needs = exports["needs"] as (length: number) => number
  const template = exports["template"] as (length: number) => number
  growTo(memory, size)
  const heap = new Uint8Array(memory.buffer)
  heap.set(kinds, N_KIND_AT)
  heap.set(rules.kinds, T_KIND_AT)
  const input = heap.subarray(N_INPUT, N_INPUT + capacity)
  const output = latin1View(memory)
  const encoder = new TextEncoder()
  let dirty = 0
  // the text `needs` read last: its length in characters and in bytes (equal for an ASCII text)
  let chars = 0
  let written = 0
  return {
    needs: (text) => {
      written = encoder.encodeInto(text, input).written
      chars = text.length
      // zeros after the text (the last text may have been longer), so shapes and words never match past its end
      if (dirty > written) heap.fill(0, N_INPUT + written, N_INPUT + dirty)
      dirty = written
      return needs(written)
    },
    template: () => {
      if (written !== chars) return undefined
      return output.latin1Slice(outAt, outAt + template(written))
    },
  }
}
