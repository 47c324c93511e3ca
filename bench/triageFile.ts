// Dev entrypoint for tuning triage quality: `node dist/bench/triageFile.js <log[.gz]>` prints {"findings":[...]}
// from analyzeChunk + FindingRanker (outcome failed, top 10, context 3), the shape score.py reads.
import { readFileSync } from "node:fs"
import { gunzipSync } from "node:zlib"
import { LogChunk } from "../src/domain/LogChunk.js"
import type { RequestId } from "../src/domain/Request.js"
import { analyzeChunk } from "../src/triage/analyzeChunk.js"
import { Chunker } from "../src/triage/chunk.js"
import { FindingRanker } from "../src/triage/rank.js"

const main = (path: string): void => {
  let bytes: Buffer = readFileSync(path)
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes)
  const text = bytes.toString("utf8")
  const lines = text.split(/\r?\n/)
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop()
  const meta = {
    requestId: "bench" as RequestId,
    buildId: path,
    jobName: "job",
    jobOutcome: "failed" as const,
  }
  const ranker = new FindingRanker()
  const chunker = new Chunker()
  for (const slice of [...chunker.push(lines), ...chunker.end()])
    ranker.add(analyzeChunk(new LogChunk({ ...meta, ...slice, context: 3 }), { context: 3 }))
  const findings = ranker.ranked({ top: 10, minConfidence: 0 })
  process.stdout.write(JSON.stringify({ findings }) + "\n")
}

const path = process.argv[2]
if (path === undefined) {
  console.error("usage: node dist/bench/triageFile.js <log file, plain or gzip>")
  process.exit(2)
}
main(path)
