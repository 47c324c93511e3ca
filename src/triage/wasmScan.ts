// bytePrefilter's chunk scan as a WebAssembly function (~1.6× faster than its JavaScript twin, which stays as the
// fallback and as the tests' reference): JavaScript pays a bounds check and a type guard per byte; this loop does
// not. The scoring automaton's word collection is in wasmCollect.ts, normalize's loops in wasmNormalize.ts. Each
// module is a few hundred bytes assembled at load time (wasmAssembler.ts), so there is no binary file to build, ship
// or download. Each thread builds its own instances.
import {
  align,
  Code,
  functionBody,
  growTo,
  instantiate,
  moduleBytes,
  op,
  TAIL,
  type WasmMemory,
} from "./wasmAssembler.js"

/** What the scan needs of bytePrefilter's automaton. */
export interface ScanTables {
  /** Class of each byte (A-Z folded), 0 for bytes no literal holds. */
  readonly classOf: Uint8Array
  readonly classes: number
  /** `(nextRow << 1) | hasOutput`, rows premultiplied by the class count. */
  readonly next: Int32Array
  /** Per state: 1 (EXACT) or 2 (UNSURE) where a literal ends, else 0. */
  readonly verdict: Uint8Array
  /** Per state: 1 when `no ` ends there, so `\S+ found` must follow. */
  readonly needsFound: Uint8Array
}

/** Where each line of a chunk starts, and which lines may be candidates (see bytePrefilter's ChunkScan). */
export interface WasmScan {
  readonly count: number
  readonly starts: Int32Array
  readonly flags: Uint8Array
}

// parameters, then locals
const INPUT = 0
const END = 1
const STARTS = 2
const FLAGS = 3
const NEXT = 4
const VERDICT = 5
const NEEDS = 6
const CLASSES = 7
const PARAMS = 8
const I = 8
const COUNT = 9
const FLAG = 10
const ROW = 11
const BYTE = 12
const CLS = 13
const ENTRY = 14
const STATE = 15
const J = 16
const FIRST = 17
const LOCALS = 10

const EXACT = 1
const UNSURE = 2
const NEWLINE = 10
const SPACE = 32
const FOUND = Array.from(Buffer.from(" found"))

/**
 * scan(input, end, starts, flags, next, verdict, needsFound, classes) → line count. Memory holds classOf at 0 (with a
 * class for the newline, see wasmTables); the input is followed by a newline, then zero bytes, so a look past its end
 * never matches and a line without a newline ends there, as in the JavaScript scan. Mirrors bytePrefilter's scanChunkJs line by
 * line; comments name the JavaScript it stands for.
 */
const scanBody = (): Array<number> => {
  const c = new Code()
  c.get(INPUT).set(I)
  c.block("done").loop("line")
  // starts[count] = i - input
  c.get(STARTS).get(COUNT).const(2).op(op.shl).op(op.add).get(I).get(INPUT).op(op.sub).store32()
  c.get(I).get(END).op(op.geU).brIf("done")

  // flag = lineStartShape(bytes, i) ? EXACT : 0
  c.const(0).set(FLAG)
  c.get(I).load8().set(FIRST)
  c.block("shape")
  // E followed by two spaces
  c.get(FIRST).const(69).op(op.eq).if()
  c.get(I).load8(1).const(SPACE).op(op.eq).get(I).load8(2).const(SPACE).op(op.eq).op(op.and).set(FLAG)
  c.br("shape").end()
  // three or more - or _, then a space
  c.get(FIRST).const(45).op(op.eq).get(FIRST).const(95).op(op.eq).op(op.or).if()
  c.get(I).set(J)
  c.block("run").loop("more")
  c.get(J).load8().get(FIRST).op(op.ne).brIf("run")
  c.get(J).const(1).op(op.add).set(J).br("more")
  c.end().end()
  c.get(J).get(I).op(op.sub).const(3).op(op.geU).get(J).load8().const(SPACE).op(op.eq).op(op.and).set(FLAG)
  c.br("shape").end()
  // ~~~ or +++, then a space
  c.get(FIRST).const(126).op(op.eq).get(FIRST).const(43).op(op.eq).op(op.or).if()
  c.get(I).load8(1).get(FIRST).op(op.eq)
  c.get(I).load8(2).get(FIRST).op(op.eq).op(op.and)
  c.get(I).load8(3).const(SPACE).op(op.eq).op(op.and).set(FLAG)
  c.end()
  c.end() // shape

  c.block("eol")
  c.get(FLAG).brIf("eol")
  c.const(0).set(ROW)
  c.loop("byte")
  // the newline has a class of its own whose entry is -1 (an output), and one follows the input: no other test
  c.get(I).load8().load8().set(CLS)
  c.get(CLS).op(op.eqz).if()
  c.const(0).set(ROW)
  c.else()
  // entry = next[row + cls]; row = entry >> 1
  c.get(NEXT).get(ROW).get(CLS).op(op.add).const(2).op(op.shl).op(op.add).load32().set(ENTRY)
  c.get(ENTRY).const(1).op(op.shrS).set(ROW)
  c.get(ENTRY).const(1).op(op.and).if()
  c.get(ENTRY).const(0).op(op.ltS).brIf("eol")
  c.get(ROW).get(CLASSES).op(op.divU).set(STATE)
  // an exact literal: the line is a candidate, go to its end
  c.get(VERDICT).get(STATE).op(op.add).load8().const(EXACT).op(op.eq).if()
  c.const(EXACT).set(FLAG).br("eol")
  c.end()
  // `no ` counts only when `\S+ found` follows (foundFollows)
  c.block("unsure")
  c.get(NEEDS).get(STATE).op(op.add).load8().op(op.eqz).if()
  c.const(UNSURE).set(FLAG).br("unsure")
  c.end()
  c.get(I).const(1).op(op.add).set(J)
  c.block("word").loop("nonspace")
  c.get(J).get(END).op(op.geU).brIf("word")
  // ASCII whitespace: a space, or 9..13
  c.get(J).load8().set(BYTE)
  c.get(BYTE).const(SPACE).op(op.eq).get(BYTE).const(9).op(op.sub).const(4).op(op.leU).op(op.or).brIf("word")
  c.get(J).const(1).op(op.add).set(J).br("nonspace")
  c.end().end()
  // no word, or no room for " found": not this time
  c.get(J).get(I).const(1).op(op.add).op(op.eq).brIf("unsure")
  c.get(J).const(FOUND.length).op(op.add).get(END).op(op.gtU).brIf("unsure")
  FOUND.forEach((want, k) => {
    // fold A-Z: b | 32 when 65 <= b <= 90
    c.get(J).load8(k).set(BYTE)
    c.get(BYTE).get(BYTE).const(65).op(op.sub).const(25).op(op.leU).const(5).op(op.shl).op(op.or)
    c.const(want).op(op.ne).brIf("unsure")
  })
  c.const(UNSURE).set(FLAG)
  c.end() // unsure
  c.end() // output
  c.end() // class
  c.get(I).const(1).op(op.add).set(I).br("byte")
  c.end() // byte
  c.end() // eol

  // a line known to be a candidate still has to reach its newline (the one after the input at the latest)
  c.get(FLAG).const(EXACT).op(op.eq).if()
  c.block("found").loop("seek")
  c.get(I).load8().const(NEWLINE).op(op.eq).brIf("found")
  c.get(I).const(1).op(op.add).set(I).br("seek")
  c.end().end()
  c.end()
  // flags[count++] = flag; i = newline + 1 (or end + 1)
  c.get(FLAGS).get(COUNT).op(op.add).get(FLAG).store8()
  c.get(COUNT).const(1).op(op.add).set(COUNT)
  c.get(I).const(1).op(op.add).set(I)
  c.br("line")
  c.end() // line
  c.end() // done
  c.get(COUNT)
  return functionBody(LOCALS, c)
}

