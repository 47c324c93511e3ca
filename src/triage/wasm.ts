// The hot byte loops of triage's scan as WebAssembly functions, each the twin of a JavaScript one that stays as the
// fallback and as its tests' reference: bytePrefilter's chunk scan (~1.6× faster) and the scoring automaton's word
// collection (~2×); normalize's loops are in wasmNormalize.ts. JavaScript pays a bounds check and a type guard per
// character; these loops do not. Each module is a few hundred bytes assembled at load time (wasmAssembler.ts), so
// there is no binary file to build, ship or download. Each thread builds its own instances.
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
import { cleanFunctions } from "./wasmClean.js"

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
  c.get(STARTS).get(COUNT).const(2).op(op.shl).op(op.add).get(I).get(INPUT).op(op.sub).op(0x36, 2, 0)
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
  c.get(NEXT).get(ROW).get(CLS).op(op.add).const(2).op(op.shl).op(op.add).op(0x28, 2, 0).set(ENTRY)
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
  c.get(FLAGS).get(COUNT).op(op.add).get(FLAG).op(0x3a, 0, 0)
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

// ---- the scoring automaton's word collection, on a line's UTF-8 bytes ----

/** A literal automaton over folded UTF-8 bytes, as bytePrefilter builds one, with the literal ids of each state. */
export interface CollectTables {
  readonly classOf: Uint8Array
  readonly classes: number
  readonly next: Int32Array
  readonly outputs: ReadonlyArray<ReadonlyArray<number>>
  /** How many literals (ids run 0..literals-1). */
  readonly literals: number
}

/** Where collect's tables and buffers sit in its memory; fixed once the tables are known. */
interface CollectLayout {
  readonly nextAt: number
  readonly outStartAt: number
  readonly outIdsAt: number
  readonly hitsAt: number
  readonly foundAt: number
  /** Where collect leaves the FNV-1a hash of the text's bytes. */
  readonly hashAt: number
  readonly inputAt: number
  readonly classes: number
}

// collect(length, mark) → how many ids it wrote at foundAt
const C_LENGTH = 0
const C_MARK = 1
const C_I = 2
const C_END = 3
const C_ROW = 4
const C_CLS = 5
const C_ENTRY = 6
/** The address of outStart[state] for the state just entered. */
const C_OUT_AT = 7
const C_K = 8
const C_K_END = 9
const C_ID = 10
const C_COUNT = 11
const C_BYTE = 12
const C_HASH = 13
const C_LOCALS = 12
/** FNV-1a's 32-bit offset basis and prime. */
const FNV_BASIS = 0x811c9dc5 | 0
const FNV_PRIME = 16777619

/**
 * LiteralSet.collect on bytes: every literal found in input[0, length), each once per `mark` (hits[id] holds the mark
 * of the last line it was listed for), ids written in order of discovery. On the way it hashes the bytes (FNV-1a) to
 * hashAt, which lets a caller look the text up by a number. Addresses are constants of the module.
 */
