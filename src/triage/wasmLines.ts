// ByteChunker's line counting in WebAssembly: the reading thread's walk from newline to newline, sixteen bytes at a
// time (SIMD), over a whole read at once. One Buffer.indexOf per line cost more in calling it than in searching.
import {
  Code,
  functionBody,
  growTo,
  instantiate,
  moduleBytes,
  op,
  simd,
  TAIL,
  type WasmMemory,
} from "./wasmAssembler.js"

const NEWLINE = 10
const CR = 13
/** Where lines() leaves the count of lines and the owned size it reached. */
const LINES_AT = 0
const OWNED_AT = 4
const INPUT = 64

/**
 * lines(start, length, owned, maxBytes, keep) → where it stopped, as an offset from `start`, in whole lines each ending
 * in `\n`: after the line that brings `owned` (each line's bytes without its `\r\n` or `\n`, plus one) to `maxBytes`,
 * before a line longer than `keep` bytes (the caller's to check), or at the end. ByteChunker.countLine, line after
 * line.
 */
const linesBody = (): Array<number> => {
  const START = 0
  const LENGTH = 1
  const OWNED = 2
  const MAX_BYTES = 3
  const KEEP = 4
  const P = 5
  const END = 6
  const Q = 7
  const MASK = 8
  const NL = 9
  const SIZE = 10
  const COUNT = 11
  const c = new Code()
  c.get(START).set(P)
  c.get(P).get(LENGTH).op(op.add).set(END)
  c.block("done").loop("line")
  c.get(P).get(END).op(op.geU).brIf("done")
  // the newline: sixteen bytes at a time (a newline ends every line, so the search stops within the input)
  c.get(P).set(Q)
  c.block("found").loop("lanes")
  c.get(Q).load128().const(NEWLINE).simd(simd.i8x16Splat).simd(simd.i8x16Eq).simd(simd.i8x16Bitmask).set(MASK)
  c.get(MASK).brIf("found")
  c.get(Q).const(16).op(op.add).set(Q).br("lanes")
  c.end().end()
  c.get(Q).get(MASK).op(op.ctz).op(op.add).set(NL)
  // a line longer than `keep` is the caller's: it may be cut for display, or too long to be a log line
  c.get(NL).get(P).op(op.sub).get(KEEP).op(op.gtU).brIf("done")
  c.get(NL).get(P).op(op.sub).set(SIZE)
  c.get(SIZE).if()
  c.get(NL).const(1).op(op.sub).load8().const(CR).op(op.eq).if().get(SIZE).const(1).op(op.sub).set(SIZE).end()
  c.end()
  c.get(OWNED).get(SIZE).op(op.add).const(1).op(op.add).set(OWNED)
  c.get(COUNT).const(1).op(op.add).set(COUNT)
  c.get(NL).const(1).op(op.add).set(P)
  c.get(OWNED).get(MAX_BYTES).op(op.geU).brIf("done")
  c.br("line")
  c.end().end()
  c.const(LINES_AT).get(COUNT).store32()
  c.const(OWNED_AT).get(OWNED).store32()
  c.get(P).get(START).op(op.sub)
  return functionBody(7, c)
}

/** Counts whole lines as ByteChunker does, many at a time. */
export interface WasmLineCounter {
  /** Lines the last count took, and the owned size they brought it to. */
  readonly lines: number
  readonly owned: number
  /**
   * Takes lines from the start of `bytes` (whole lines), `owned` being the chunk's owned size so far: stops after the
   * line that brings it to `maxBytes`, before one longer than `keep` bytes, or at the end. Returns where it stopped.
   */
  count(bytes: Uint8Array, owned: number, maxBytes: number, keep: number): number
}

/** A line counter, or undefined where WebAssembly (with SIMD) cannot run: the caller counts line by line. */
export const makeWasmLineCounter = (): WasmLineCounter | undefined => {
  const exports = instantiate(moduleBytes([{ name: "lines", params: 5, body: linesBody() }]))
  if (exports === undefined) return undefined
  const memory = exports["memory"] as WasmMemory
  const lines = exports["lines"] as (
    start: number,
    length: number,
    owned: number,
    maxBytes: number,
    keep: number,
  ) => number
  let heap = new Uint8Array(memory.buffer)
  let results = new Int32Array(memory.buffer, 0, 2)
  const counter = {
    lines: 0,
    owned: 0,
    count(bytes: Uint8Array, owned: number, maxBytes: number, keep: number): number {
      // the copy lands as the bytes lie modulo 16: a copy out of shared memory between differently aligned addresses
      // goes a byte at a time, eight times slower
      const start = INPUT + (bytes.byteOffset & 15)
      if (heap.length < start + bytes.length + TAIL) {
        growTo(memory, start + bytes.length + TAIL)
        heap = new Uint8Array(memory.buffer)
        results = new Int32Array(memory.buffer, 0, 2)
      }
      heap.set(bytes, start)
      const stop = lines(start, bytes.length, owned, maxBytes, keep)
      counter.lines = results[LINES_AT / 4]!
      counter.owned = results[OWNED_AT / 4]!
      return stop
    },
  }
  return counter
}
