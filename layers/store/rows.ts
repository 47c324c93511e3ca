// How requests and findings sit in SQL rows, and the way back into the domain classes.
import { Effect, ParseResult, Schema } from "effect"
import { StoreError } from "../../src/domain/errors.js"
import { Finding } from "../../src/domain/Finding.js"
import { Request, RequestStatus } from "../../src/domain/Request.js"
import { RunStats } from "../../src/domain/Stats.js"
import type { StoredRequest } from "../../src/services/Store.js"

export interface RequestRow {
  readonly id: string
  readonly source: string
  readonly build_id: string
  readonly outcome: string
  readonly options: unknown
  readonly status: string
  readonly stats: unknown
  readonly error: string | null
  readonly created_at: Date
  readonly updated_at: Date
  readonly top_message: string | null
}

export interface FindingRow {
  readonly id: string
  readonly request_id: string
  readonly rank: number
  readonly severity: string
  readonly confidence: number
  readonly line_start: number
  readonly line_end: number
  readonly lines: unknown
  readonly message: string
  readonly context: unknown
  readonly occurrences: number
  readonly hash: string
  readonly category: string
  readonly signals: unknown
  readonly job_name: string
  readonly job_outcome: string
}

/** Columns a query must select to decode a finding (never the tsvector). */
export const findingColumns = [
  "id",
  "request_id",
  "rank",
  "severity",
  "confidence",
  "line_start",
  "line_end",
  "lines",
  "message",
  "context",
  "occurrences",
  "hash",
  "category",
  "signals",
  "job_name",
  "job_outcome",
] as const

// Postgres text cannot hold NUL; a log line carrying one must not sink the whole save.
const storable = (text: string): string =>
  text.includes("\u0000") ? text.replaceAll("\u0000", "\uFFFD") : text
const storableJson = (value: unknown): string => storable(JSON.stringify(value))

/** Parameters for one findings row; jsonb columns travel as JSON text and are typed by the column. */
export const findingToRow = (finding: Finding) => ({
  id: finding.id,
  request_id: finding.requestId,
  rank: finding.rank,
  severity: finding.severity,
  confidence: finding.confidence,
  line_start: finding.lineStart,
  line_end: finding.lineEnd,
  lines: storableJson(finding.lines),
  message: storable(finding.message),
  context: storableJson(finding.context),
  occurrences: finding.occurrences,
  hash: finding.hash,
  category: storable(finding.category),
  signals: storableJson(finding.signals),
  job_name: storable(finding.jobName),
  job_outcome: finding.jobOutcome,
})

export const requestToRow = (request: Request) => ({
  id: request.id,
  source: storable(request.source),
  build_id: storable(request.buildId),
  outcome: request.outcome,
  options: JSON.stringify(request.options),
  created_at: new Date(request.createdAt),
})

const decodeFinding = Schema.decodeUnknown(Finding)
const decodeRequest = Schema.decodeUnknown(Request)
const decodeStatus = Schema.decodeUnknown(RequestStatus)
const decodeStats = Schema.decodeUnknown(Schema.NullOr(RunStats))

const unreadable = (what: string) => (error: ParseResult.ParseError) => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  const where = issue === undefined ? "" : `: ${issue.path.join(".")} ${issue.message}`
  return new StoreError({
    message: `the store holds a ${what} this version cannot read${where}`,
    cause: error,
  })
}

export const rowToFinding = (row: FindingRow): Effect.Effect<Finding, StoreError> =>
  decodeFinding({
    id: row.id,
    requestId: row.request_id,
    rank: row.rank,
    severity: row.severity,
    confidence: row.confidence,
    lineStart: row.line_start,
    lineEnd: row.line_end,
    lines: row.lines,
    message: row.message,
    context: row.context,
    occurrences: row.occurrences,
    hash: row.hash,
    category: row.category,
    signals: row.signals,
    jobName: row.job_name,
    jobOutcome: row.job_outcome,
  }).pipe(Effect.mapError(unreadable(`finding (${row.id})`)))

export const rowToStoredRequest = (row: RequestRow): Effect.Effect<StoredRequest, StoreError> =>
  Effect.all({
    request: decodeRequest({
      id: row.id,
      source: row.source,
      buildId: row.build_id,
      outcome: row.outcome,
      createdAt: row.created_at.getTime(),
      options: row.options,
    }),
    status: decodeStatus(row.status),
    stats: decodeStats(row.stats),
  }).pipe(
    Effect.map(({ request, stats, status }): StoredRequest => ({
      request,
      status,
      stats,
      error: row.error,
      updatedAt: row.updated_at.getTime(),
      topMessage: row.top_message,
    })),
    Effect.mapError(unreadable(`request (${row.id})`)),
  )
