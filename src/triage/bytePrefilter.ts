// The candidate test of score.ts, run on a chunk's raw UTF-8 before anything is decoded: one pass over the bytes
// finds the lines and flags those that may be candidates, so the other ~75% of a log is never turned into strings.
// It flags a superset of what `isCandidate` accepts (same literals, matched on bytes); the flagged lines are then
// decoded and tested exactly, so results do not change.
import { buildByteAutomaton, foldAscii } from "./ahoCorasick.js"
import { NO_WORD, PREFILTER_LITERALS } from "./triggers.js"
import { once } from "./once.js"
import { makeWasmScanner } from "./wasmScan.js"

/** isCandidate's indented `** (` shape (Elixir), matched anywhere: the exact test follows on the string. */
const LITERALS = [...PREFILTER_LITERALS, "** ("]
const ELIXIR = LITERALS.length - 1

/** A line the string test is sure to accept: a prefilter literal or a line-start shape matched on bytes. */
export const EXACT = 1
/** A line the string test may accept (`no … found`, `** (`): decode it and ask. */
export const UNSURE = 2

const NEWLINE = 10
const SPACE = 32
/** ASCII whitespace; other bytes count as part of `\S+` (a superset of the string test, which stops earlier). */
const isAsciiSpace = (b: number): boolean => b === SPACE || (b >= 9 && b <= 13)

interface Automaton {
  readonly classOf: Uint8Array
  readonly classes: number
  /** `(nextRow << 1) | hasOutput`, rows premultiplied by the class count, as in LiteralSet. */
  readonly next: Int32Array
  /** Per state: EXACT when a literal matched on bytes means a candidate, UNSURE when it only may. */
  readonly verdict: Uint8Array
  /** Per state: 1 when `no ` ends here, so `\S+ found` must follow. */
  readonly needsFound: Uint8Array
}

const build = (literals: ReadonlyArray<string>): Automaton => {
  const { classOf, classes, next, outputs: out } = buildByteAutomaton(literals)
  const verdict = Uint8Array.from(out, (ids) =>
    ids.length === 0 ? 0 : ids.some((id) => id !== NO_WORD && id !== ELIXIR) ? EXACT : UNSURE,
  )
  return {
    classOf,
    classes,
    next,
    verdict,
    needsFound: Uint8Array.from(out, (ids) => (ids.includes(NO_WORD) ? 1 : 0)),
  }
}

const automaton = once(() => build(LITERALS))
const FOUND = Array.from(Buffer.from(" found"))

/** After `no ` ending at `from`: a run of non-space bytes, then ` found` in any case. */
const foundFollows = (bytes: Uint8Array, from: number): boolean => {
  let j = from
  while (j < bytes.length && !isAsciiSpace(bytes[j]!)) j++
  if (j === from || j + FOUND.length > bytes.length) return false
  for (let k = 0; k < FOUND.length; k++) if (foldAscii(bytes[j + k]!) !== FOUND[k]) return false
  return true
}

/** `^(?:E {2}|-{3,} |_{3,} |~~~ |\+\+\+ )`: PREFILTER_LINE_START on the line starting at `s`. */
const lineStartShape = (bytes: Uint8Array, s: number): boolean => {
  const first = bytes[s]
  switch (first) {
    case 69:
      return bytes[s + 1] === SPACE && bytes[s + 2] === SPACE
    case 45:
    case 95: {
      let j = s
      while (bytes[j] === first) j++
      return j - s >= 3 && bytes[j] === SPACE
    }
    case 126:
    case 43:
      return bytes[s + 1] === first && bytes[s + 2] === first && bytes[s + 3] === SPACE
    default:
      return false
  }
}

/** Where each line of a chunk starts, and which lines may be candidates. */
export interface ChunkScan {
  /** Lines in the chunk. */
  readonly count: number
  /** `starts[i]` is where line i starts; line i ends (its `\n`) at `starts[i + 1] - 1`. */
  readonly starts: Int32Array
  /** 0 for a line that cannot be a candidate, else EXACT or UNSURE. */
  readonly flags: Uint8Array
}

/** Scans `\n`-terminated lines (ByteChunker's format) in one pass, in JavaScript. */
export const scanChunkJs = (bytes: Uint8Array): ChunkScan => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const { classOf, next, verdict, needsFound, classes } = automaton()
  let starts = new Int32Array(Math.max(16, (bytes.length >> 6) + 2))
  let flags = new Uint8Array(starts.length)
  const length = bytes.length
  let count = 0
  let i = 0
  // One store site for every start, the sentinel included: a store after the loop ran cold until the loop's
  // on-stack-replaced code reached it, and that code then deoptimised there on every call (~80 times a run).
  for (;;) {
    if (count + 1 >= starts.length) {
      const grown = new Int32Array(starts.length * 2)
      grown.set(starts)
      starts = grown
      const grownFlags = new Uint8Array(grown.length)
      grownFlags.set(flags)
      flags = grownFlags
    }
    // one past the last line's `\n` (or its end, had it none), so every line ends at starts[i + 1] - 1
    starts[count] = i
    if (i >= length) break
    let flag = lineStartShape(bytes, i) ? EXACT : 0
    if (flag === 0) {
      let row = 0
      for (; i < length; i++) {
        const b = bytes[i]!
        if (b === NEWLINE) break
        const cls = classOf[b]!
        if (cls === 0) {
          row = 0
          continue
        }
        const entry = next[row + cls]!
        row = entry >> 1
        if ((entry & 1) === 1) {
          const v = verdict[row / classes]!
          if (v === EXACT) {
            flag = EXACT
            break
          }
          // `no ` only counts when `\S+ found` follows; either way an exact literal may still come later
          if (needsFound[row / classes] === 0 || foundFollows(bytes, i + 1)) flag = UNSURE
        }
      }
    }
    // a line known to be a candidate needs no further look: jump to its end
    const end = flag === EXACT || i >= length ? buffer.indexOf(NEWLINE, i) : i
    flags[count] = flag
    count++
    i = (end === -1 ? length : end) + 1
  }
  return { count, starts, flags }
}

const wasmScan = once(() => makeWasmScanner(automaton()))
/** Which scan scanChunk runs for a chunk of the usual size. */
export const scannerKind = (): "wasm" | "js" => (wasmScan() === undefined ? "js" : "wasm")
/**
 * Chunks are ~0.5 MB; one grows past that only to hold a very long line. Those are scanned in JavaScript, so the
 * WebAssembly memory (input, then four bytes of line start per input byte) stays a few MB.
 */
const WASM_MAX_BYTES = 2 << 20

/** Scans `\n`-terminated lines (ByteChunker's format) in one pass: in WebAssembly where it runs, else scanChunkJs. */
export const scanChunk = (bytes: Uint8Array): ChunkScan => {
  const wasm = wasmScan()
  return wasm !== undefined && bytes.length <= WASM_MAX_BYTES ? wasm(bytes) : scanChunkJs(bytes)
}
