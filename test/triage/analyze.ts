// Runs the whole triage core on a job's lines, the way the pipeline does, for tests.
import type { Finding } from "../../src/domain/Finding.js"
import type { JobOutcome } from "../../src/domain/Request.js"
import { analyzeChunk } from "../../src/triage/analyzeChunk.js"
import { FindingRanker } from "../../src/triage/rank.js"
import { makeChunk } from "./logChunk.js"

export const triage = (
  lines: ReadonlyArray<string>,
  options: { readonly jobOutcome?: JobOutcome; readonly top?: number } = {},
): Array<Finding> => {
  const ranker = new FindingRanker()
  ranker.add(analyzeChunk(makeChunk(lines, { jobOutcome: options.jobOutcome ?? "failed" }), { context: 3 }))
  return ranker.ranked({ top: options.top ?? 10, minConfidence: 0 })
}
