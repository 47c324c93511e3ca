// A dataset job from file to JSONL: record the job, plan its tasks, then settle pending tasks with bounded
// concurrency, topping up for rejected ones until the target is met. Re-running the same job resumes it.
import { Effect, Either, Option } from "effect"
import * as fs from "node:fs"
import { DistillError, type JobCounts, type JobSpec } from "../../src/domain/Distill.js"
import type { StoreError } from "../../src/domain/errors.js"
import { DedupIndex } from "../../src/distill/minhash.js"
import { checkSeeds, resolveTemplate } from "../../src/distill/plan.js"
import { taskSeed } from "../../src/distill/prompt.js"
import { dedupText } from "../../src/distill/validators.js"
import { DistillRepo, type DistillRepoShape } from "../../src/services/DistillRepo.js"
import { LanguageModel } from "../../src/services/LanguageModel.js"
import { settleTask, type TaskContext } from "./generate.js"
import { makeJournal } from "./journal.js"
import { type Reconciled, reconcileOutput } from "./output.js"
import { JobProgress } from "./progress.js"
import { resolveSeeds } from "./seeds.js"
import { settlePending } from "./workers.js"

export interface RunOptions {
  readonly progress?: JobProgress
  /** Polled twice a second: true stops taking new tasks; in-flight ones finish and the job is marked paused. */
  readonly pauseRequested?: Effect.Effect<boolean>
  /** While true, no new task starts (the dashboard's pause key); in-flight tasks finish. */
  readonly held?: () => boolean
}

export interface JobOutcome {
  readonly jobId: string
  readonly status: "done" | "paused"
  readonly counts: JobCounts
  readonly reconciled: Reconciled
}

type Seed = Readonly<Record<string, unknown>>

const planBatch = 1_000
const pageSize = 1_024

/** JSON with sorted keys: the store's jsonb does not keep the file's key order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  )

/** Record the job of a spec. An existing job with the same settings is continued; different settings need restart. */
export const submitJob = (
  spec: JobSpec,
  options: { readonly restart?: boolean } = {},
): Effect.Effect<
  { readonly jobId: string; readonly created: boolean },
  DistillError | StoreError,
  DistillRepo
> =>
  Effect.gen(function* () {
    const repo = yield* DistillRepo
    const jobId = spec.name
    const existing = yield* repo.getJob(jobId)
    if (Option.isSome(existing) && options.restart === true) {
      yield* repo.deleteJob(jobId)
      yield* Effect.sync(() => fs.rmSync(existing.value.spec.output, { force: true }))
    } else if (Option.isSome(existing)) {
      if (canonical(existing.value.spec) !== canonical(spec)) {
        return yield* new DistillError({
          message: `a job named ${jobId} exists with other settings: continue it with destill distill resume ${jobId}, or pass --restart to start it over`,
        })
      }
      return { jobId, created: false }
    }
    yield* repo.createJob(jobId, spec)
    return { jobId, created: true }
  })

/** Plan tasks [from, to) in batches: each is stored before anything is generated for it. */
const planTasks = (
  repo: DistillRepoShape,
  jobId: string,
  seeds: ReadonlyArray<Seed>,
  from: number,
  to: number,
) =>
  Effect.gen(function* () {
    for (let start = from; start < to; start += planBatch) {
      const end = Math.min(to, start + planBatch)
      const tasks = Array.from({ length: end - start }, (_, i) => ({
        index: start + i,
        seed: taskSeed(seeds, start + i),
      }))
      yield* repo.planTasks(jobId, tasks)
    }
  })

/** The samples already accepted, so a resumed job still refuses their duplicates. */
const rebuildDedup = (repo: DistillRepoShape, jobId: string, spec: JobSpec) =>
  Effect.gen(function* () {
    const near = spec.validators?.nearDuplicate
    const dedup = new DedupIndex({
      ...(near === false ? {} : { nearThreshold: near ?? 0.8 }),
      exact: spec.validators?.exactDuplicate ?? true,
    })
    let after = -1
    for (;;) {
      const page = yield* repo.samples(jobId, after, 2_000)
      if (page.length === 0) return dedup
      for (const sample of page) dedup.admit(dedupText(sample.value), sample.taskIndex)
      after = page[page.length - 1]!.taskIndex
    }
  })

