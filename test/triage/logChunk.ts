// Builds LogChunks for triage tests the way the chunker would: a job's lines, sliced with overlap.
import { LogChunk } from "../../src/domain/LogChunk.js"
import type { JobOutcome, RequestId } from "../../src/domain/Request.js"

export const makeChunk = (
  lines: ReadonlyArray<string>,
  options: {
    readonly jobName?: string
    readonly jobOutcome?: JobOutcome
    readonly index?: number
    readonly firstLine?: number
    readonly overlap?: number
    readonly last?: boolean
  } = {},
): LogChunk =>
  new LogChunk({
    requestId: "req-1" as RequestId,
    buildId: "build-1",
    jobName: options.jobName ?? "test",
    jobOutcome: options.jobOutcome ?? "failed",
    index: options.index ?? 0,
    firstLine: options.firstLine ?? 1,
    overlap: options.overlap ?? 0,
    lines,
    bytes: lines.reduce((sum, line) => sum + line.length + 1, 0),
    context: 3,
    ...((options.last ?? true) ? { totalChunks: (options.index ?? 0) + 1 } : {}),
  })

/** Cuts a job's lines into chunks of `size` owned lines with `overlap` lines of context from the previous one. */
export const sliceJob = (
  lines: ReadonlyArray<string>,
  size: number,
  overlap: number,
  jobName = "test",
): Array<LogChunk> => {
  const chunks: Array<LogChunk> = []
  for (let start = 0, index = 0; start < lines.length; start += size, index++) {
    const from = Math.max(0, start - overlap)
    chunks.push(
      makeChunk(lines.slice(from, start + size), {
        jobName,
        index,
        firstLine: from + 1,
        overlap: start - from,
        last: start + size >= lines.length,
      }),
    )
  }
  return chunks
}

/** Lines of routine build output, none of which should ever be reported. */
export const noise = (count: number, seed = 0): Array<string> =>
  Array.from({ length: count }, (_, i) => {
    const n = i + seed
    switch (n % 5) {
      case 0:
        return `[INFO] Compiling module-${n} sources to /home/runner/work/app/target/classes`
      case 1:
        return `  Downloaded https://repo.maven.apache.org/maven2/org/lib/${n}/lib-${n}.jar (12 kB at 40 kB/s)`
      case 2:
        return `  ✓ renders widget ${n} (${n % 40} ms)`
      case 3:
        return `Step ${n}: copying assets for page ${n}`
      default:
        return `ok  \tgithub.com/acme/store/part${n}\t0.${n % 10}12s`
    }
  })
