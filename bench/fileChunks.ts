// The dev scripts' way into the triage core: a whole log file (plain or gzip) cut into LogChunks in memory, as
// raw UTF-8 chunks exactly as `destill analyze` cuts them (so timings and findings match the CLI's).
import { readFileSync } from "node:fs"
import { gunzipSync } from "node:zlib"
import { LogChunk } from "../src/domain/LogChunk.js"
import type { RequestId } from "../src/domain/Request.js"
import { ByteChunker } from "../src/triage/byteChunk.js"
import { SplitRejection } from "../src/triage/split.js"

export const fileChunks = (path: string): { readonly lines: number; readonly chunks: Array<LogChunk> } => {
  let bytes: Buffer = readFileSync(path)
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes)
  const chunker = new ByteChunker()
  const pushed = chunker.push(bytes)
  const ended = chunker.end()
  if (pushed instanceof SplitRejection) throw new Error(pushed.reason)
  if (ended instanceof SplitRejection) throw new Error(ended.reason)
  const meta = {
    requestId: "bench" as RequestId,
    buildId: path,
    jobName: "job",
    jobOutcome: "failed" as const,
  }
  const chunks = [...pushed, ...ended].map(
    (slice) => new LogChunk({ ...meta, ...slice, lines: [], context: 3 }, true),
  )
  return { lines: chunker.lines, chunks }
}
