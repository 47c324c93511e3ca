// A ranked block of log lines that explains (part of) a failure: the JSON contract other tools read.
import { Schema } from "effect"
import { JobOutcome, RequestId } from "./Request.js"

export const Severity = Schema.Literal("critical", "error", "warning", "info")
export type Severity = typeof Severity.Type

/**
 * Lines of text, checked in one pass. `Schema.Array(Schema.String)` checks and copies element by element: with a
 * finding's four lists that was a third of decoding one, and persist agents decode tens of thousands a second.
 */
export const Texts = Schema.declare(
  (input: unknown): input is ReadonlyArray<string> =>
    Array.isArray(input) && input.every((item) => typeof item === "string"),
  {
    identifier: "Texts",
    description: "an array of strings",
    message: () => "Expected an array of strings",
    jsonSchema: { type: "array", items: { type: "string" } },
  },
)

export class Finding extends Schema.Class<Finding>("Finding")({
  /** Stable: hash of request, job and line range, so a redelivered chunk upserts the same row. */
  id: Schema.String,
  requestId: RequestId,
  /** 1-based rank after the final ordering; 0 while a finding is still per-chunk. */
  rank: Schema.Number,
  severity: Severity,
  confidence: Schema.Number,
  lineStart: Schema.Number,
  lineEnd: Schema.Number,
  /** The finding's own lines, original text. */
  lines: Texts,
  /** One line that names the failure (the block's headline, cleaned). */
  message: Schema.String,
  context: Schema.Struct({ before: Texts, after: Texts }),
  occurrences: Schema.Number,
  /** SHA-256 of the normalised block: equal failures share it across lines, chunks and builds. */
  hash: Schema.String,
  category: Schema.String,
  /** Why it scored, readable: "pattern:java-exception +0.6", "rarity: one-off", ... */
  signals: Texts,
  jobName: Schema.String,
  jobOutcome: JobOutcome,
}) {}

/** What the analyze stage publishes for one chunk: its findings and its place in the job. */
export class ChunkFindings extends Schema.Class<ChunkFindings>("ChunkFindings")({
  requestId: RequestId,
  buildId: Schema.String,
  jobName: Schema.String,
  chunkIndex: Schema.Number,
  totalChunks: Schema.optional(Schema.Number),
  /** Owned lines in the chunk and the last owned line number (for position scoring). */
  lines: Schema.Number,
  lastLine: Schema.Number,
  findings: Schema.Array(Finding),
}) {}

/** A Finding's fields as plain data: what a scoring thread builds (it never loads effect) and what brokers carry. */
export const FindingRecord = Schema.Struct(Finding.fields)
export type FindingRecord = typeof FindingRecord.Type

/**
 * A chunk's findings as plain data, as read off a broker or posted by a scoring thread. Consumers only read them,
 * and building class instances for every finding of every message would cost a persist agent a third of its
 * decoding.
 */
export const ChunkFindingsRecord = Schema.Struct({
  ...ChunkFindings.fields,
  findings: Schema.Array(FindingRecord),
})
export type ChunkFindingsRecord = typeof ChunkFindingsRecord.Type
