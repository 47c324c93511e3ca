// Micro-benchmark of the triage core alone: CPU time of analyzeChunk over a log cut into 500 KB chunks.
// `node dist/bench/analyzeSpeed.js <log> [--dump out.json]`; --dump writes every chunk's findings for diffing.
import { writeFileSync } from "node:fs"
import { analyzeChunk } from "../src/triage/analyzeChunk.js"
import type { ChunkFindings } from "../src/domain/Finding.js"
import { fileChunks } from "./fileChunks.js"

const cpuMs = (): number => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

const main = (path: string, dump: string | undefined): void => {
  const { lines, chunks } = fileChunks(path)
  const results: Array<ChunkFindings> = []
  // one warm-up pass over a few chunks so the timing is of optimised code, as in a long-running analyzer
  for (const chunk of chunks.slice(0, 5)) analyzeChunk(chunk, { context: 3 })
  const start = cpuMs()
  for (const chunk of chunks) results.push(analyzeChunk(chunk, { context: 3 }))
  const spent = cpuMs() - start
  const findings = results.reduce((sum, r) => sum + r.findings.length, 0)
  const rate = Math.round(lines / (spent / 1000))
  process.stdout.write(
    `${lines} lines, ${chunks.length} chunks, ${findings} findings, ${spent.toFixed(0)} ms CPU, ${rate} lines/CPU-s\n`,
  )
  if (dump !== undefined) writeFileSync(dump, JSON.stringify(results.map((r) => r.findings)))
}

const args = process.argv.slice(2)
const path = args[0]
if (path === undefined) {
  console.error("usage: node dist/bench/analyzeSpeed.js <log file> [--dump findings.json]")
  process.exit(2)
}
const dumpAt = args.indexOf("--dump")
main(path, dumpAt >= 0 ? args[dumpAt + 1] : undefined)
