// Cuts a byte stream into chunks of whole lines without decoding it: the reading thread only finds newlines,
// and the scoring threads decode. Same lines, limits and warnings as LineSplitter.
import { type ChunkLimits, defaultChunkLimits } from "./chunk.js"
import { releaseChunkBuffer, takeChunkBuffer } from "./chunkBuffers.js"
import { defaultSplitLimits, type SplitLimits } from "./split.js"
import { binaryRejection, checkUtf8, SAMPLE_BYTES, SplitRejection } from "./textCheck.js"
import { makeWasmLineCounter } from "./wasmLines.js"

/**
 * A chunk as raw UTF-8: overlap lines then owned lines, every line ending in `\n` (the last one too). `utf8` is a
 * view of a recycled buffer: hand it to releaseChunkBuffer once the chunk is scored.
 */
export interface ByteSlice {
  readonly index: number
  /** 1-based line number of the first (overlap) line. */
  readonly firstLine: number
  readonly overlap: number
  /** Owned lines. */
  readonly lines: number
  /** Owned size: each line's UTF-8 bytes without its `\r\n` or `\n`, plus one. */
  readonly bytes: number
  readonly utf8: Uint8Array
  readonly totalChunks?: number
}

const NEWLINE = 10
const EMPTY = new Uint8Array(0)
/** A read straight into a chunk stops this far past where the chunk will be full: little is left to move on. */
const READ_SLACK = 16 * 1024

/** Counts many lines per call where WebAssembly runs; countLine counts the others one by one. */
const lineCounter = makeWasmLineCounter()

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

export class ByteChunker {
  /** Invalid UTF-8 sequences seen (the scoring side replaces them with U+FFFD). */
  invalidSequences = 0
  /** Lines longer than `keepLineChars` characters (the scoring side cuts them). */
  truncatedLines = 0
  /** Bytes consumed so far. */
  bytes = 0
  /** Lines completed so far. */
  lines = 0

  /** The line being read when a buffer ends without a newline. */
  private carry: Array<Buffer> = []
  /** Reading in place (`room`/`received`): bytes of the line being read, in `filling` after the whole lines. */
  private pending = 0
  private carryLength = 0
  private sampled = 0
  /** The chunk being filled: overlap lines, then owned lines copied in as they are read (input is not kept). */
  private filling: Uint8Array = EMPTY
  private filled = 0
  private ownedSize = 0
  private ownedLines = 0
  private overlapLines = 0
  private nextLine = 1
  private index = 0
  private held: ByteSlice | undefined

  constructor(
    private readonly splitLimits: SplitLimits = defaultSplitLimits,
    private readonly chunkLimits: ChunkLimits = defaultChunkLimits,
  ) {}

  /** Feeds bytes; returns the chunks they completed (usually none). */
  push(input: Uint8Array): Array<ByteSlice> | SplitRejection {
    this.bytes += input.length
    const bytes = asBuffer(input)
    const binary = this.sample(bytes)
    if (binary) return binary
    const last = bytes.lastIndexOf(NEWLINE)
    if (last === -1) {
      // copies: the caller may reuse its buffer
      this.carry.push(Buffer.from(bytes))
      this.carryLength += bytes.length
      return this.carryLength > this.splitLimits.maxLineBytes ? this.tooLong() : []
    }
    const out: Array<ByteSlice> = []
    let from = 0
    if (this.carry.length > 0) {
      // only the line that straddles the two reads is joined: copying whole reads would double the work
      const first = bytes.indexOf(NEWLINE)
      const joined = this.take(Buffer.concat([...this.carry, bytes.subarray(0, first + 1)]))
      if (joined instanceof SplitRejection) return joined
      out.push(...joined)
      from = first + 1
    }
    this.carry = last + 1 < bytes.length ? [Buffer.from(bytes.subarray(last + 1))] : []
    this.carryLength = bytes.length - last - 1
    if (from > last) return out
    const rest = this.take(bytes.subarray(from, last + 1))
    if (rest instanceof SplitRejection) return rest
    out.push(...rest)
    return out
  }

