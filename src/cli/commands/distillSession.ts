// Running or resuming a dataset job from the CLI: the store and providers it needs, the live dashboard on
// a terminal (or a progress line on stderr), pause requests from other processes, and the closing summary.
import { Console, Effect, Layer, Option } from "effect"
import { jobProviderLayer } from "../../../pipelines/distill/providers.js"
import { clearPause, pausePoll } from "../../../pipelines/distill/control.js"
import { JobProgress, progressLine } from "../../../pipelines/distill/progress.js"
import { runJob, type JobOutcome } from "../../../pipelines/distill/run.js"
import { DistillSqlLive } from "../../../layers/store/DistillSql.js"
import { defaultDataDir, sqlClientLayer } from "../../../layers/store/index.js"
import { DistillError, type JobSpec } from "../../domain/Distill.js"
import { DistillRepo } from "../../services/DistillRepo.js"
import { LanguageModelStats, type ProviderStats } from "../../services/LanguageModel.js"
import { databaseUrl } from "../options.js"
import { loadUi } from "../../ui/load.js"
import { esmImport } from "../../../pipelines/esmImport.js"

export const resolveDataDir = (dataDir: Option.Option<string>): string =>
  Option.getOrElse(dataDir, () => defaultDataDir(process.env))

/** The DistillRepo on PostgreSQL when DATABASE_URL is set, else on the embedded store in the data dir. */
export const distillStore = (dataDir: string) =>
  Layer.unwrapEffect(
    Effect.map(databaseUrl, (url) =>
      DistillSqlLive.pipe(
        Layer.provide(sqlClientLayer({ databaseUrl: Option.getOrUndefined(url), dataDir })),
      ),
    ),
  )

const summary = (outcome: JobOutcome, spec: JobSpec): string => {
  const { counts } = outcome
  const short =
    outcome.status === "done" && counts.accepted < spec.target
      ? ` (short of ${spec.target}: too many rejections)`
      : ""
  const repaired =
    outcome.reconciled.tornBytes > 0 || outcome.reconciled.appended > 0
      ? `\noutput repaired: ${outcome.reconciled.tornBytes} torn bytes cut, ${outcome.reconciled.appended} stored samples appended`
      : ""
  const next =
    outcome.status === "paused" ? `\npaused: destill distill resume ${outcome.jobId} continues it` : ""
  return `${outcome.jobId}: ${outcome.status}${short} — ${counts.accepted} accepted, ${counts.rejected} rejected, ${counts.attempts} generations → ${spec.output}${repaired}${next}`
}

/** Run a recorded job to its end (or a pause), showing progress, then print one summary line. */
export const runRecordedJob = (jobId: string, spec: JobSpec, dataDir: string, live: boolean) =>
  Effect.gen(function* () {
    const repo = yield* DistillRepo
    const stats = yield* LanguageModelStats
    const progress = new JobProgress(jobId, spec.target)
    let held = false
    let stopAsked = false
    let providers: ReadonlyArray<ProviderStats> = yield* stats.current
    yield* stats.current.pipe(
      Effect.tap((current) => Effect.sync(() => (providers = current))),
      Effect.zipRight(Effect.sleep("250 millis")),
      Effect.forever,
      Effect.forkScoped,
    )
    yield* clearPause(dataDir, jobId)
    const pauseRequested = Effect.map(pausePoll(repo, dataDir, jobId), (asked) => asked || stopAsked)
    if (live) {
      const attemptsOf = (taskIndex: number) =>
        Effect.runPromise(Effect.orElseSucceed(repo.attempts(jobId, taskIndex), () => []))
      // Ink and React load only for the dashboard: plain runs start faster without them.
      const [{ render }, { createElement }, { Dashboard }] = yield* Effect.promise(() =>
        loadUi(() =>
          Promise.all([
            esmImport<typeof import("ink")>("ink"),
            esmImport<typeof import("react")>("react"),
            import("../../ui/distill/Dashboard.js"),
          ]),
        ),
      )
      const ink = render(
        createElement(Dashboard, {
          progress,
          providers: () => providers,
          attemptsOf,
          togglePause: () => (held = !held),
          stop: () => {
            stopAsked = true
          },
        }),
        { stdout: process.stderr, exitOnCtrlC: false },
      )
      yield* Effect.addFinalizer(() => Effect.sync(() => ink.unmount()))
    } else {
      yield* Effect.sync(() => process.stderr.write(`${progressLine(progress)}\n`)).pipe(
        Effect.zipRight(Effect.sleep("2 seconds")),
        Effect.forever,
        Effect.forkScoped,
      )
    }
    const outcome = yield* runJob(jobId, { progress, pauseRequested, held: () => held }).pipe(
      Effect.onInterrupt(() => Effect.ignore(repo.setStatus(jobId, "paused"))),
    )
    if (!live) yield* Effect.sync(() => process.stderr.write(`${progressLine(progress)}\n`))
    yield* Console.log(summary(outcome, spec))
  }).pipe(Effect.scoped, Effect.provide(jobProviderLayer(spec)))

/** The recorded spec of a job, or a clear error naming how to find the jobs. */
export const recordedSpec = (jobId: string) =>
  Effect.flatMap(DistillRepo, (repo) => repo.getJob(jobId)).pipe(
    Effect.flatMap(
      Option.match({
        onNone: () =>
          Effect.fail(
            new DistillError({ message: `no job named ${jobId}: destill distill status lists the jobs` }),
          ),
        onSome: (job) => Effect.succeed(job.spec),
      }),
    ),
  )
