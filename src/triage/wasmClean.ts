// clean.ts's cleanLine in WebAssembly, on a line's raw bytes where the chunk lies in memory: Buildkite markers, ANSI
// sequences, a GitHub Actions timestamp and trailing white space stripped, written where the word collection reads.
// It takes the lines whose cleaning needs no character counting: ASCII, no tab (a `gh run view` prefix) and no `\r`
// (a terminal overwrite) but the one before the newline. For the others it answers -1, and the caller decodes the
// line and cleans it in JavaScript, which stays the reference its tests hold this to.
import { Code, functionBody, op, simd, type WasmFunction } from "./wasmAssembler.js"

const ESC = 0x1b
const BEL = 0x07
const TAB = 9
const CR = 13
const SPACE = 32
/** The shape of the ISO stamp GitHub Actions puts before each line (clean.ts's isoStampLength); 0 is any digit. */
const STAMP = "0000-00-00T00:00:00"
const BUILDKITE = "_bk;t="

// the functions' places after `clean`'s, which is the first
const BYTE_AT = 1
const ANSI_END = 2
const ANSI_PASS = 3
const BUILDKITE_END = 4
const BUILDKITE_PASS = 5
const STAMP_LENGTH = 6

// parameters of the helpers: a position and the end of the bytes it may read (addresses)
const AT = 0
const END = 1

/** Pushes 1 when the byte value in `local` is an ASCII digit (-1, no byte, is none). */
const isDigit = (c: Code, local: number): Code => c.get(local).const(48).op(op.sub).const(9).op(op.leU)

/** Reads the byte at the position on the stack (or -1 at or past `end`) into local `into`. */
const readByte = (c: Code, first: number, into: number): Code =>
  c
    .get(END)
    .call(first + BYTE_AT)
    .set(into)

/** byteAt(at, end): the byte at `at`, or -1 at or past `end`. */
const byteAtBody = (): Array<number> => {
  const c = new Code()
  c.get(AT).load8().const(-1).get(AT).get(END).op(op.ltU).op(op.select)
  return functionBody(0, c)
}

/**
 * ansiEnd(at, end): where the ANSI sequence starting at the escape at `at` ends, or -1 when none does (clean.ts's
 * ANSI, one alternative per byte after the escape: CSI, OSC, a charset selection, a keypad mode).
 */
const ansiEndBody = (first: number): Array<number> => {
  const Q = 2
  const B = 3
  const c = new Code()
  c.get(AT).const(1).op(op.add)
  readByte(c, first, B)
  // CSI: `\[[0-9;?]*[ -/]*[@-~]`, its classes disjoint, so taking each run whole is what the regex does
  c.get(B).const(0x5b).op(op.eq).if()
  c.get(AT).const(2).op(op.add).set(Q)
  c.block("parameters").loop("parameter")
  c.get(Q)
  readByte(c, first, B)
  isDigit(c, B).get(B).const(0x3b).op(op.eq).op(op.or).get(B).const(0x3f).op(op.eq).op(op.or)
  c.op(op.eqz).brIf("parameters")
  c.get(Q).const(1).op(op.add).set(Q).br("parameter")
  c.end().end()
  c.block("intermediates").loop("intermediate")
  c.get(B).const(0x20).op(op.sub).const(0x0f).op(op.gtU).brIf("intermediates")
  c.get(Q).const(1).op(op.add).set(Q)
  c.get(Q)
  readByte(c, first, B)
  c.br("intermediate")
  c.end().end()
  c.get(Q).const(1).op(op.add).const(-1).get(B).const(0x40).op(op.sub).const(0x3e).op(op.leU).op(op.select)
  c.return()
  c.end()
  // OSC: `\][^\x07\x1b]*(?:\x07|\x1b\\)`; an escape not followed by `\` ends it unmatched
  c.get(B).const(0x5d).op(op.eq).if()
  c.get(AT).const(2).op(op.add).set(Q)
  c.loop("payload")
  c.get(Q)
  readByte(c, first, B)
  c.get(B).const(-1).op(op.eq).if().const(-1).return().end()
  c.get(B).const(BEL).op(op.eq).if().get(Q).const(1).op(op.add).return().end()
  c.get(B).const(ESC).op(op.eq).if()
  c.get(Q).const(2).op(op.add).const(-1)
  c.get(Q).const(1).op(op.add)
  readByte(c, first, B)
  c.get(B).const(0x5c).op(op.eq).op(op.select).return()
  c.end()
  c.get(Q).const(1).op(op.add).set(Q).br("payload")
  c.end()
  c.const(-1).return()
  c.end()
  // a charset selection: `[()][A-Z0-9]`
  c.get(B).const(0x28).op(op.eq).get(B).const(0x29).op(op.eq).op(op.or).if()
  c.get(AT).const(2).op(op.add)
  readByte(c, first, B)
  c.get(AT).const(3).op(op.add).const(-1)
  c.get(B).const(0x41).op(op.sub).const(25).op(op.leU)
  isDigit(c, B).op(op.or).op(op.select).return()
  c.end()
  // a keypad mode: `[=>]`
  c.get(AT).const(2).op(op.add).const(-1)
  c.get(B).const(0x3d).op(op.eq).get(B).const(0x3e).op(op.eq).op(op.or).op(op.select)
  return functionBody(2, c)
}

