// The dataset-job tables: jobs, planned tasks, every generation (stored before validation), samples and
// rejections. A task is pending until it has a sample or a rejection. Registered in migrations.ts under the "0300_" keys.
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

export const createDistillTables = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE distill_jobs (
      id text PRIMARY KEY,
      spec jsonb NOT NULL,
      status text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`
  yield* sql`
    CREATE TABLE distill_tasks (
      job_id text NOT NULL,
      task_index integer NOT NULL,
      seed jsonb NOT NULL,
      PRIMARY KEY (job_id, task_index)
    )`
  yield* sql`
    CREATE TABLE distill_attempts (
      job_id text NOT NULL,
      task_index integer NOT NULL,
      attempt integer NOT NULL,
      provider text NOT NULL,
      model text NOT NULL,
      text text NOT NULL,
      finish text NOT NULL,
      prompt_tokens integer NOT NULL,
      completion_tokens integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (job_id, task_index, attempt)
    )`
  // No foreign keys: a per-row RI check doubled the cost of every group commit; deleteJob removes the rows.
  // A sample points at its accepted attempt (the text is stored once); failed verdicts are their own rows.
  // Everything is insert-only: updates joined to a batch made every group
  // commit scan the growing tables.
  yield* sql`
    CREATE TABLE distill_verdicts (
      job_id text NOT NULL,
      task_index integer NOT NULL,
      attempt integer NOT NULL,
      reasons jsonb NOT NULL,
      PRIMARY KEY (job_id, task_index, attempt)
    )`
  yield* sql`
    CREATE TABLE distill_samples (
      job_id text NOT NULL,
      task_index integer NOT NULL,
      id text NOT NULL,
      attempt integer NOT NULL,
      template text NOT NULL,
      PRIMARY KEY (job_id, task_index)
    )`
  yield* sql`
    CREATE TABLE distill_rejections (
      job_id text NOT NULL,
      task_index integer NOT NULL,
      seed jsonb NOT NULL,
      reasons jsonb NOT NULL,
      PRIMARY KEY (job_id, task_index)
    )`
})
