// Dev entrypoint for tuning triage quality: `node dist/bench/triageFile.js <log[.gz]>` prints {"findings":[...]}
// from analyzeChunk + FindingRanker (outcome failed, top 10, context 3), the shape score.py reads.
import { analyzeChunk } from "../src/triage/analyzeChunk.js"
import { FindingRanker } from "../src/triage/rank.js"
import { fileChunks } from "./fileChunks.js"

const main = (path: string): void => {
  const ranker = new FindingRanker()
  for (const chunk of fileChunks(path).chunks) ranker.add(analyzeChunk(chunk, { context: 3 }))
  const findings = ranker.ranked({ top: 10, minConfidence: 0 })
  process.stdout.write(JSON.stringify({ findings }) + "\n")
}

const path = process.argv[2]
if (path === undefined) {
  console.error("usage: node dist/bench/triageFile.js <log file, plain or gzip>")
  process.exit(2)
}
main(path)