/** buildkiteEnd(at, end): where `_bk;t=\d+\x07` from `at` ends, or -1. */
const buildkiteEndBody = (first: number): Array<number> => {
  const Q = 2
  const DIGITS = 3
  const B = 4
  const c = new Code()
  Array.from(BUILDKITE).forEach((ch, k) => {
    c.get(AT)
      .const(k)
      .op(op.add)
      .get(END)
      .call(first + BYTE_AT)
      .const(ch.charCodeAt(0))
      .op(op.eq)
    if (k > 0) c.op(op.and)
  })
  c.op(op.eqz).if().const(-1).return().end()
  c.get(AT).const(BUILDKITE.length).op(op.add).set(Q)
  c.get(Q).set(DIGITS)
  c.block("run").loop("digit")
  c.get(Q)
  readByte(c, first, B)
  isDigit(c, B).op(op.eqz).brIf("run")
  c.get(Q).const(1).op(op.add).set(Q).br("digit")
  c.end().end()
  // one digit at least, then the bell (B holds the byte after the digits)
  c.get(Q).get(DIGITS).op(op.eq).if().const(-1).return().end()
  c.get(Q).const(1).op(op.add).const(-1).get(B).const(BEL).op(op.eq).op(op.select)
  return functionBody(3, c)
}

/**
 * A pass of a global replace by "": pass(from, end, to) copies bytes [from, end) to `to` without the matches of
 * `matchEnd` (an escape-led one tried at each escape; `also`, a byte another match may start at), returns where the
 * copy ends.
 */
const passBody = (first: number, matchEnd: number, also: number | undefined): Array<number> => {
  const FROM = 0
  const TO = 2
  const B = 3
  const X = 4
  const c = new Code()
  c.block("done").loop("byte")
  c.get(FROM).get(END).op(op.geU).brIf("done")
  c.get(FROM).load8().set(B)
  c.get(B).const(ESC).op(op.eq).if()
  // the Buildkite marker's escape is optional: after one, the marker itself starts at the next byte
  c.get(FROM)
  if (also !== undefined) c.const(1).op(op.add)
  c.get(END)
    .call(first + matchEnd)
    .set(X)
  c.get(X).const(-1).op(op.ne).if().get(X).set(FROM).br("byte").end()
  c.end()
  if (also !== undefined) {
    c.get(B).const(also).op(op.eq).if()
    c.get(FROM)
      .get(END)
      .call(first + matchEnd)
      .set(X)
    c.get(X).const(-1).op(op.ne).if().get(X).set(FROM).br("byte").end()
    c.end()
  }
  c.get(TO).get(B).store8()
  c.get(TO).const(1).op(op.add).set(TO)
  c.get(FROM).const(1).op(op.add).set(FROM).br("byte")
  c.end().end()
  c.get(TO)
  return functionBody(2, c)
}