/**
 * The tables with one more class, for the newline: its entry in every state is -1, an output the scan loop checks
 * only on the path outputs take. Rows are premultiplied by the class count, so every entry is re-encoded.
 */
const wasmTables = (tables: ScanTables): ScanTables => {
  const classes = tables.classes + 1
  const states = tables.verdict.length
  const next = new Int32Array(states * classes)
  for (let state = 0; state < states; state++) {
    for (let cls = 0; cls < tables.classes; cls++) {
      const entry = tables.next[state * tables.classes + cls]!
      const to = (entry >> 1) / tables.classes
      next[state * classes + cls] = ((to * classes) << 1) | (entry & 1)
    }
    next[state * classes + tables.classes] = -1
  }
  const classOf = Uint8Array.from(tables.classOf)
  classOf[NEWLINE] = tables.classes
  return { ...tables, classOf, classes, next }
}

/**
 * A scanner over `tables`, or undefined where WebAssembly cannot run (the caller keeps its JavaScript scan). Each
 * scanner owns its memory: one per thread.
 */
export const makeWasmScanner = (scanTables: ScanTables): ((bytes: Uint8Array) => WasmScan) | undefined => {
  const exports = instantiate(moduleBytes([{ name: "scan", params: PARAMS, body: scanBody() }]))
  if (exports === undefined) return undefined
  const memory = exports["memory"] as WasmMemory
  const tables = wasmTables(scanTables)
  const scan = exports["scan"] as (...args: ReadonlyArray<number>) => number
  const states = tables.verdict.length
  const verdictAt = 256
  const needsAt = verdictAt + states
  const nextAt = align(needsAt + states)
  const inputAt = align(nextAt + tables.next.length * 4)
  growTo(memory, inputAt)
  const tablesView = new Uint8Array(memory.buffer)
  tablesView.set(tables.classOf, 0)
  tablesView.set(tables.verdict, verdictAt)
  tablesView.set(tables.needsFound, needsAt)
  new Int32Array(memory.buffer, nextAt, tables.next.length).set(tables.next)

  return (bytes) => {
    const length = bytes.length
    // at most one line per byte, plus the end sentinel
    const startsAt = align(inputAt + length + TAIL)
    const flagsAt = startsAt + 4 * (length + 2)
    growTo(memory, flagsAt + length + 2)
    const heap = new Uint8Array(memory.buffer)
    heap.set(bytes, inputAt)
    heap[inputAt + length] = NEWLINE
    heap.fill(0, inputAt + length + 1, inputAt + length + TAIL)
    const count = scan(
      inputAt,
      inputAt + length,
      startsAt,
      flagsAt,
      nextAt,
      verdictAt,
      needsAt,
      tables.classes,
    )
    return {
      count,
      starts: new Int32Array(memory.buffer, startsAt, count + 1).slice(),
      flags: heap.slice(flagsAt, flagsAt + count),
    }
  }
}
