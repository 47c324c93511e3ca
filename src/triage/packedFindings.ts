// A chunk's findings packed for the trip from a scoring thread to the main thread of a local run. The main thread
// keeps every finding that is, for the moment, the latest of its hash, and most are, each until the next one of
// its hash arrives: as records, every one of them was ~25 objects (its lines, context, signals) that lived long
// enough to be copied out of the young generation and then died in the old one, ~1 s of the main thread's
// collections on a 1 GB log. Packed, a finding is what the ranking reads plus one string that holds its texts.
import type { ChunkFindingsRecord, FindingRecord } from "../domain/Finding.js"

/** What the ranking reads, then the JSON of the rest (see `Texts`). */
export type PackedFinding = readonly [
  hash: string,
  id: string,
  confidence: number,
  lineStart: number,
  lineEnd: number,
  occurrences: number,
  texts: string,
]

/** A chunk's findings, packed; every finding of a chunk has its job's outcome. */
export interface PackedChunkFindings extends Omit<ChunkFindingsRecord, "findings"> {
  readonly jobOutcome: FindingRecord["jobOutcome"]
  readonly findings: ReadonlyArray<PackedFinding>
}

/** The fields a packed finding keeps as JSON, in this order. */
export const TEXT_FIELDS = ["severity", "category", "message", "lines", "context", "signals"] as const
export type Texts = Pick<FindingRecord, (typeof TEXT_FIELDS)[number]>

export const packChunkFindings = (
  record: ChunkFindingsRecord,
  jobOutcome: FindingRecord["jobOutcome"],
): PackedChunkFindings => ({
  ...record,
  jobOutcome,
  findings: record.findings.map((f): PackedFinding => [
    f.hash,
    f.id,
    f.confidence,
    f.lineStart,
    f.lineEnd,
    f.occurrences,
    JSON.stringify(TEXT_FIELDS.map((field) => f[field])),
  ]),
})

export const unpackTexts = (texts: string): Texts => {
  const values = JSON.parse(texts) as ReadonlyArray<unknown>
  return Object.fromEntries(TEXT_FIELDS.map((field, k) => [field, values[k]])) as unknown as Texts
}
