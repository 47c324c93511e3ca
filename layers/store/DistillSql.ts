// DistillRepo over any @effect/sql client speaking the Postgres dialect (embedded PGlite or PostgreSQL).
// Batches travel as one JSON parameter unpacked by jsonb_to_recordset: one round trip per statement.
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Option } from "effect"
import type { Attempt, JobRecord, JobSpec, JobStatus, Rejection, Sample } from "../../src/domain/Distill.js"
import type { StoreError } from "../../src/domain/errors.js"
import { DistillRepo, type DistillRepoShape } from "../../src/services/DistillRepo.js"
import { makePendingReader } from "./distillPending.js"
import { migrate } from "./migrations.js"
import { storeFailure } from "./storeError.js"

type Json = Record<string, unknown>

const millis = (value: unknown): number => new Date(value as string).getTime()
const parsed = <A>(value: unknown): A => (typeof value === "string" ? (JSON.parse(value) as A) : (value as A))

const toJob = (row: Json): JobRecord => ({
  id: String(row["id"]),
  spec: parsed<JobSpec>(row["spec"]),
  status: String(row["status"]) as JobStatus,
  createdAt: millis(row["created_at"]),
  updatedAt: millis(row["updated_at"]),
})

const toAttempt = (jobId: string, row: Json): Attempt => ({
  jobId,
  taskIndex: Number(row["task_index"]),
  attempt: Number(row["attempt"]),
  provider: String(row["provider"]),
  model: String(row["model"]),
  text: String(row["text"]),
  finish: String(row["finish"]) as Attempt["finish"],
  promptTokens: Number(row["prompt_tokens"]),
  completionTokens: Number(row["completion_tokens"]),
  ...(row["reasons"] === null || row["reasons"] === undefined
    ? {}
    : { reasons: parsed<ReadonlyArray<string>>(row["reasons"]) }),
})

/** Models sometimes fence their JSON; the accepted text parsed once already, so this does not fail. */
const answerValue = (text: string): unknown => {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/.exec(text)
  return JSON.parse(fenced?.[1] ?? text) as unknown
}

const toSample = (row: Json): Sample => ({
  id: String(row["id"]),
  jobId: String(row["job_id"]),
  taskIndex: Number(row["task_index"]),
  attempt: Number(row["attempt"]),
  template: String(row["template"]),
  seed: parsed(row["seed"]),
  value: answerValue(String(row["text"])),
  provider: String(row["provider"]),
  model: String(row["model"]),
})

