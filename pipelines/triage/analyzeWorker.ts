// Worker-thread entry: decodes and scores chunks off the main thread, which only reads and cuts the bytes.
// It posts plain records (the main thread revives them) and so never loads effect: a smaller heap per thread.
import { parentPort } from "node:worker_threads"
import type { LogChunk } from "../../src/domain/LogChunk.js"
import { analyzeChunkFields } from "../../src/triage/chunkAnalysis.js"

parentPort?.on("message", (message: { readonly id: number; readonly chunk: LogChunk }) => {
  try {
    const result = analyzeChunkFields(message.chunk, { context: message.chunk.context })
    parentPort?.postMessage({ id: message.id, result })
  } catch (error) {
    parentPort?.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) })
  }
})

// Loaded and listening: the pool scores on its own thread until a worker says so, so a small log never waits for
// threads to start.
parentPort?.postMessage({ ready: true })
