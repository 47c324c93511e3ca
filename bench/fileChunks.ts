// The dev scripts' way into the triage core: a whole log file (plain or gzip) cut into LogChunks in memory.
import { readFileSync } from "node:fs"
import { gunzipSync } from "node:zlib"
import { LogChunk } from "../src/domain/LogChunk.js"
import type { RequestId } from "../src/domain/Request.js"
import { Chunker } from "../src/triage/chunk.js"

export const fileChunks = (path: string): { readonly lines: number; readonly chunks: Array<LogChunk> } => {
  let bytes: Buffer = readFileSync(path)
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes)
  const lines = bytes.toString("utf8").split(/\r?\n/)
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop()
  const meta = {
    requestId: "bench" as RequestId,
    buildId: path,
    jobName: "job",
    jobOutcome: "failed" as const,
  }
  const chunker = new Chunker()
  const chunks = [...chunker.push(lines), ...chunker.end()].map(
    (slice) => new LogChunk({ ...meta, ...slice, context: 3 }),
  )
  return { lines: lines.length, chunks }
}
