// Analyses one log chunk into the domain's ChunkFindings (chunkAnalysis.ts does the work, as plain records).
import { ChunkFindings, Finding } from "../domain/Finding.js"
import type { LogChunk } from "../domain/LogChunk.js"
import { type AnalyzeOptions, analyzeChunkFields } from "./chunkAnalysis.js"

export { type AnalyzeOptions, CONFIDENCE_SCALE, findingId } from "./chunkAnalysis.js"

/**
 * Findings are built from typed values only, so the schema's per-field validation (a third of the per-finding
 * cost) would only re-check what the compiler already has.
 */
const UNCHECKED = { disableValidation: true } as const

/** Scores a chunk and returns the findings it owns. */
export const analyzeChunk = (chunk: LogChunk, options: AnalyzeOptions): ChunkFindings => {
  const fields = analyzeChunkFields(chunk, options)
  return new ChunkFindings(
    { ...fields, findings: fields.findings.map((finding) => new Finding(finding, UNCHECKED)) },
    UNCHECKED,
  )
}