export const runJob = (
  jobId: string,
  options: RunOptions = {},
): Effect.Effect<JobOutcome, DistillError | StoreError, DistillRepo | LanguageModel> =>
  Effect.gen(function* () {
    const repo = yield* DistillRepo
    const llm = yield* LanguageModel
    const job = yield* repo.getJob(jobId)
    if (Option.isNone(job)) {
      return yield* new DistillError({
        message: `no job named ${jobId}: destill distill status lists the jobs`,
      })
    }
    const spec = job.value.spec
    const template = yield* Either.match(resolveTemplate(spec), {
      onLeft: Effect.fail,
      onRight: Effect.succeed,
    })
    const seeds = yield* resolveSeeds(spec.seeds, repo)
    yield* Either.match(checkSeeds(template, seeds), { onLeft: Effect.fail, onRight: Effect.succeed })
    const before = yield* repo.counts(jobId)
    const reconciled = yield* reconcileOutput(repo, jobId, spec.output, before.tasks === 0)
    yield* repo.setStatus(jobId, "running")
    yield* planTasks(repo, jobId, seeds, before.tasks, spec.target)

    const progress = options.progress ?? new JobProgress(jobId, spec.target)
    progress.accepted = before.accepted
    progress.rejected = before.rejected
    progress.attempts = before.attempts
    progress.state = "running"
    let pausing = false
    const pauseRequested = options.pauseRequested
    if (pauseRequested !== undefined) {
      yield* pauseRequested.pipe(
        Effect.tap((paused) =>
          Effect.sync(() => {
            if (paused && !pausing) {
              pausing = true
              progress.state = "pausing"
              progress.changed()
            }
          }),
        ),
        Effect.zipRight(Effect.sleep("500 millis")),
        Effect.forever,
        Effect.forkScoped,
      )
    }

    const held = options.held
    const waitWhileHeld =
      held === undefined
        ? Effect.void
        : Effect.sleep("200 millis").pipe(
            Effect.repeat({ while: () => held() && !pausing }),
            Effect.when(held),
          )
    const dedup = yield* rebuildDedup(repo, jobId, spec)
    const journal = yield* makeJournal(repo, spec.output)
    const ctx: TaskContext = { jobId, spec, template, llm, journal, dedup, progress }
    const concurrency = spec.concurrency ?? 8
    // Rejected tasks leave a gap; new tasks fill it, up to twice the target in all so a bad prompt cannot loop.
    const maxTasks = spec.target * 2 + 10

    let counts = before
    for (;;) {
      yield* settlePending({
        page: (after) => repo.pendingTasks(jobId, after, pageSize),
        pageSize,
        concurrency,
        stopping: () => pausing,
        settle:
          held === undefined
            ? (task) => settleTask(ctx, task)
            : (task) => Effect.zipRight(waitWhileHeld, settleTask(ctx, task)),
      })
      yield* journal.flush
      counts = yield* repo.counts(jobId)
      if (pausing) break
      const missing = spec.target - counts.accepted
      if (counts.pending > 0 || missing <= 0 || counts.tasks >= maxTasks) break
      yield* planTasks(repo, jobId, seeds, counts.tasks, Math.min(maxTasks, counts.tasks + missing))
    }
    const status = pausing && counts.pending > 0 ? "paused" : "done"
    yield* repo.setStatus(jobId, status)
    progress.state = status
    progress.changed()
    return { jobId, status, counts, reconciled } satisfies JobOutcome
  }).pipe(
    Effect.scoped,
    Effect.tapError(() =>
      Effect.flatMap(DistillRepo, (repo) => repo.setStatus(jobId, "failed")).pipe(
        Effect.ignore,
        Effect.zipRight(Effect.sync(() => options.progress && (options.progress.state = "failed"))),
      ),
    ),
  )
