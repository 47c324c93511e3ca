// Analyses one log chunk into the domain's ChunkFindings (chunkAnalysis.ts does the work, as plain records).
import { ChunkFindings, type ChunkFindingsRecord, Finding } from "../domain/Finding.js"
import type { LogChunk } from "../domain/LogChunk.js"
import { type AnalyzeOptions, analyzeChunkFields } from "./chunkAnalysis.js"

export { type AnalyzeOptions, CONFIDENCE_SCALE, findingId } from "./chunkAnalysis.js"

/**
 * Findings are built from typed values only, so the schema's per-field validation (a third of the per-finding
 * cost) would only re-check what the compiler already has.
 */
const UNCHECKED = { disableValidation: true } as const

/** The domain classes around a chunk analysis's plain records (from this thread or a scoring thread). */
export const toChunkFindings = (record: ChunkFindingsRecord): ChunkFindings =>
  new ChunkFindings(
    { ...record, findings: record.findings.map((finding) => new Finding(finding, UNCHECKED)) },
    UNCHECKED,
  )

/** Scores a chunk and returns the findings it owns. */
export const analyzeChunk = (chunk: LogChunk, options: AnalyzeOptions): ChunkFindings =>
  toChunkFindings(analyzeChunkFields(chunk, options))