  /**
   * Where to read the next bytes so they land in the chunk being filled and are never copied out of a read buffer:
   * `length` bytes at `offset` of `target`, at most `readBytes`, about as far as the chunk has room for. Hand the
   * count read to `received`. A chunker is fed this way or by `push`, not both.
   */
  room(readBytes: number): { readonly target: Uint8Array; readonly offset: number; readonly length: number } {
    const used = this.filled + this.pending
    // a line already longer than the chunk's room has to be read whole anyway: full reads
    const toFill = this.chunkLimits.maxBytes - this.ownedSize - this.pending
    const length = Math.max(1, toFill > 0 ? Math.min(readBytes, toFill + READ_SLACK) : readBytes)
    if (this.filling.length - used < length) {
      const grown = takeChunkBuffer(Math.max(used + length, this.filling.length * 2))
      grown.set(this.filling.subarray(0, used))
      releaseChunkBuffer(this.filling)
      this.filling = grown
    }
    return { target: this.filling, offset: used, length }
  }

  /** `n` bytes were read where `room` said: returns the chunks they completed (usually none). */
  received(n: number): Array<ByteSlice> | SplitRejection {
    const start = this.filled + this.pending
    this.bytes += n
    const bytes = asBuffer(this.filling).subarray(start, start + n)
    const binary = this.sample(bytes)
    if (binary) return binary
    const last = bytes.lastIndexOf(NEWLINE)
    if (last === -1) {
      this.pending += n
      return this.pending > this.splitLimits.maxLineBytes ? this.tooLong() : []
    }
    const end = start + last + 1
    this.pending = start + n - end
    return this.takeInPlace(end)
  }

  /** Ends the input: the last line may lack its newline. */
  end(): Array<ByteSlice> | SplitRejection {
    const out: Array<ByteSlice> = []
    if (this.pending > 0) {
      const { target, offset } = this.room(1)
      target[offset] = NEWLINE
      const end = offset + 1
      this.pending = 0
      const taken = this.takeInPlace(end)
      if (taken instanceof SplitRejection) return taken
      out.push(...taken)
    }
    if (this.carryLength > 0) {
      const taken = this.take(Buffer.concat([...this.carry, Buffer.of(NEWLINE)]))
      if (taken instanceof SplitRejection) return taken
      out.push(...taken)
      this.carry = []
      this.carryLength = 0
    }
    if (this.ownedLines > 0) {
      if (this.held) out.push(this.held)
      this.held = this.cut()
    }
    if (this.held) out.push({ ...this.held, totalChunks: this.held.index + 1 })
    this.held = undefined
    return out
  }

  /** Takes whole lines (ending in `\n`): checks them, and cuts chunks as they fill. */
  private take(whole: Buffer): Array<ByteSlice> | SplitRejection {
    const rejected = this.inspect(whole)
    if (rejected) return rejected
    const out: Array<ByteSlice> = []
    const maxBytes = this.chunkLimits.maxBytes
    let from = 0
    let pos = 0
    while (pos < whole.length) {
      if (this.held) {
        out.push(this.held)
        this.held = undefined
      }
      pos = this.countLines(whole, pos, whole.length)
      if (pos < 0) return this.tooLong()
      if (this.ownedSize >= maxBytes) {
        this.append(whole.subarray(from, pos))
        this.held = this.cut()
        from = pos
      }
    }
    if (from < whole.length) this.append(whole.subarray(from))
    return out
  }

  /**
   * `take` for whole lines already in `filling`, from `filled` to `end`. At a cut, the lines after it and the line
   * still being read move to the next chunk's buffer, after its overlap: reads stop near the cut, so that is little.
   */
  private takeInPlace(end: number): Array<ByteSlice> | SplitRejection {
    let buffer = asBuffer(this.filling)
    const rejected = this.inspect(buffer.subarray(this.filled, end))
    if (rejected) return rejected
    const out: Array<ByteSlice> = []
    const maxBytes = this.chunkLimits.maxBytes
    let last = end
    let pos = this.filled
    while (pos < last) {
      if (this.held) {
        out.push(this.held)
        this.held = undefined
      }
      pos = this.countLines(buffer, pos, last)
      if (pos < 0) return this.tooLong()
      if (this.ownedSize >= maxBytes) {
        const rest = this.filling.subarray(pos, last + this.pending)
        this.filled = pos
        this.held = this.cut()
        pos = this.filled
        last = pos + (rest.length - this.pending)
        this.append(rest)
        this.filled = pos
        buffer = asBuffer(this.filling)
      }
    }
    this.filled = last
    return out
  }

