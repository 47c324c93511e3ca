// The Store port over any @effect/sql client speaking the Postgres dialect (PGlite behind a socket, or PostgreSQL).
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Option } from "effect"
import { StoreError } from "../../src/domain/errors.js"
import type { Finding } from "../../src/domain/Finding.js"
import { Store, type StoreShape } from "../../src/services/Store.js"
import { migrate } from "./migrations.js"
import {
  findingColumns,
  findingToRow,
  requestToRow,
  rowToFinding,
  rowToStoredRequest,
  type FindingRow,
  type RequestRow,
} from "./rows.js"
import { storeFailure } from "./storeError.js"

/** 16 parameters a row: 500 rows stay far below Postgres' 65,535 parameters a statement. */
const batchSize = 500

const updatableFindingColumns = findingColumns.filter((column) => column !== "id")

/** The last finding of each id wins: one statement may not upsert the same row twice. */
const lastById = (findings: ReadonlyArray<Finding>): ReadonlyArray<Finding> =>
  Array.from(new Map(findings.map((finding) => [finding.id, finding])).values())

export const makeSqlStore: Effect.Effect<StoreShape, never, SqlClient.SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const findingSelect = sql.csv(findingColumns.map((column) => sql`f.${sql(column)}`))
  const onConflictUpdate = sql.csv(
    updatableFindingColumns.map((column) => sql`${sql(column)} = EXCLUDED.${sql(column)}`),
  )

  const requestSelect = sql`
    SELECT r.id, r.source, r.build_id, r.outcome, r.options, r.status, r.stats, r.error, r.created_at, r.updated_at,
      (SELECT f.message FROM findings f WHERE f.request_id = r.id
        ORDER BY f.rank, f.confidence DESC LIMIT 1) AS top_message
    FROM requests r`

  const createRequest: StoreShape["createRequest"] = (request) =>
    sql`INSERT INTO requests ${sql.insert({ ...requestToRow(request), status: "running" })}
      ON CONFLICT (id) DO NOTHING`.pipe(
      Effect.asVoid,
      Effect.mapError(storeFailure(`record request ${request.id}`)),
    )

  const finishRequest: StoreShape["finishRequest"] = (id, status, details) =>
    sql<{ id: string }>`
      UPDATE requests SET
        status = ${status},
        stats = ${details.stats === undefined ? null : JSON.stringify(details.stats)}::jsonb,
        error = ${details.error ?? null},
        updated_at = now()
      WHERE id = ${id}
      RETURNING id`.pipe(
      Effect.mapError(storeFailure(`mark request ${id} ${status}`)),
      Effect.filterOrFail(
        (rows) => rows.length > 0,
        () =>
          new StoreError({ message: `the store could not mark request ${id} ${status}: no such request` }),
      ),
      Effect.asVoid,
    )

  const saveFindings: StoreShape["saveFindings"] = (findings) => {
    const unique = lastById(findings)
    if (unique.length === 0) return Effect.void
    const batches: Array<ReadonlyArray<Finding>> = []
    for (let start = 0; start < unique.length; start += batchSize)
      batches.push(unique.slice(start, start + batchSize))
    return Effect.forEach(
      batches,
      (batch) =>
        sql`INSERT INTO findings ${sql.insert(batch.map(findingToRow))}
          ON CONFLICT (id) DO UPDATE SET ${onConflictUpdate}`,
      { discard: true },
    ).pipe(sql.withTransaction, Effect.mapError(storeFailure(`save ${unique.length} findings`)))
  }

  const decodeRequests = (rows: ReadonlyArray<RequestRow>) => Effect.forEach(rows, rowToStoredRequest)
  const decodeFindings = (rows: ReadonlyArray<FindingRow>) => Effect.forEach(rows, rowToFinding)

  const getRequest: StoreShape["getRequest"] = (id) =>
    sql<RequestRow>`${requestSelect} WHERE r.id = ${id}`.pipe(
      Effect.mapError(storeFailure(`read request ${id}`)),
      Effect.flatMap(decodeRequests),
      Effect.map((requests) => Option.fromNullable(requests[0])),
    )

  const listRequests: StoreShape["listRequests"] = (limit) =>
    sql<RequestRow>`${requestSelect} ORDER BY r.created_at DESC, r.id DESC LIMIT ${Math.max(0, Math.floor(limit))}`.pipe(
      Effect.mapError(storeFailure("list requests")),
      Effect.flatMap(decodeRequests),
    )

  const findings: StoreShape["findings"] = (requestId) =>
    sql<FindingRow>`SELECT ${findingSelect} FROM findings f WHERE f.request_id = ${requestId}
      ORDER BY f.rank, f.confidence DESC, f.line_start`.pipe(
      Effect.mapError(storeFailure(`read the findings of request ${requestId}`)),
      Effect.flatMap(decodeFindings),
    )

  // websearch_to_tsquery accepts whatever a user types (quotes, "or", -word) without syntax errors.
  const searchFindings: StoreShape["searchFindings"] = (text, limit) =>
    sql<FindingRow>`SELECT ${findingSelect} FROM findings f, websearch_to_tsquery('english', ${text}) q
      WHERE f.search @@ q
      ORDER BY ts_rank(f.search, q) DESC, f.confidence DESC, f.id
      LIMIT ${Math.max(0, Math.floor(limit))}`.pipe(
      Effect.mapError(storeFailure("search findings")),
      Effect.flatMap(decodeFindings),
    )

  return { createRequest, finishRequest, saveFindings, getRequest, listRequests, findings, searchFindings }
})

/** The Store over whatever SqlClient is provided; the schema is migrated when the layer is built. */
export const SqlStoreLive: Layer.Layer<Store, StoreError, SqlClient.SqlClient> = Layer.effect(
  Store,
  Effect.zipRight(migrate, makeSqlStore),
)
