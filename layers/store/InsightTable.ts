// The insights table (migration "0200_create_insights"): one row per insight, found by request and by the
// hash of its input so identical inputs reuse an accepted answer.
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

export const createInsights = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE insights (
      id text PRIMARY KEY,
      request_id text NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
      status text NOT NULL,
      summary text NOT NULL,
      root_cause text NOT NULL,
      category text NOT NULL,
      evidence jsonb NOT NULL,
      suggested_fix text NOT NULL,
      confidence double precision NOT NULL,
      provider text NOT NULL,
      model text NOT NULL,
      attempts integer NOT NULL,
      reasons jsonb NOT NULL,
      prompt_version text NOT NULL,
      input_hash text NOT NULL,
      prompt jsonb NOT NULL,
      cut jsonb NOT NULL,
      created_at timestamptz NOT NULL
    )`
  yield* sql`CREATE INDEX insights_request_idx ON insights (request_id, created_at DESC)`
  yield* sql`CREATE INDEX insights_input_idx ON insights (input_hash, status, created_at DESC)`
})
