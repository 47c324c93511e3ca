// Incremental byte → line splitting: decodes UTF-8 across buffer edges and yields whole lines in batches.
import { binaryRejection, checkUtf8, SAMPLE_BYTES, SplitRejection } from "./textCheck.js"

export interface SplitLimits {
  /** A line longer than this is not a log line: the input is rejected (default 8 MiB). */
  readonly maxLineBytes: number
  /** Longer lines are kept but cut to this many characters for scoring and display (default 64 KiB). */
  readonly keepLineChars: number
}

export const defaultSplitLimits: SplitLimits = { maxLineBytes: 8 * 1024 * 1024, keepLineChars: 64 * 1024 }

export { SplitRejection } from "./textCheck.js"

/**
 * Splits on `\n` and `\r\n`; a lone `\r` stays inside its line (terminal overwrites are the cleaner's business).
 * Rejects binary data (NUL bytes, or mostly invalid UTF-8 in the first 64 KiB) and absurdly long lines; scattered
 * invalid UTF-8 sequences are replaced with U+FFFD and counted, so one stray byte never costs a whole triage.
 */
export class LineSplitter {
  private carry: Uint8Array = new Uint8Array(0)
  private partial = ""
  private partialBytes = 0
  private sampled = 0
  /** Invalid UTF-8 sequences replaced so far. */
  invalidSequences = 0
  /** Lines longer than `keepLineChars` that were cut. */
  truncatedLines = 0
  /** Bytes consumed so far. */
  bytes = 0
  /** Lines emitted so far. */
  lines = 0

  constructor(private readonly limits: SplitLimits = defaultSplitLimits) {}

  /** Feeds bytes; returns the lines completed by them (may be empty). */
  push(input: Uint8Array): Array<string> | SplitRejection {
    this.bytes += input.length
    let bytes = input
    if (this.carry.length > 0) {
      const joined = new Uint8Array(this.carry.length + input.length)
      joined.set(this.carry)
      joined.set(input, this.carry.length)
      bytes = joined
    }
    // Keep an incomplete trailing UTF-8 sequence for the next buffer.
    const cut = completeUtf8Prefix(bytes)
    this.carry = bytes.subarray(cut).slice()
    const whole = bytes.subarray(0, cut)
    const rejected = this.inspect(whole)
    if (rejected) return rejected
    const text = Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength).toString("utf8")
    return this.splitText(text, whole.byteLength)
  }

  /** Ends the input: returns the last line if it had no terminator. */
  end(): Array<string> | SplitRejection {
    const out: Array<string> = []
    if (this.carry.length > 0) {
      // A truncated multi-byte sequence at the very end: replace it like any other invalid sequence.
      this.invalidSequences++
      this.partial += "\uFFFD"
      this.carry = new Uint8Array(0)
    }
    if (this.partial.length > 0) {
      out.push(this.finish(this.partial))
      this.partial = ""
    }
    this.lines += out.length
    return out
  }

  private inspect(whole: Uint8Array): SplitRejection | undefined {
    if (this.sampled < SAMPLE_BYTES) {
      const sample = whole.subarray(0, SAMPLE_BYTES - this.sampled)
      this.sampled += sample.length
      const binary = binaryRejection(sample)
      if (binary) return binary
    }
    const { invalid, rejection } = checkUtf8(whole, this.bytes)
    this.invalidSequences += invalid
    return rejection
  }

  private splitText(text: string, byteLength: number): Array<string> | SplitRejection {
    const parts = text.split("\n")
    const last = parts.pop() ?? ""
    if (parts.length === 0) {
      this.partial += last
      this.partialBytes += byteLength
      if (this.partialBytes > this.limits.maxLineBytes) return this.tooLong()
      // Keep memory bounded on a monstrous line: only what we will show is retained.
      if (this.partial.length > this.limits.keepLineChars * 2) {
        this.partial = this.partial.slice(0, this.limits.keepLineChars + 1)
      }
      return []
    }
    if (this.partial.length > 0) {
      const first = this.partial + parts[0]
      if (this.partialBytes + Buffer.byteLength(parts[0] ?? "") > this.limits.maxLineBytes)
        return this.tooLong()
      parts[0] = first
      this.partial = ""
    }
    this.partialBytes = 0
    const keep = this.limits.keepLineChars
    for (let i = 0; i < parts.length; i++) {
      const line = parts[i] as string
      if (line.length > keep || line.charCodeAt(line.length - 1) === 13) parts[i] = this.finish(line)
    }
    this.partial = last
    this.partialBytes = Buffer.byteLength(last)
    if (this.partialBytes > this.limits.maxLineBytes) return this.tooLong()
    this.lines += parts.length
    return parts
  }

  private finish(line: string): string {
    let out = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line
    if (out.length > this.limits.keepLineChars) {
      this.truncatedLines++
      out = out.slice(0, this.limits.keepLineChars) + " …[line cut]"
    }
    return out
  }

  private tooLong(): SplitRejection {
    const mib = Math.round(this.limits.maxLineBytes / (1024 * 1024))
    return new SplitRejection(
      `line ${this.lines + 1} is longer than ${mib} MiB: this does not look like a log (pass --max-line-mb to raise the limit)`,
    )
  }
}

/** Length of the longest prefix that does not end inside a multi-byte UTF-8 sequence. */
const completeUtf8Prefix = (bytes: Uint8Array): number => {
  const n = bytes.length
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back] as number
    if ((b & 0xc0) === 0x80) continue // continuation byte: look further back for the lead
    if (b < 0x80) return n
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
    return need > back ? n - back : n
  }
  return n
}
