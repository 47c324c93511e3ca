// InsightRepo over any @effect/sql client speaking the Postgres dialect, and the store wiring that serves
// findings and insights from one connection (PGlite allows a single client per data dir).
import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer, Option, ParseResult, Schema } from "effect"
import { StoreError, type StoreLocked } from "../../src/domain/errors.js"
import { Insight } from "../../src/domain/Insight.js"
import { InsightRepo, type InsightRepoShape } from "../../src/services/InsightRepo.js"
import { Store } from "../../src/services/Store.js"
import { sqlClientLayer, type StoreConfig } from "./index.js"
import { migrate } from "./migrations.js"
import { makeSqlStore } from "./SqlStore.js"
import { storeFailure } from "./storeError.js"

interface InsightRow {
  readonly id: string
  readonly request_id: string
  readonly status: string
  readonly summary: string
  readonly root_cause: string
  readonly category: string
  readonly evidence: unknown
  readonly suggested_fix: string
  readonly confidence: number
  readonly provider: string
  readonly model: string
  readonly attempts: number
  readonly reasons: unknown
  readonly prompt_version: string
  readonly input_hash: string
  readonly prompt: unknown
  readonly cut: unknown
  readonly created_at: Date
}

// Postgres text cannot hold NUL; a quoted log line carrying one must not sink the save.
const storable = (text: string): string => text.replaceAll("\u0000", "\uFFFD")
const storableJson = (value: unknown): string => storable(JSON.stringify(value))

const insightToRow = (insight: Insight) => ({
  id: insight.id,
  request_id: insight.requestId,
  status: insight.status,
  summary: storable(insight.summary),
  root_cause: storable(insight.rootCause),
  category: storable(insight.category),
  evidence: storableJson(insight.evidence),
  suggested_fix: storable(insight.suggestedFix),
  confidence: insight.confidence,
  provider: insight.provider,
  model: insight.model,
  attempts: insight.attempts,
  reasons: storableJson(insight.reasons),
  prompt_version: insight.promptVersion,
  input_hash: insight.inputHash,
  prompt: storableJson(insight.prompt),
  cut: storableJson(insight.cut),
  created_at: new Date(insight.createdAt),
})

const decodeInsight = Schema.decodeUnknown(Insight)

const rowToInsight = (row: InsightRow): Effect.Effect<Insight, StoreError> =>
  decodeInsight({
    id: row.id,
    requestId: row.request_id,
    status: row.status,
    summary: row.summary,
    rootCause: row.root_cause,
    category: row.category,
    evidence: row.evidence,
    suggestedFix: row.suggested_fix,
    confidence: row.confidence,
    provider: row.provider,
    model: row.model,
    attempts: row.attempts,
    reasons: row.reasons,
    promptVersion: row.prompt_version,
    inputHash: row.input_hash,
    prompt: row.prompt,
    cut: row.cut,
    createdAt: row.created_at.getTime(),
  }).pipe(
    Effect.mapError((error: ParseResult.ParseError) => {
      const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
      const where = issue === undefined ? "" : `: ${issue.path.join(".")} ${issue.message}`
      return new StoreError({
        message: `the store holds an insight (${row.id}) this version cannot read${where}`,
        cause: error,
      })
    }),
  )

const columns = [
  "id",
  "request_id",
  "status",
  "summary",
  "root_cause",
  "category",
  "evidence",
  "suggested_fix",
  "confidence",
  "provider",
  "model",
  "attempts",
  "reasons",
  "prompt_version",
  "input_hash",
  "prompt",
  "cut",
  "created_at",
] as const

export const makeInsightSql: Effect.Effect<InsightRepoShape, never, SqlClient.SqlClient> = Effect.gen(
  function* () {
    const sql = yield* SqlClient.SqlClient
    const select = sql.csv(columns.map((column) => sql`${sql(column)}`))
    const onConflict = sql.csv(
      columns.filter((c) => c !== "id").map((c) => sql`${sql(c)} = EXCLUDED.${sql(c)}`),
    )
    const decodeAll = (rows: ReadonlyArray<InsightRow>) => Effect.forEach(rows, rowToInsight)

    const save: InsightRepoShape["save"] = (insight) =>
      sql`INSERT INTO insights ${sql.insert(insightToRow(insight))}
        ON CONFLICT (id) DO UPDATE SET ${onConflict}`.pipe(
        Effect.asVoid,
        Effect.mapError(storeFailure(`save insight ${insight.id} of request ${insight.requestId}`)),
      )

    const findAccepted: InsightRepoShape["findAccepted"] = (inputHash) =>
      sql<InsightRow>`SELECT ${select} FROM insights
        WHERE input_hash = ${inputHash} AND status = 'accepted'
        ORDER BY created_at DESC, id LIMIT 1`.pipe(
        Effect.mapError(storeFailure("look up a stored insight")),
        Effect.flatMap(decodeAll),
        Effect.map((insights) => Option.fromNullable(insights[0])),
      )

    const forRequest: InsightRepoShape["forRequest"] = (requestId) =>
      sql<InsightRow>`SELECT ${select} FROM insights WHERE request_id = ${requestId}
        ORDER BY created_at DESC, id`.pipe(
        Effect.mapError(storeFailure(`read the insights of request ${requestId}`)),
        Effect.flatMap(decodeAll),
      )

    return { save, findAccepted, forRequest }
  },
)

/** InsightRepo over whatever SqlClient is provided; the schema is migrated when the layer is built. */
export const InsightSqlLive: Layer.Layer<InsightRepo, StoreError, SqlClient.SqlClient> = Layer.effect(
  InsightRepo,
  Effect.zipRight(migrate, makeInsightSql),
)

/** Store and InsightRepo on one client, migrated once (two layers would race to migrate). */
export const StoreWithInsightsSql: Layer.Layer<Store | InsightRepo, StoreError, SqlClient.SqlClient> =
  Layer.effectContext(
    Effect.gen(function* () {
      yield* migrate
      const store = yield* makeSqlStore
      const insights = yield* makeInsightSql
      return Context.make(Store, store).pipe(Context.add(InsightRepo, insights))
    }),
  )

/** Like `storeLayer`, with insights beside the findings: PostgreSQL for DATABASE_URL, else PGlite. */
export const storeWithInsightsLayer = (
  config: StoreConfig,
): Layer.Layer<Store | InsightRepo, StoreError | StoreLocked> =>
  StoreWithInsightsSql.pipe(Layer.provide(sqlClientLayer(config)))
