// The TriageLedger port in SQL: one row per analysed chunk with its findings inline, upserted in bulk through one
// JSON parameter (no parameter limit, one round trip); finalization claimed with a conditional UPDATE so exactly
// one agent finalizes a request.
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Option, Schema } from "effect"
import { type ChunkFindings, FindingRecord } from "../../src/domain/Finding.js"
import { toChunkFindings } from "../../src/triage/analyzeChunk.js"
import { TriageLedger, type TriageLedgerShape } from "../../src/services/TriageLedger.js"
import type { StoreError } from "../../src/domain/errors.js"
import type { Store } from "../../src/services/Store.js"
import type { PostgresOptions } from "./postgres.js"
import { SqlStoreLive } from "./SqlStore.js"
import { storeFailure } from "./storeError.js"

interface ChunkRow {
  readonly request_id: string
  readonly job_name: string
  readonly chunk_index: number
  readonly build_id: string
  readonly total_chunks: number | null
  readonly lines: number
  readonly last_line: number
}

const decodeFindings = Schema.decodeUnknown(Schema.Array(FindingRecord))

/** jsonb cannot hold NUL: a log line carrying one is stored with U+FFFD instead of failing the batch. */
const jsonbText = (value: unknown): string => {
  const text = JSON.stringify(value)
  // A batch is megabytes of JSON: look for the rare escape before running the regex over all of it.
  return text.includes("\\u0000") ? text.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, "$1\\ufffd") : text
}

const byKey = (a: readonly [string, unknown], b: readonly [string, unknown]) =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0

const chunkKey = (requestId: string, jobName: string, index: number) =>
  `${requestId}\u0000${jobName}\u0000${index}`

