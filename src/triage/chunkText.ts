// A chunk's lines, whichever form they travelled in: decoded strings, or raw UTF-8 (see ByteChunker) decoded
// line by line, and only for the lines the analysis reads.
import type { LogChunk } from "../domain/LogChunk.js"
import { EXACT, scanChunk, UNSURE } from "./bytePrefilter.js"
import { defaultSplitLimits } from "./split.js"
import { charCodeAt, slice } from "./strings.js"

export interface ChunkText {
  readonly length: number
  /** Line i as LineSplitter yields it (no terminator, long lines cut). */
  line(i: number): string
  /** Whether line i is a scoring candidate: 0 no, EXACT yes, UNSURE ask `isCandidate` (told before decoding). */
  candidate(i: number): number
  /**
   * For a chunk that came as raw UTF-8: its bytes, and where each line starts in them (line i is the bytes from
   * starts[i] to the newline before starts[i + 1]).
   */
  readonly bytes?: { readonly utf8: Uint8Array; readonly starts: Int32Array }
}

/** What LineSplitter does to each line: drop the `\r` of a `\r\n`, cut monster lines for display. */
const finish = (line: string, keep: number): string => {
  const out = charCodeAt(line, line.length - 1) === 13 ? slice(line, 0, -1) : line
  return out.length > keep ? out.slice(0, keep) + " …[line cut]" : out
}

/** Decodes `\n`-terminated UTF-8 lines (invalid sequences become U+FFFD). */
export const decodeLines = (utf8: Uint8Array, keep = defaultSplitLimits.keepLineChars): Array<string> => {
  if (utf8.length === 0) return []
  const text = Buffer.from(utf8.buffer, utf8.byteOffset, utf8.byteLength).toString("utf8")
  const lines = text.split("\n")
  lines.pop()
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.length > keep || charCodeAt(line, line.length - 1) === 13) lines[i] = finish(line, keep)
  }
  return lines
}

const stringText = (lines: ReadonlyArray<string>): ChunkText => ({
  length: lines.length,
  line: (i) => lines[i]!,
  candidate: () => UNSURE,
})

/** Raw UTF-8 lines: scanned once for line starts and possible candidates, each line decoded on first read. */
const utf8Text = (utf8: Uint8Array, keep = defaultSplitLimits.keepLineChars): ChunkText => {
  const buffer = Buffer.from(utf8.buffer, utf8.byteOffset, utf8.byteLength)
  const { count, starts, flags } = scanChunk(utf8)
  const decoded: Array<string | undefined> = new Array(count)
  return {
    length: count,
    line: (i) => {
      let text = decoded[i]
      if (text === undefined) {
        const start = starts[i]!
        const end = starts[i + 1]! - 1
        text = end > start ? buffer.toString("utf8", start, end) : ""
        // an empty line has no last character: reading one would send the optimised code back to the interpreter
        if (text.length > keep || (text.length > 0 && charCodeAt(text, text.length - 1) === 13))
          text = finish(text, keep)
        decoded[i] = text
      }
      return text
    },
    // a line cut for display may have lost the word that flagged it: let the string test decide
    candidate: (i) => (flags[i] === EXACT && starts[i + 1]! - starts[i]! > keep ? UNSURE : flags[i]!),
    bytes: { utf8, starts },
  }
}

export const chunkText = (chunk: LogChunk): ChunkText =>
  chunk.utf8 === undefined ? stringText(chunk.lines) : utf8Text(chunk.utf8)