const collectBody = (at: CollectLayout): Array<number> => {
  const c = new Code()
  const load32 = (): Code => c.op(0x28, 2, 0)
  const store32 = (): Code => c.op(0x36, 2, 0)
  c.const(at.inputAt).set(C_I)
  c.get(C_I).get(C_LENGTH).op(op.add).set(C_END)
  c.const(FNV_BASIS).set(C_HASH)
  c.block("done").loop("byte")
  c.get(C_I).get(C_END).op(op.geU).brIf("done")
  c.get(C_I).load8().set(C_BYTE)
  // hash = (hash ^ byte) * prime
  c.get(C_HASH).get(C_BYTE).op(op.xor).const(FNV_PRIME).op(op.mul).set(C_HASH)
  c.get(C_BYTE).load8().set(C_CLS)
  c.get(C_CLS).op(op.eqz).if()
  c.const(0).set(C_ROW)
  c.else()
  c.const(at.nextAt).get(C_ROW).get(C_CLS).op(op.add).const(2).op(op.shl).op(op.add)
  load32().set(C_ENTRY)
  c.get(C_ENTRY).const(1).op(op.shrS).set(C_ROW)
  c.get(C_ENTRY).const(1).op(op.and).if()
  // the ids ending in this state: outIds[outStart[state] .. outStart[state + 1])
  c.get(C_ROW).const(at.classes).op(op.divU).const(2).op(op.shl).const(at.outStartAt).op(op.add).set(C_OUT_AT)
  c.get(C_OUT_AT)
  load32().set(C_K)
  c.get(C_OUT_AT).const(4).op(op.add)
  load32().set(C_K_END)
  c.block("ids").loop("each")
  c.get(C_K).get(C_K_END).op(op.geU).brIf("ids")
  c.const(at.outIdsAt).get(C_K).const(2).op(op.shl).op(op.add)
  load32().set(C_ID)
  c.const(at.hitsAt).get(C_ID).const(2).op(op.shl).op(op.add)
  load32().get(C_MARK).op(op.ne).if()
  c.const(at.hitsAt).get(C_ID).const(2).op(op.shl).op(op.add).get(C_MARK)
  store32()
  c.const(at.foundAt).get(C_COUNT).const(2).op(op.shl).op(op.add).get(C_ID)
  store32()
  c.get(C_COUNT).const(1).op(op.add).set(C_COUNT)
  c.end()
  c.get(C_K).const(1).op(op.add).set(C_K).br("each")
  c.end().end()
  c.end() // output
  c.end() // class
  c.get(C_I).const(1).op(op.add).set(C_I).br("byte")
  c.end().end()
  c.const(at.hashAt).get(C_HASH)
  store32()
  c.get(C_COUNT)
  return functionBody(C_LOCALS, c)
}

/** The word collection in WebAssembly, and the hash of the text it last collected from. */
export interface WasmCollector {
  /** Writes the ids of the literals in `text` (each once) to `found` and returns their count. */
  readonly collect: (text: string, found: Int32Array) => number
  /** The FNV-1a hash of the UTF-8 bytes of the text `collect` last read. */
  readonly lastHash: () => number
  /** Copies a chunk's bytes into the module's memory, for collectLine. */
  readonly loadChunk: (utf8: Uint8Array) => void
  /**
   * `collect` of bytes [start, end) of the chunk loaded last, cleaned as cleanLine cleans a line (see wasmClean.ts), or
   * -1 for a line that cleaning does not take there: the caller decodes and cleans it itself.
   */
  readonly collectLine: (start: number, end: number, found: Int32Array) => number
  /** The cleaned text collectLine last read. */
  readonly lastLine: () => string
  /** Bytes [start, end) of the chunk loaded last, cleaned as collectLine cleans them, or undefined as it gives -1. */
  readonly cleanLine: (start: number, end: number) => string | undefined
}

/**
 * collectTriggers in WebAssembly: the text is encoded into the module's memory (a native copy), then scanned there;
 * or a line of a chunk already there is cleaned into the same place, and scanned. Undefined where WebAssembly cannot
 * run. `maxChars`: the longest text it takes (longer ones are the caller's to scan). One per thread.
 */
