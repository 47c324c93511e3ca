// The scoring automaton's word collection, on a line's UTF-8 bytes, as a WebAssembly function (~2× faster than its
// JavaScript twin in literalScan, which stays as the fallback and as the tests' reference), with the cleaning of a
// chunk's lines in the same module (wasmClean.ts). The chunk scan is in wasmScan.ts, normalize's loops in
// wasmNormalize.ts. Assembled at load time (wasmAssembler.ts); each thread builds its own instance.
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
  c.load32().set(C_ENTRY)
  c.get(C_ENTRY).const(1).op(op.shrS).set(C_ROW)
  c.get(C_ENTRY).const(1).op(op.and).if()
  // the ids ending in this state: outIds[outStart[state] .. outStart[state + 1])
  c.get(C_ROW).const(at.classes).op(op.divU).const(2).op(op.shl).const(at.outStartAt).op(op.add).set(C_OUT_AT)
  c.get(C_OUT_AT)
  c.load32().set(C_K)
  c.get(C_OUT_AT).const(4).op(op.add)
  c.load32().set(C_K_END)
  c.block("ids").loop("each")
  c.get(C_K).get(C_K_END).op(op.geU).brIf("ids")
  c.const(at.outIdsAt).get(C_K).const(2).op(op.shl).op(op.add)
  c.load32().set(C_ID)
  c.const(at.hitsAt).get(C_ID).const(2).op(op.shl).op(op.add)
  c.load32().get(C_MARK).op(op.ne).if()
  c.const(at.hitsAt).get(C_ID).const(2).op(op.shl).op(op.add).get(C_MARK)
  c.store32()
  c.const(at.foundAt).get(C_COUNT).const(2).op(op.shl).op(op.add).get(C_ID)
  c.store32()
  c.get(C_COUNT).const(1).op(op.add).set(C_COUNT)
  c.end()
  c.get(C_K).const(1).op(op.add).set(C_K).br("each")
  c.end().end()
  c.end() // output
  c.end() // class
  c.get(C_I).const(1).op(op.add).set(C_I).br("byte")
  c.end().end()
  c.const(at.hashAt).get(C_HASH)
  c.store32()
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
