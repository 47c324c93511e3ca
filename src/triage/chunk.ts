// How logs are cut into chunks: ~500 KB owned by each, with a 50-line overlap that a chunk repeats as context only
// (ByteChunker does the cutting).

export interface ChunkLimits {
  /** Owned bytes (each line's UTF-8 bytes plus one for its terminator) before a chunk is cut. */
  readonly maxBytes: number
  /** Lines of the previous chunk repeated at the start of the next, as context only. */
  readonly overlap: number
}

export const defaultChunkLimits: ChunkLimits = { maxBytes: 500 * 1024, overlap: 50 }