export const makeWasmCollector = (
  tables: CollectTables,
  maxChars: number,
  options: { readonly simd?: boolean } = {},
): WasmCollector | undefined => {
  const states = tables.outputs.length
  const outIds = tables.outputs.flat()
  const nextAt = 256
  const outStartAt = nextAt + tables.next.length * 4
  const outIdsAt = outStartAt + (states + 1) * 4
  const hitsAt = outIdsAt + outIds.length * 4
  const foundAt = hitsAt + tables.literals * 4
  const hashAt = foundAt + tables.literals * 4
  const inputAt = hashAt + 8
  // a UTF-16 code unit is at most three UTF-8 bytes
  const capacity = maxChars * 3
  // cleaning's scratch, then the chunk (it grows the memory to fit)
  const markersAt = align(inputAt + capacity + TAIL)
  const escapesAt = align(markersAt + maxChars + TAIL)
  const chunkAt = align(escapesAt + maxChars + TAIL)
  const layout: CollectLayout = {
    nextAt,
    outStartAt,
    outIdsAt,
    hitsAt,
    foundAt,
    hashAt,
    inputAt,
    classes: tables.classes,
  }
  const collectorModule = (simd: boolean): Uint8Array =>
    moduleBytes([
      { name: "collect", params: 2, body: collectBody(layout) },
      ...cleanFunctions(1, { outAt: inputAt, markersAt, escapesAt, maxBytes: maxChars, simd }),
    ])
  // SIMD checks a line's bytes sixteen at a time; where it is missing (or `simd` is false), one at a time
  const exports =
    (options.simd === false ? undefined : instantiate(collectorModule(true))) ??
    instantiate(collectorModule(false))
  if (exports === undefined) return undefined
  const memory = exports["memory"] as WasmMemory
  const collect = exports["collect"] as (length: number, mark: number) => number
  const clean = exports["clean"] as (start: number, end: number) => number
  growTo(memory, chunkAt + TAIL)
  let heap = new Uint8Array(memory.buffer)
  heap.set(tables.classOf, 0)
  new Int32Array(memory.buffer, nextAt, tables.next.length).set(tables.next)
  const outStart = new Int32Array(memory.buffer, outStartAt, states + 1)
  let k = 0
  tables.outputs.forEach((ids, state) => {
    outStart[state] = k
    k += ids.length
  })
  outStart[states] = k
  new Int32Array(memory.buffer, outIdsAt, outIds.length).set(outIds)
  // views of the memory, made again when loading a chunk grows it
  let hits = new Int32Array(memory.buffer, hitsAt, tables.literals)
  let foundView = new Int32Array(memory.buffer, foundAt, tables.literals)
  let hashView = new Int32Array(memory.buffer, hashAt, 1)
  let input = heap.subarray(inputAt, inputAt + capacity)
  let text = latin1View(memory)
  const encoder = new TextEncoder()
  let mark = 0
  let lineLength = 0
  const collected = (length: number, found: Int32Array): number => {
    if (++mark === 0x7fffffff) {
      hits.fill(0)
      mark = 1
    }
    const count = collect(length, mark)
    for (let i = 0; i < count; i++) found[i] = foundView[i]!
    return count
  }
  return {
    collect: (text, found) => collected(encoder.encodeInto(text, input).written, found),
    lastHash: () => hashView[0]!,
    loadChunk: (utf8) => {
      if (memory.buffer.byteLength < chunkAt + utf8.length + TAIL) {
        growTo(memory, chunkAt + utf8.length + TAIL)
        heap = new Uint8Array(memory.buffer)
        hits = new Int32Array(memory.buffer, hitsAt, tables.literals)
        foundView = new Int32Array(memory.buffer, foundAt, tables.literals)
        hashView = new Int32Array(memory.buffer, hashAt, 1)
        input = heap.subarray(inputAt, inputAt + capacity)
        text = latin1View(memory)
      }
      heap.set(utf8, chunkAt)
    },
    collectLine: (start, end, found) => {
      lineLength = clean(chunkAt + start, chunkAt + end)
      return lineLength < 0 ? -1 : collected(lineLength, found)
    },
    // the line is ASCII (cleaning takes no other), so each byte is a character
    lastLine: () => text.latin1Slice(inputAt, inputAt + lineLength),
    cleanLine: (start, end) => {
      const length = clean(chunkAt + start, chunkAt + end)
      return length < 0 ? undefined : text.latin1Slice(inputAt, inputAt + length)
    },
  }
}