export const makeDistillSql: Effect.Effect<DistillRepoShape, never, SqlClient.SqlClient> = Effect.gen(
  function* () {
    const sql = yield* SqlClient.SqlClient
    const fail = storeFailure
    const json = (rows: ReadonlyArray<unknown>) => JSON.stringify(rows)

    const createJob: DistillRepoShape["createJob"] = (id, spec) =>
      sql<Json>`INSERT INTO distill_jobs (id, spec, status) VALUES (${id}, ${JSON.stringify(spec)}::jsonb, 'planned')
      ON CONFLICT (id) DO NOTHING RETURNING id`.pipe(
        Effect.map((rows) => rows.length > 0),
        Effect.mapError(fail(`record job ${id}`)),
      )

    const getJob: DistillRepoShape["getJob"] = (id) =>
      sql<Json>`SELECT * FROM distill_jobs WHERE id = ${id}`.pipe(
        Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toJob)),
        Effect.mapError(fail(`read job ${id}`)),
      )

    const listJobs: DistillRepoShape["listJobs"] =
      sql<Json>`SELECT * FROM distill_jobs ORDER BY created_at DESC`.pipe(
        Effect.map((rows) => rows.map(toJob)),
        Effect.mapError(fail("list jobs")),
      )

    const setStatus: DistillRepoShape["setStatus"] = (id, status) =>
      sql`UPDATE distill_jobs SET status = ${status}, updated_at = now() WHERE id = ${id}`.pipe(
        Effect.asVoid,
        Effect.mapError(fail(`mark job ${id} ${status}`)),
      )

    const deleteJob: DistillRepoShape["deleteJob"] = (id) =>
      Effect.sync(() => pending.forget(id)).pipe(
        Effect.zipRight(
          Effect.forEach(
            [
              "distill_verdicts",
              "distill_samples",
              "distill_rejections",
              "distill_attempts",
              "distill_tasks",
              "distill_jobs",
            ],
            (table) =>
              table === "distill_jobs"
                ? sql`DELETE FROM distill_jobs WHERE id = ${id}`
                : sql`DELETE FROM ${sql(table)} WHERE job_id = ${id}`,
            { discard: true },
          ),
        ),
        sql.withTransaction,
        Effect.mapError(fail(`delete job ${id}`)),
      )

    const planTasks: DistillRepoShape["planTasks"] = (jobId, tasks) =>
      tasks.length === 0
        ? Effect.void
        : sql`INSERT INTO distill_tasks (job_id, task_index, seed)
          SELECT ${jobId}, t.task_index, t.seed
          FROM jsonb_to_recordset(${json(tasks.map((t) => ({ task_index: t.index, seed: t.seed })))}::jsonb)
            AS t(task_index integer, seed jsonb)
          ON CONFLICT DO NOTHING`.pipe(
            Effect.asVoid,
            Effect.mapError(fail(`plan ${tasks.length} tasks of ${jobId}`)),
          )

    const counts: DistillRepoShape["counts"] = (jobId) =>
      sql<Json>`SELECT
        (SELECT count(*) FROM distill_tasks WHERE job_id = ${jobId}) AS tasks,
        (SELECT count(*) FROM distill_samples WHERE job_id = ${jobId}) AS accepted,
        (SELECT count(*) FROM distill_rejections WHERE job_id = ${jobId}) AS rejected,
        (SELECT count(*) FROM distill_attempts WHERE job_id = ${jobId}) AS attempts`.pipe(
        Effect.map(([row]) => ({
          tasks: Number(row?.["tasks"] ?? 0),
          pending:
            Number(row?.["tasks"] ?? 0) - Number(row?.["accepted"] ?? 0) - Number(row?.["rejected"] ?? 0),
          accepted: Number(row?.["accepted"] ?? 0),
          rejected: Number(row?.["rejected"] ?? 0),
          attempts: Number(row?.["attempts"] ?? 0),
        })),
        Effect.mapError(fail(`count the tasks of ${jobId}`)),
      )

    // One statement for the whole batch: a single statement is atomic without BEGIN/COMMIT round trips, and
    // each table's rows travel as one JSON parameter. A passing verdict is not stored: its sample row is it.
    const pending = makePendingReader(sql, toAttempt)

    const commit: DistillRepoShape["commit"] = (batch) => {
      if (batch.attempts.length + batch.verdicts.length + batch.accepted.length + batch.rejected.length === 0)
        return Effect.void
      const accepted = new Set(batch.accepted.map((s) => `${s.taskIndex}/${s.attempt}`))
      const attempts = batch.attempts.map((a) => ({
        job_id: a.jobId,
        task_index: a.taskIndex,
        attempt: a.attempt,
        provider: a.provider,
        model: a.model,
        text: a.text,
        finish: a.finish,
        prompt_tokens: a.promptTokens,
        completion_tokens: a.completionTokens,
      }))
      const verdicts = batch.verdicts
        .filter((v) => v.reasons.length > 0 || !accepted.has(`${v.taskIndex}/${v.attempt}`))
        .map((v) => ({ job_id: v.jobId, task_index: v.taskIndex, attempt: v.attempt, reasons: v.reasons }))
      const samples = batch.accepted.map((s) => ({
        job_id: s.jobId,
        task_index: s.taskIndex,
        id: s.id,
        attempt: s.attempt,
        template: s.template,
      }))
      const rejections = batch.rejected.map((r) => ({
        job_id: r.jobId,
        task_index: r.taskIndex,
        seed: r.seed,
        reasons: r.reasons,
      }))
      return sql`WITH
        a AS (INSERT INTO distill_attempts
            (job_id, task_index, attempt, provider, model, text, finish, prompt_tokens, completion_tokens)
          SELECT * FROM jsonb_to_recordset(${json(attempts)}::jsonb) AS r(job_id text, task_index integer,
            attempt integer, provider text, model text, text text, finish text, prompt_tokens integer,
            completion_tokens integer)
          ON CONFLICT DO NOTHING),
        v AS (INSERT INTO distill_verdicts (job_id, task_index, attempt, reasons)
          SELECT * FROM jsonb_to_recordset(${json(verdicts)}::jsonb)
            AS v(job_id text, task_index integer, attempt integer, reasons jsonb)
          ON CONFLICT DO NOTHING),
        s AS (INSERT INTO distill_samples (job_id, task_index, id, attempt, template)
          SELECT * FROM jsonb_to_recordset(${json(samples)}::jsonb) AS s(job_id text, task_index integer,
            id text, attempt integer, template text)
          ON CONFLICT DO NOTHING)
      INSERT INTO distill_rejections (job_id, task_index, seed, reasons)
        SELECT * FROM jsonb_to_recordset(${json(rejections)}::jsonb)
          AS r(job_id text, task_index integer, seed jsonb, reasons jsonb)
        ON CONFLICT DO NOTHING`.pipe(
        Effect.asVoid,
        Effect.mapError(
          fail(`save ${batch.attempts.length} generations and ${batch.verdicts.length} verdicts`),
        ),
      )
    }

    const samples: DistillRepoShape["samples"] = (jobId, afterIndex, limit) =>
      sql<Json>`SELECT s.*, t.seed, a.text, a.provider, a.model FROM distill_samples s
      JOIN distill_tasks t USING (job_id, task_index)
      JOIN distill_attempts a USING (job_id, task_index, attempt)
      WHERE s.job_id = ${jobId} AND s.task_index > ${afterIndex}
      ORDER BY s.task_index LIMIT ${limit}`.pipe(
        Effect.map((rows) => rows.map(toSample)),
        Effect.mapError(fail(`read the samples of ${jobId}`)),
      )

    const rejections: DistillRepoShape["rejections"] = (jobId, afterIndex, limit) =>
      sql<Json>`SELECT * FROM distill_rejections WHERE job_id = ${jobId} AND task_index > ${afterIndex}
      ORDER BY task_index LIMIT ${limit}`.pipe(
        Effect.map((rows) =>
          rows.map((row): Rejection => ({
            jobId,
            taskIndex: Number(row["task_index"]),
            seed: parsed(row["seed"]),
            reasons: parsed(row["reasons"]),
          })),
        ),
        Effect.mapError(fail(`read the rejections of ${jobId}`)),
      )

    const attempts: DistillRepoShape["attempts"] = (jobId, taskIndex) =>
      sql<Json>`SELECT a.*, COALESCE(v.reasons, CASE WHEN s.attempt = a.attempt THEN '[]'::jsonb END) AS reasons
      FROM distill_attempts a LEFT JOIN distill_verdicts v USING (job_id, task_index, attempt)
      LEFT JOIN distill_samples s USING (job_id, task_index)
      WHERE a.job_id = ${jobId} AND a.task_index = ${taskIndex} ORDER BY a.attempt`.pipe(
        Effect.map((rows) => rows.map((row) => toAttempt(jobId, row))),
        Effect.mapError(fail(`read the attempts of task ${taskIndex} of ${jobId}`)),
      )

    const topReasons: DistillRepoShape["topReasons"] = (jobId, limit) =>
      sql<Json>`SELECT reason, count(*) AS n FROM distill_verdicts a, jsonb_array_elements_text(a.reasons) AS reason
      WHERE a.job_id = ${jobId} GROUP BY reason ORDER BY n DESC, reason LIMIT ${limit}`.pipe(
        Effect.map((rows) => rows.map((row) => ({ reason: String(row["reason"]), count: Number(row["n"]) }))),
        Effect.mapError(fail(`count the rejection reasons of ${jobId}`)),
      )

    const findingSeeds: DistillRepoShape["findingSeeds"] = (limit, category) =>
      sql<Json>`SELECT f.job_name, f.category, f.message, f.context, f.lines FROM findings f
      WHERE ${category === undefined ? sql`true` : sql`f.category = ${category}`}
      ORDER BY f.confidence DESC, f.id LIMIT ${limit}`.pipe(
        Effect.map((rows) =>
          rows.map((row) => {
            const context = parsed<{ before?: ReadonlyArray<string>; after?: ReadonlyArray<string> }>(
              row["context"],
            )
            const lines = [
              ...(context.before ?? []),
              ...parsed<ReadonlyArray<string>>(row["lines"]),
              ...(context.after ?? []),
            ]
            return {
              log: lines.join("\n"),
              job: String(row["job_name"]),
              category: String(row["category"]),
              message: String(row["message"]),
            }
          }),
        ),
        Effect.mapError(fail("read past findings")),
      )

    return {
      createJob,
      getJob,
      listJobs,
      setStatus,
      deleteJob,
      planTasks,
      counts,
      pendingTasks: (jobId, afterIndex, limit) =>
        pending
          .pendingTasks(jobId, afterIndex, limit)
          .pipe(Effect.mapError(fail(`read the pending tasks of ${jobId}`))),
      commit,
      samples,
      rejections,
      attempts,
      topReasons,
      findingSeeds,
    }
  },
)

/** DistillRepo on the SqlClient in context, after bringing the schema up to date. */
export const DistillSqlLive: Layer.Layer<DistillRepo, StoreError, SqlClient.SqlClient> = Layer.effect(
  DistillRepo,
  Effect.zipRight(migrate, makeDistillSql),
)