/** stampLength(at, end): the length of the ISO stamp at `at` (`2024-05-14T10:00:00.123Z `), or 0. */
const stampLengthBody = (first: number): Array<number> => {
  const I = 2
  const B = 3
  const c = new Code()
  c.get(END)
    .get(AT)
    .op(op.sub)
    .const(STAMP.length + 1)
    .op(op.ltS)
    .if()
    .const(0)
    .return()
    .end()
  Array.from(STAMP).forEach((ch, k) => {
    c.get(AT).load8(k)
    if (ch === "0") c.const(48).op(op.sub).const(9).op(op.leU)
    else c.const(ch.charCodeAt(0)).op(op.eq)
    if (k > 0) c.op(op.and)
  })
  c.op(op.eqz).if().const(0).return().end()
  c.get(AT).const(STAMP.length).op(op.add).set(I)
  // a fraction: `.` and digits
  c.get(I).const(1).op(op.add)
  readByte(c, first, B)
  isDigit(c, B)
    .get(I)
    .get(END)
    .call(first + BYTE_AT)
    .const(46)
    .op(op.eq)
    .op(op.and)
    .if()
  c.get(I).const(2).op(op.add).set(I)
  c.block("run").loop("digit")
  c.get(I)
  readByte(c, first, B)
  isDigit(c, B).op(op.eqz).brIf("run")
  c.get(I).const(1).op(op.add).set(I).br("digit")
  c.end().end()
  c.end()
  c.get(I)
    .get(END)
    .call(first + BYTE_AT)
    .const(90)
    .op(op.ne)
    .if()
    .const(0)
    .return()
    .end()
  // `Z`, and the space after it when there is one
  c.get(I).const(2).op(op.add).get(I).const(1).op(op.add)
  c.get(I)
    .const(1)
    .op(op.add)
    .get(END)
    .call(first + BYTE_AT)
    .const(SPACE)
    .op(op.eq)
    .op(op.select)
  c.get(AT).op(op.sub)
  return functionBody(2, c)
}

/**
 * clean(start, end) → the cleaned line's length, written at `outAt`; or -1 for a line this does not take (see the
 * top of the file) or one longer than `maxBytes`. Mirrors cleanLine: Buildkite markers (only where a bell is), then
 * ANSI sequences (only where an escape is), then the stamp, then trailing white space.
 */