export const makeTriageLedgerSql = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const recordChunks: TriageLedgerShape["recordChunks"] = (batches) => {
    if (batches.length === 0) return Effect.void
    // One statement may not upsert a row twice: the last copy of a chunk wins.
    const chunks = new Map<string, ChunkRow & { readonly findings: ReadonlyArray<FindingRecord> }>()
    let findings = 0
    for (const batch of batches) {
      const key = chunkKey(batch.requestId, batch.jobName, batch.chunkIndex)
      findings += batch.findings.length - (chunks.get(key)?.findings.length ?? 0)
      chunks.set(key, {
        request_id: batch.requestId,
        job_name: batch.jobName,
        chunk_index: batch.chunkIndex,
        build_id: batch.buildId,
        total_chunks: batch.totalChunks ?? null,
        lines: batch.lines,
        last_line: batch.lastLine,
        // A Finding's encoded form is its own fields (no transformations): the instance serializes to it as is.
        findings: batch.findings,
      })
    }
    // Rows in key order: two batches upserting the same rows at once then lock them in the same order.
    const rows = [...chunks.entries()].sort(byKey).map(([, row]) => row)
    return sql`
      INSERT INTO triage_chunks
        (request_id, job_name, chunk_index, build_id, total_chunks, lines, last_line, findings)
      SELECT r.* FROM json_to_recordset(${jsonbText(rows)}::json) AS r(
        request_id text, job_name text, chunk_index integer, build_id text, total_chunks integer,
        lines integer, last_line integer, findings json)
      -- a chunk redelivered after its request was finalized has nothing left to add
      WHERE NOT EXISTS (
        SELECT 1 FROM triage_progress p WHERE p.request_id = r.request_id AND p.finalized_at IS NOT NULL)
      ON CONFLICT (request_id, job_name, chunk_index) DO UPDATE SET
        total_chunks = EXCLUDED.total_chunks, lines = EXCLUDED.lines, last_line = EXCLUDED.last_line,
        findings = EXCLUDED.findings`.pipe(
      Effect.asVoid,
      Effect.mapError(storeFailure(`record ${chunks.size} analysed chunk(s) with ${findings} finding(s)`)),
    )
  }

  const recordIngested: TriageLedgerShape["recordIngested"] = (requestId, totals) =>
    sql`
      INSERT INTO triage_progress (request_id, expected_chunks, lines, bytes)
      VALUES (${requestId}, ${totals.chunks}, ${totals.lines}, ${totals.bytes})
      ON CONFLICT (request_id) DO UPDATE SET
        expected_chunks = EXCLUDED.expected_chunks, lines = EXCLUDED.lines, bytes = EXCLUDED.bytes,
        updated_at = now()`.pipe(
      Effect.asVoid,
      Effect.mapError(storeFailure(`record the chunk count of ${requestId}`)),
    )

  const loadChunks = (requestId: string) =>
    Effect.gen(function* () {
      const rows = yield* sql<ChunkRow & { readonly findings: ReadonlyArray<unknown> }>`
        SELECT request_id, job_name, chunk_index, build_id, total_chunks, lines, last_line, findings
        FROM triage_chunks WHERE request_id = ${requestId} ORDER BY job_name, chunk_index`
      // one synchronous decode per chunk (thousands of findings per request), then the classes without re-checking
      return yield* Effect.forEach(rows, (row) =>
        Effect.map(decodeFindings(row.findings), (findings) =>
          toChunkFindings({
            requestId: row.request_id as ChunkFindings["requestId"],
            buildId: row.build_id,
            jobName: row.job_name,
            chunkIndex: row.chunk_index,
            ...(row.total_chunks === null ? {} : { totalChunks: row.total_chunks }),
            lines: row.lines,
            lastLine: row.last_line,
            findings,
          }),
        ),
      )
    })

  const finalizeWhenComplete: TriageLedgerShape["finalizeWhenComplete"] = (requestId, finalize) =>
    Effect.gen(function* () {
      // The row lock makes a concurrent claimer wait for this transaction, then find finalized_at set.
      const claimed = yield* sql<{ expected_chunks: number; lines: string; bytes: string }>`
        UPDATE triage_progress p SET finalized_at = now(), updated_at = now()
        WHERE p.request_id = ${requestId} AND p.finalized_at IS NULL AND p.expected_chunks IS NOT NULL
          AND p.expected_chunks <= (SELECT count(*) FROM triage_chunks c WHERE c.request_id = ${requestId})
        RETURNING p.expected_chunks, p.lines, p.bytes`.pipe(
        Effect.mapError(storeFailure(`finalize ${requestId}`)),
      )
      const claim = claimed[0]
      if (claim === undefined) return false
      const chunks = yield* loadChunks(requestId).pipe(
        Effect.mapError(storeFailure(`read the persisted chunks of ${requestId}`)),
      )
      yield* finalize({
        requestId,
        totals: { chunks: claim.expected_chunks, lines: Number(claim.lines), bytes: Number(claim.bytes) },
        chunks,
      })
      // The ranked findings are saved: the staged chunks (~50 KB each) would only grow the table from here on.
      yield* sql`DELETE FROM triage_chunks WHERE request_id = ${requestId}`.pipe(
        Effect.mapError(storeFailure(`clear the staged chunks of ${requestId}`)),
      )
      return true
    }).pipe(
      sql.withTransaction,
      Effect.catchTag("SqlError", (error) => Effect.fail(storeFailure(`finalize ${requestId}`)(error))),
    )

  const progress: TriageLedgerShape["progress"] = (requestId) =>
    sql<{ expected_chunks: number | null; persisted: string; finalized: boolean }>`
      SELECT p.expected_chunks, p.finalized_at IS NOT NULL AS finalized,
        (SELECT count(*) FROM triage_chunks c WHERE c.request_id = ${requestId}) AS persisted
      FROM triage_progress p WHERE p.request_id = ${requestId}`.pipe(
      Effect.mapError(storeFailure(`read the progress of ${requestId}`)),
      Effect.map((rows) =>
        Option.map(Option.fromNullable(rows[0]), (row) => ({
          expectedChunks: row.expected_chunks,
          persistedChunks: Number(row.persisted),
          finalized: row.finalized,
        })),
      ),
    )

  return TriageLedger.of({ recordChunks, recordIngested, finalizeWhenComplete, progress })
})

export const TriageLedgerSqlLive: Layer.Layer<TriageLedger, never, SqlClient.SqlClient> = Layer.effect(
  TriageLedger,
  makeTriageLedgerSql,
)

/**
 * Store and TriageLedger on one pooled PostgreSQL client, so a finalization writes both in one transaction. The
 * client's module (and `pg`) loads when the layer is built: commands that never build it do not pay for it.
 */
export const DistributedStoreLive = (
  options: PostgresOptions,
): Layer.Layer<Store | TriageLedger, StoreError> =>
  Layer.mergeAll(SqlStoreLive, TriageLedgerSqlLive).pipe(
    Layer.provide(
      Layer.unwrapEffect(
        Effect.map(
          Effect.promise(() => import("./postgres.js")),
          ({ PostgresClientLive }) => PostgresClientLive(options),
        ),
      ),
    ),
  )
