// Worker-thread entry: decodes and scores chunks off the main thread, which only reads and cuts the bytes.
// It posts plain records (the main thread revives them) and so never loads effect: a smaller heap per thread.
// Asked for `packed` findings (a local run's ranking), it sends each one's texts as one string (packedFindings.ts).
import { parentPort } from "node:worker_threads"
import type { LogChunk } from "../../src/domain/LogChunk.js"
import { analyzeChunkFields } from "../../src/triage/chunkAnalysis.js"
import { packChunkFindings } from "../../src/triage/packedFindings.js"

parentPort?.on(
  "message",
  (message: { readonly id: number; readonly chunk: LogChunk; readonly packed?: boolean }) => {
    try {
      const { chunk } = message
      const result = analyzeChunkFields(chunk, { context: chunk.context })
      parentPort?.postMessage(
        message.packed === true
          ? { id: message.id, packed: packChunkFindings(result, chunk.jobOutcome) }
          : { id: message.id, result },
      )
    } catch (error) {
      parentPort?.postMessage({
        id: message.id,
        error: error instanceof Error ? error.message : String(error),
      })
    }
  },
)

// Loaded and listening: the pool scores on its own thread until a worker says so, so a small log never waits for
// threads to start.
parentPort?.postMessage({ ready: true })
