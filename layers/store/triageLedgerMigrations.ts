// Tables of distributed triage: analysed chunks and their findings as persist agents write them, and each
// request's completion.
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

// No foreign keys to requests: a chunk may be persisted before or without its request row (a replayed dead
// letter), and that must not jam a persist agent. The ranked result still lives in `findings`.
export const createTriageLedger = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE triage_progress (
      request_id text PRIMARY KEY,
      expected_chunks integer,
      lines bigint,
      bytes bigint,
      finalized_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`
  yield* sql`
    CREATE TABLE triage_chunks (
      request_id text NOT NULL,
      job_name text NOT NULL,
      chunk_index integer NOT NULL,
      build_id text NOT NULL,
      total_chunks integer,
      lines integer NOT NULL,
      last_line integer NOT NULL,
      persisted_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (request_id, job_name, chunk_index)
    )`
  yield* sql`
    CREATE TABLE triage_chunk_findings (
      id text PRIMARY KEY,
      request_id text NOT NULL,
      job_name text NOT NULL,
      chunk_index integer NOT NULL,
      finding jsonb NOT NULL
    )`
  yield* sql`CREATE INDEX triage_chunk_findings_chunk_idx ON triage_chunk_findings (request_id, job_name, chunk_index)`
})

/**
 * A chunk's findings move into its own row, as one JSON array: the persist agent writes one row per analysed chunk
 * instead of one per finding (a hundred rows, index entries and jsonb conversions fewer per chunk), and
 * finalization reads the request's rows back in one query. Redelivery still upserts the same row.
 */
export const inlineChunkFindings = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`ALTER TABLE triage_chunks ADD COLUMN findings json NOT NULL DEFAULT '[]'`
  yield* sql`
    UPDATE triage_chunks c SET findings = f.list
    FROM (
      SELECT request_id, job_name, chunk_index, json_agg(finding ORDER BY id) AS list
      FROM triage_chunk_findings GROUP BY request_id, job_name, chunk_index
    ) f
    WHERE f.request_id = c.request_id AND f.job_name = c.job_name AND f.chunk_index = c.chunk_index`
  yield* sql`DROP TABLE triage_chunk_findings`
})
