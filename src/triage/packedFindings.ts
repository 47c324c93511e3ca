// A chunk's findings packed for the trip from a scoring thread to the main thread of a local run. The main thread
// keeps every finding that is, for the moment, the latest of its hash, and most are, each until the next one of
// its hash arrives: as records, every one of them was ~25 objects (its lines, context, signals) that lived long
// enough to be copied out of the young generation and then died in the old one, ~1 s of the main thread's
// collections on a 1 GB log. Packed, a finding is what the ranking reads plus one string that holds its texts.
import type { ChunkFindingsRecord, FindingRecord } from "../domain/Finding.js"

/** What the ranking reads, then the rest as one string (see `Texts`). */
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

/** The fields a packed finding keeps as one string, in this order. */
export const TEXT_FIELDS = ["severity", "category", "message", "lines", "context", "signals"] as const
export type Texts = Pick<FindingRecord, (typeof TEXT_FIELDS)[number]>

// The texts string: each text as `<length>:<text>`, each list as `<count>:` and then its texts. Lengths are in UTF-16
// code units, as JavaScript reads them on both sides, so a text may hold any character, `:` included. Every finding
// is packed and few are ever unpacked (the ones a run returns): this costs a quarter of what JSON.stringify did,
// ~4 µs less per finding on the bench log, where the scoring threads pack ~100,000 findings per GB.

const putText = (parts: Array<string>, text: string): void => {
  parts.push(`${text.length}:`, text)
}

const putList = (parts: Array<string>, texts: ReadonlyArray<string>): void => {
  parts.push(`${texts.length}:`)
  for (const text of texts) putText(parts, text)
}

/** A finding's texts (TEXT_FIELDS) as one string. */
export const packTexts = (finding: Texts): string => {
  const parts: Array<string> = []
  putText(parts, finding.severity)
  putText(parts, finding.category)
  putText(parts, finding.message)
  putList(parts, finding.lines)
  putList(parts, finding.context.before)
  putList(parts, finding.context.after)
  putList(parts, finding.signals)
  return parts.join("")
}

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
    packTexts(f),
  ]),
})

/** Reads packTexts' string back. */
export const unpackTexts = (packed: string): Texts => {
  let at = 0
  const count = (): number => {
    const colon = packed.indexOf(":", at)
    const n = Number(packed.slice(at, colon))
    at = colon + 1
    return n
  }
  const text = (): string => {
    const length = count()
    at += length
    return packed.slice(at - length, at)
  }
  const list = (): Array<string> => Array.from({ length: count() }, text)
  const severity = text() as Texts["severity"]
  const category = text()
  const message = text()
  const lines = list()
  const before = list()
  const after = list()
  return { severity, category, message, lines, context: { before, after }, signals: list() }
}
