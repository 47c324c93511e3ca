// Groups lines into ~500 KB chunks with a 50-line overlap: a chunk owns the lines after its overlap.

export interface ChunkLimits {
  /** Owned bytes (UTF-16 length + terminator, close enough to bytes for logs) before a chunk is cut. */
  readonly maxBytes: number
  /** Lines of the previous chunk repeated at the start of the next, as context only. */
  readonly overlap: number
}

export const defaultChunkLimits: ChunkLimits = { maxBytes: 500 * 1024, overlap: 50 }

/** A chunk's lines and place in its job; the pipeline adds request, build and job to make a LogChunk. */
export interface ChunkSlice {
  readonly index: number
  /** 1-based line number of lines[0]. */
  readonly firstLine: number
  readonly overlap: number
  readonly lines: ReadonlyArray<string>
  readonly bytes: number
  /** Set on the last slice: how many slices the job produced. */
  readonly totalChunks?: number
}

/**
 * Feed lines in order; cut slices as they fill. The last slice is only known at `end()`, so one full slice is
 * held back until the next line arrives: that is what lets the final slice carry `totalChunks`.
 */
export class Chunker {
  private pending: Array<string> = []
  private pendingBytes = 0
  private overlapLines: ReadonlyArray<string> = []
  private nextLine = 1
  private index = 0
  private held: ChunkSlice | undefined

  constructor(private readonly limits: ChunkLimits = defaultChunkLimits) {}

  push(lines: ReadonlyArray<string>): Array<ChunkSlice> {
    const out: Array<ChunkSlice> = []
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string
      if (this.held) {
        out.push(this.held)
        this.held = undefined
      }
      this.pending.push(line)
      this.pendingBytes += line.length + 1
      if (this.pendingBytes >= this.limits.maxBytes) this.held = this.cut()
    }
    return out
  }

  end(): Array<ChunkSlice> {
    const out: Array<ChunkSlice> = []
    if (this.pending.length > 0) {
      if (this.held) out.push(this.held)
      this.held = this.cut()
    }
    if (this.held) out.push({ ...this.held, totalChunks: this.held.index + 1 })
    this.held = undefined
    return out
  }

  private cut(): ChunkSlice {
    const owned = this.pending
    const slice: ChunkSlice = {
      index: this.index++,
      firstLine: this.nextLine - this.overlapLines.length,
      overlap: this.overlapLines.length,
      lines: this.overlapLines.length > 0 ? [...this.overlapLines, ...owned] : owned,
      bytes: this.pendingBytes,
    }
    this.nextLine += owned.length
    this.overlapLines = owned.slice(Math.max(0, owned.length - this.limits.overlap))
    this.pending = []
    this.pendingBytes = 0
    return slice
  }
}
