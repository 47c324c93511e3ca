// Reusable buffers for chunks in flight. A log read as ~500 KB chunks would otherwise allocate its own size again
// in fresh buffers, and V8 answers that much off-heap allocation with a full collection of the reading thread's
// heap every few chunks; a few dozen recycled buffers keep it quiet. They are shared memory, so a scoring thread
// reads a chunk where it lies (postMessage copies nothing) while the reading thread keeps it for a retry.

/** Size of a recycled buffer: a default chunk (500 KB plus overlap) fits; bigger chunks get their own. */
export const CHUNK_BUFFER_BYTES = 1024 * 1024
/** Enough for every chunk the local pipeline holds at once (broker queue, analyses in flight, the one filling). */
const MAX_FREE = 48

const free: Array<SharedArrayBuffer> = []

/** A buffer of at least `bytes` bytes; recycled when it is of the standard size. */
export const takeChunkBuffer = (bytes: number): Uint8Array =>
  bytes <= CHUNK_BUFFER_BYTES
    ? new Uint8Array(free.pop() ?? new SharedArrayBuffer(CHUNK_BUFFER_BYTES))
    : new Uint8Array(bytes)

/**
 * Hands a chunk's bytes back once no thread will read them again (the chunk has been scored and the scorer has
 * replied). Only standard-size buffers are kept; anything else is left to the garbage collector.
 */
export const releaseChunkBuffer = (bytes: Uint8Array | undefined): void => {
  const buffer = bytes?.buffer
  if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength !== CHUNK_BUFFER_BYTES) return
  if (free.length < MAX_FREE && !free.includes(buffer)) free.push(buffer)
}
