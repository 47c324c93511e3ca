// Analyses one log chunk into the domain's ChunkFindings (chunkAnalysis.ts does the work, as plain records).
import { ChunkFindings, type ChunkFindingsRecord, Finding } from "../domain/Finding.js"
import type { LogChunk } from "../domain/LogChunk.js"
import { type AnalyzeOptions, analyzeChunkFields } from "./chunkAnalysis.js"
import {
  type PackedChunkFindings,
  type PackedFinding,
  TEXT_FIELDS,
  type Texts,
  unpackTexts,
} from "./packedFindings.js"

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

const PACKED = Symbol("destill.packedTexts")
const UNPACKED = Symbol("destill.unpackedTexts")

interface Packed {
  readonly [PACKED]: string
  [UNPACKED]?: Texts
}

const textsOf = (finding: Packed): Texts => (finding[UNPACKED] ??= unpackTexts(finding[PACKED]))

/**
 * The prototype of a Finding whose texts are still packed (see packedFindings.ts): it reads them the first time one
 * is asked for. Such findings only live inside a local run's ranking, which turns the ones it returns into
 * ordinary Findings with `fullFinding`; an object spread or JSON would not see the texts, which are getters here.
 */
const packedPrototype: object = Object.create(
  Finding.prototype,
  Object.fromEntries(
    TEXT_FIELDS.map((key) => [
      key,
      {
        get(this: Packed) {
          return textsOf(this)[key]
        },
      },
    ]),
  ),
)

const packedFinding = (packed: PackedFinding, chunk: PackedChunkFindings): Finding => {
  const finding = Object.create(packedPrototype) as Record<string | symbol, unknown>
  finding["id"] = packed[1]
  finding["requestId"] = chunk.requestId
  finding["rank"] = 0
  finding["confidence"] = packed[2]
  finding["lineStart"] = packed[3]
  finding["lineEnd"] = packed[4]
  finding["occurrences"] = packed[5]
  finding["hash"] = packed[0]
  finding["jobName"] = chunk.jobName
  finding["jobOutcome"] = chunk.jobOutcome
  finding[PACKED] = packed[6]
  // every Finding field is there, a getter for the texts: the prototype is Finding's
  return finding as unknown as Finding
}

/** The domain classes around a scoring thread's packed findings; their texts stay packed until read. */
export const fromPackedChunkFindings = (packed: PackedChunkFindings): ChunkFindings => {
  const { jobOutcome: _outcome, findings, ...header } = packed
  return new ChunkFindings(
    { ...header, findings: findings.map((finding) => packedFinding(finding, packed)) },
    UNCHECKED,
  )
}

/** An ordinary Finding, with its texts as fields, for one whose texts may still be packed. */
export const fullFinding = (finding: Finding): Finding => {
  if (!(PACKED in finding)) return finding
  const { id, requestId, rank, confidence, lineStart, lineEnd, occurrences, hash, jobName, jobOutcome } =
    finding
  const texts = textsOf(finding as unknown as Packed)
  return new Finding(
    { id, requestId, rank, confidence, lineStart, lineEnd, occurrences, hash, jobName, jobOutcome, ...texts },
    UNCHECKED,
  )
}
