// The store's schema, as ordered migrations in code: run once per database, each recorded in a table.
import * as Migrator from "@effect/sql/Migrator"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { StoreError } from "../../src/domain/errors.js"
import { storeFailure } from "./storeError.js"
import { createInsights } from "./InsightTable.js"
import { createDistillTables } from "./distillMigrations.js"
import { createTriageLedger, inlineChunkFindings } from "./triageLedgerMigrations.js"

const createRequests = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE requests (
      id text PRIMARY KEY,
      source text NOT NULL,
      build_id text NOT NULL,
      outcome text NOT NULL,
      options jsonb NOT NULL,
      status text NOT NULL,
      stats jsonb,
      error text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`
  yield* sql`CREATE INDEX requests_newest_idx ON requests (created_at DESC, id DESC)`
})

// The tsvector is generated so every writer (local or agent) indexes the same way. Postgres' parser keeps
// "java.lang.IllegalStateException" or "src/app/main.ts" as one token, so the text is indexed twice: as
// written (a search for the full name matches) and with . / \ : as spaces (a search for one part matches).
// Queries must use the same 'english' config (stemming: "timeouts" finds "timeout").
const createFindings = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE findings (
      id text PRIMARY KEY,
      request_id text NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
      rank integer NOT NULL,
      severity text NOT NULL,
      confidence double precision NOT NULL,
      line_start integer NOT NULL,
      line_end integer NOT NULL,
      lines jsonb NOT NULL,
      message text NOT NULL,
      context jsonb NOT NULL,
      occurrences integer NOT NULL,
      hash text NOT NULL,
      category text NOT NULL,
      signals jsonb NOT NULL,
      job_name text NOT NULL,
      job_outcome text NOT NULL,
      search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', message), 'A') ||
        setweight(to_tsvector('english', translate(message, './\\:', '    ')), 'A') ||
        setweight(jsonb_to_tsvector('english', lines, '["string"]'), 'B') ||
        setweight(to_tsvector('english', translate(lines::text, './\\:', '    ')), 'C')
      ) STORED
    )`
  yield* sql`CREATE INDEX findings_request_rank_idx ON findings (request_id, rank, confidence DESC)`
  yield* sql`CREATE INDEX findings_request_confidence_idx ON findings (request_id, confidence DESC)`
  yield* sql`CREATE INDEX findings_search_idx ON findings USING GIN (search)`
  yield* sql`CREATE INDEX findings_hash_idx ON findings (hash)`
})

export const migrations = {
  "0001_create_requests": createRequests,
  "0002_create_findings": createFindings,
  "0100_create_triage_ledger": createTriageLedger,
  "0200_create_insights": createInsights,
  "0300_create_distill_tables": createDistillTables,
  "0400_inline_chunk_findings": inlineChunkFindings,
}

const runMigrations = Migrator.make({})

/**
 * Bring the schema up to date in one transaction. Retried once: two agents starting against a fresh
 * database race to create the bookkeeping table, and the loser finds the work done on its second try.
 */
export const migrate: Effect.Effect<void, StoreError, SqlClient.SqlClient> = runMigrations({
  loader: Migrator.fromRecord(migrations),
  table: "destill_migrations",
}).pipe(
  Effect.sandbox,
  Effect.retry({ times: 1 }),
  Effect.mapError(storeFailure("bring its schema up to date")),
  Effect.asVoid,
)
