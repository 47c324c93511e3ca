// Reading a job's pending tasks, page by page, with their stored attempts. Tasks are planned with dense
// indexes, so a page is a range of them and every part of the query is bounded by the range, whatever plan
// PGlite (which keeps no statistics) picks. The NOT EXISTS anti-join over the whole job used before let the
// planner scan every sample of the job for every page: quadratic in the job's size.
import type { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"
import type { Attempt } from "../../src/domain/Distill.js"
import type { PendingTask } from "../../src/services/DistillRepo.js"

type Json = Record<string, unknown>

const parsed = <A>(value: unknown): A => (typeof value === "string" ? (JSON.parse(value) as A) : (value as A))

export interface PendingReader {
  readonly pendingTasks: (
    jobId: string,
    afterIndex: number,
    limit: number,
  ) => Effect.Effect<ReadonlyArray<PendingTask>, SqlError>
  /** Drop what is cached about a job whose tasks were deleted. */
  readonly forget: (jobId: string) => void
}

export const makePendingReader = (
  sql: SqlClient.SqlClient,
  toAttempt: (jobId: string, row: Json) => Attempt,
): PendingReader => {
  // The histories (h) are materialised so that a nested loop does not rebuild them once per task.
  const taskRange = (jobId: string, from: number, to: number) =>
    sql<Json>`WITH t AS (
        SELECT task_index, seed FROM distill_tasks
        WHERE job_id = ${jobId} AND task_index >= ${from} AND task_index < ${to}
      ), settled AS (
        SELECT task_index FROM distill_samples
        WHERE job_id = ${jobId} AND task_index >= ${from} AND task_index < ${to}
        UNION ALL
        SELECT task_index FROM distill_rejections
        WHERE job_id = ${jobId} AND task_index >= ${from} AND task_index < ${to}
      ), h AS MATERIALIZED (
        SELECT a.task_index, json_agg(json_build_object('task_index', a.task_index, 'attempt', a.attempt,
            'provider', a.provider, 'model', a.model, 'text', a.text, 'finish', a.finish,
            'prompt_tokens', a.prompt_tokens, 'completion_tokens', a.completion_tokens, 'reasons', v.reasons)
            ORDER BY a.attempt) AS history
        FROM distill_attempts a LEFT JOIN distill_verdicts v
          ON v.job_id = ${jobId} AND v.task_index >= ${from} AND v.task_index < ${to}
            AND v.task_index = a.task_index AND v.attempt = a.attempt
        WHERE a.job_id = ${jobId} AND a.task_index >= ${from} AND a.task_index < ${to}
        GROUP BY a.task_index
      )
    SELECT t.task_index, t.seed, COALESCE(h.history, '[]'::json) AS history
    FROM t LEFT JOIN h USING (task_index)
    WHERE t.task_index NOT IN (SELECT task_index FROM settled)
    ORDER BY t.task_index`

  // The highest task index known to exist, per job: tasks are only ever added (deleteJob forgets the job),
  // so reading pages below it needs no max() query of its own; past it, the store is asked again.
  const knownLast = new Map<string, number>()
  const lastTask = (jobId: string, from: number) => {
    const known = knownLast.get(jobId)
    if (known !== undefined && from <= known) return Effect.succeed(known)
    return sql<Json>`SELECT max(task_index) AS last FROM distill_tasks WHERE job_id = ${jobId}`.pipe(
      Effect.map(([row]) => {
        const last = row?.["last"] === null || row?.["last"] === undefined ? -1 : Number(row["last"])
        knownLast.set(jobId, last)
        return last
      }),
    )
  }

  const toPending = (jobId: string, row: Json): PendingTask => {
    const history = parsed<ReadonlyArray<Json>>(row["history"]).map((a) => toAttempt(jobId, a))
    return {
      jobId,
      index: Number(row["task_index"]),
      seed: parsed(row["seed"]),
      status: "pending",
      attempts: history.length,
      history,
    }
  }

  const pendingTasks: PendingReader["pendingTasks"] = (jobId, afterIndex, limit) =>
    Effect.gen(function* () {
      const found: Array<PendingTask> = []
      // A resumed job may have long settled stretches: walk ranges until the page is full or tasks end.
      for (let from = afterIndex + 1; found.length < limit;) {
        const last = yield* lastTask(jobId, from)
        if (from > last) break
        const to = Math.min(last + 1, from + limit - found.length)
        for (const row of yield* taskRange(jobId, from, to)) found.push(toPending(jobId, row))
        from = to
      }
      return found
    })

  return { pendingTasks, forget: (jobId) => void knownLast.delete(jobId) }
}