const cleanBody = (first: number, at: CleanLayout): Array<number> => {
  const START = 0
  const I = 2
  const B = 3
  const FOUND = 4
  const FROM = 5
  const TO = 6
  const STAMP_END = 7
  /** The lanes of a sixteen-byte block that are the line's, as bits. */
  const LANES = 8
  const HAS_ESC = 1
  const HAS_BEL = 2
  const c = new Code()
  // a `\r\n` line's `\r` is not part of it
  c.get(END).get(START).op(op.gtU).if()
  c.get(END).const(1).op(op.sub).load8().const(CR).op(op.eq).if()
  c.get(END).const(1).op(op.sub).set(END)
  c.end().end()
  c.get(END).get(START).op(op.sub).const(at.maxBytes).op(op.gtU).if().const(-1).return().end()
  c.get(START).set(I)
  if (at.simd) {
    // sixteen bytes at a time: a lane's bit per test, the lanes past the line's end masked off (they lie in memory)
    const lanesEqual = (byte: number): Code =>
      c.get(I).load128().const(byte).simd(simd.i8x16Splat).simd(simd.i8x16Eq)
    c.block("checked").loop("lanes")
    c.get(I).get(END).op(op.geU).brIf("checked")
    c.get(END).get(I).op(op.sub).set(B)
    c.const(1)
      .get(B)
      .op(op.shl)
      .const(1)
      .op(op.sub)
      .const(-1)
      .get(B)
      .const(16)
      .op(op.ltU)
      .op(op.select)
      .set(LANES)
    // a byte past ASCII has its top bit set, which is what a bitmask collects
    c.get(I).load128().simd(simd.i8x16Bitmask)
    lanesEqual(TAB)
    lanesEqual(CR).simd(simd.v128Or).simd(simd.i8x16Bitmask).op(op.or)
    c.get(LANES).op(op.and).if().const(-1).return().end()
    lanesEqual(ESC).simd(simd.i8x16Bitmask).get(LANES).op(op.and).if()
    c.get(FOUND).const(HAS_ESC).op(op.or).set(FOUND)
    c.end()
    lanesEqual(BEL).simd(simd.i8x16Bitmask).get(LANES).op(op.and).if()
    c.get(FOUND).const(HAS_BEL).op(op.or).set(FOUND)
    c.end()
    c.get(I).const(16).op(op.add).set(I).br("lanes")
    c.end().end()
  } else {
    c.block("checked").loop("byte")
    c.get(I).get(END).op(op.geU).brIf("checked")
    c.get(I).load8().set(B)
    c.get(B).const(0x80).op(op.geU).get(B).const(TAB).op(op.eq).op(op.or).get(B).const(CR).op(op.eq).op(op.or)
    c.if().const(-1).return().end()
    c.get(B).const(ESC).op(op.eq).if().get(FOUND).const(HAS_ESC).op(op.or).set(FOUND).end()
    c.get(B).const(BEL).op(op.eq).if().get(FOUND).const(HAS_BEL).op(op.or).set(FOUND).end()
    c.get(I).const(1).op(op.add).set(I).br("byte")
    c.end().end()
  }
  c.get(START).set(FROM).get(END).set(TO)
  /** Where the line holds `flag`'s byte: `pass` copies [FROM, TO) to `into` without what it strips, FROM is `into`. */
  const passIf = (flag: number, pass: number, into: number): void => {
    c.get(FOUND).const(flag).op(op.and).if()
    c.get(FROM)
      .get(TO)
      .const(into)
      .call(first + pass)
      .set(TO)
    c.const(into).set(FROM)
    c.end()
  }
  // a Buildkite marker ends in a bell
  passIf(HAS_BEL, BUILDKITE_PASS, at.markersAt)
  passIf(HAS_ESC, ANSI_PASS, at.escapesAt)
  c.get(FROM)
    .get(TO)
    .call(first + BYTE_AT)
    .set(B)
  c.get(FROM).set(STAMP_END)
  isDigit(c, B).if()
  c.get(FROM)
    .get(TO)
    .call(first + STAMP_LENGTH)
    .get(FROM)
    .op(op.add)
    .set(STAMP_END)
  c.end()
  // trailing white space: `\s` in ASCII is a space or 9 to 13
  c.block("trimmed").loop("space")
  c.get(TO).get(STAMP_END).op(op.leU).brIf("trimmed")
  c.get(TO).const(1).op(op.sub).load8().set(B)
  c.get(B)
    .const(SPACE)
    .op(op.eq)
    .get(B)
    .const(9)
    .op(op.sub)
    .const(4)
    .op(op.leU)
    .op(op.or)
    .op(op.eqz)
    .brIf("trimmed")
  c.get(TO).const(1).op(op.sub).set(TO).br("space")
  c.end().end()
  c.const(at.outAt).get(STAMP_END).get(TO).get(STAMP_END).op(op.sub).copy()
  c.get(TO).get(STAMP_END).op(op.sub)
  return functionBody(7, c)
}

/** Where clean writes: its result, and a scratch area per pass, each of `maxBytes`. */
export interface CleanLayout {
  readonly outAt: number
  readonly markersAt: number
  readonly escapesAt: number
  readonly maxBytes: number
  /**
   * Whether to check a line sixteen bytes at a time (WebAssembly SIMD): its bytes then have to be followed by at least
   * fifteen more in memory, whatever they are.
   */
  readonly simd: boolean
}

/** The cleaning functions, `clean(start, end)` first, for a module that puts them from index `first` on. */
export const cleanFunctions = (first: number, layout: CleanLayout): ReadonlyArray<WasmFunction> => [
  { name: "clean", params: 2, body: cleanBody(first, layout) },
  { params: 2, body: byteAtBody() },
  { params: 2, body: ansiEndBody(first) },
  { params: 3, body: passBody(first, ANSI_END, undefined) },
  { params: 2, body: buildkiteEndBody(first) },
  { params: 3, body: passBody(first, BUILDKITE_END, BUILDKITE.charCodeAt(0)) },
  { params: 2, body: stampLengthBody(first) },
]