  /** Looks for NUL bytes in the input's first SAMPLE_BYTES, as they arrive. */
  private sample(bytes: Buffer): SplitRejection | undefined {
    if (this.sampled >= SAMPLE_BYTES) return undefined
    const sample = bytes.subarray(0, SAMPLE_BYTES - this.sampled)
    this.sampled += sample.length
    return binaryRejection(sample)
  }

  /**
   * Counts whole lines from `pos` (before `end`) as owned, up to the one that fills the chunk: returns where the next
   * line starts, or -1 when a line is too long to be a log line. Many at a time where WebAssembly runs; a line longer
   * than keepLineChars (or maxLineBytes) bytes, one by one.
   */
  private countLines(buffer: Buffer, pos: number, end: number): number {
    if (lineCounter === undefined) return this.countLine(buffer, pos)
    const { keepLineChars, maxLineBytes } = this.splitLimits
    const taken = lineCounter.count(
      buffer.subarray(pos, end),
      this.ownedSize,
      this.chunkLimits.maxBytes,
      Math.min(keepLineChars, maxLineBytes),
    )
    if (taken === 0) return this.countLine(buffer, pos)
    this.ownedSize = lineCounter.owned
    this.ownedLines += lineCounter.lines
    this.lines += lineCounter.lines
    return pos + taken
  }

  /**
   * Counts the line starting at `pos` (a newline ends it) as owned: returns where the next line starts, or -1 when
   * the line is too long to be a log line.
   */
  private countLine(buffer: Buffer, pos: number): number {
    const { maxLineBytes, keepLineChars } = this.splitLimits
    const nl = buffer.indexOf(NEWLINE, pos)
    let length = nl - pos
    if (length > maxLineBytes) return -1
    if (length > 0 && buffer[nl - 1] === 13) length--
    if (length > keepLineChars && buffer.toString("utf8", pos, pos + length).length > keepLineChars)
      this.truncatedLines++
    this.ownedSize += length + 1
    this.ownedLines++
    this.lines++
    return nl + 1
  }

  private inspect(whole: Buffer): SplitRejection | undefined {
    const { invalid, rejection } = checkUtf8(whole, this.bytes)
    this.invalidSequences += invalid
    return rejection
  }

  private append(bytes: Uint8Array): void {
    if (this.filled + bytes.length > this.filling.length) {
      const grown = takeChunkBuffer(Math.max(this.filled + bytes.length, this.filling.length * 2))
      grown.set(this.filling.subarray(0, this.filled))
      releaseChunkBuffer(this.filling)
      this.filling = grown
    }
    this.filling.set(bytes, this.filled)
    this.filled += bytes.length
  }

  /** Ends the chunk being filled; the next one starts with its last `overlap` lines. */
  private cut(): ByteSlice {
    const utf8 = this.filling.subarray(0, this.filled)
    const slice: ByteSlice = {
      index: this.index++,
      firstLine: this.nextLine - this.overlapLines,
      overlap: this.overlapLines,
      lines: this.ownedLines,
      bytes: this.ownedSize,
      utf8,
    }
    this.nextLine += this.ownedLines
    // the next chunk's overlap: the last `overlap` owned lines, found by walking back over their newlines
    const keep = Math.min(this.chunkLimits.overlap, this.ownedLines)
    let start = utf8.length
    for (let k = 0; k < keep; k++) {
      // a negative fromIndex would count from the end: stop at the buffer's start instead
      start = start >= 2 ? utf8.lastIndexOf(NEWLINE, start - 2) + 1 : 0
    }
    this.filling = EMPTY
    this.filled = 0
    this.append(utf8.subarray(start))
    this.overlapLines = keep
    this.ownedSize = 0
    this.ownedLines = 0
    return slice
  }

  private tooLong(): SplitRejection {
    const mib = Math.round(this.splitLimits.maxLineBytes / (1024 * 1024))
    return new SplitRejection(
      `line ${this.lines + 1} is longer than ${mib} MiB: this does not look like a log (pass --max-line-mb to raise the limit)`,
    )
  }
}
