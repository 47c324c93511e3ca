// `destill distill run|resume|status|pause|export|rejections|templates`: validated fine-tuning datasets
// from teacher models, as resumable jobs.
import { Args, Command, Options } from "@effect/cli"
import { Console, Effect, Either, Option } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { requestPause } from "../../../pipelines/distill/control.js"
import { anchorPaths } from "../../../pipelines/distill/providers.js"
import { submitJob } from "../../../pipelines/distill/run.js"
import { DistillError, JobFileError } from "../../domain/Distill.js"
import { exportFormats, exportLine } from "../../distill/exportFormat.js"
import { resolveTemplate } from "../../distill/plan.js"
import { builtinTemplates } from "../../distill/templates.js"
import { DistillRepo } from "../../services/DistillRepo.js"
import { dataDir } from "../options.js"
import { distillStore, recordedSpec, resolveDataDir, runRecordedJob } from "./distillSession.js"

const jobArg = Args.text({ name: "job" }).pipe(Args.withDescription("The job's name (from its job file)."))
const json = Options.boolean("json").pipe(Options.withDescription("Print JSON instead of text."))
const noDashboard = Options.boolean("no-dashboard").pipe(
  Options.withDescription("Write a progress line to stderr instead of the live dashboard."),
)
const live = (disabled: boolean) => !disabled && process.stderr.isTTY === true && process.stdin.isTTY === true

const readJobFile = (file: string) =>
  Effect.try({
    try: () => fs.readFileSync(file, "utf8"),
    catch: (error) =>
      new JobFileError({
        message: `cannot read the job file ${file}: ${error instanceof Error ? error.message : String(error)}`,
      }),
  }).pipe(
    // The YAML parser loads only for a job file: other commands start without it.
    Effect.zip(Effect.promise(() => import("../../distill/jobFile.js"))),
    Effect.flatMap(([text, { parseJobFile }]) =>
      Either.match(parseJobFile(text, file), { onLeft: Effect.fail, onRight: Effect.succeed }),
    ),
    Effect.map((spec) => anchorPaths(spec, path.dirname(path.resolve(file)))),
  )

const run = Command.make(
  "run",
  {
    file: Args.file({ name: "job-file", exists: "yes" }).pipe(
      Args.withDescription("The job, as YAML or JSON."),
    ),
    restart: Options.boolean("restart").pipe(
      Options.withDescription("Drop a job of the same name (its state and output) and start over."),
    ),
    noDashboard,
    dataDir,
  },
  (args) =>
    Effect.gen(function* () {
      const spec = yield* readJobFile(args.file)
      const dir = resolveDataDir(args.dataDir)
      yield* Effect.gen(function* () {
        const { jobId } = yield* submitJob(spec, { restart: args.restart })
        yield* runRecordedJob(jobId, spec, dir, live(args.noDashboard))
      }).pipe(Effect.provide(distillStore(dir)))
    }),
).pipe(
  Command.withDescription("Plan a dataset job from its file and run it; the same file again continues it."),
)

const resume = Command.make("resume", { job: jobArg, noDashboard, dataDir }, (args) => {
  const dir = resolveDataDir(args.dataDir)
  return Effect.gen(function* () {
    const spec = yield* recordedSpec(args.job)
    yield* runRecordedJob(args.job, spec, dir, live(args.noDashboard))
  }).pipe(Effect.provide(distillStore(dir)))
}).pipe(Command.withDescription("Continue a stopped, paused or crashed job where it left off."))

const pause = Command.make("pause", { job: jobArg, dataDir }, (args) =>
  Effect.gen(function* () {
    yield* requestPause(resolveDataDir(args.dataDir), args.job)
    yield* Console.log(
      `asked ${args.job} to pause: it finishes the tasks in flight and stops; destill distill resume ${args.job} continues it`,
    )
  }),
).pipe(Command.withDescription("Ask a running job to stop after the tasks in flight."))

const status = Command.make("status", { job: jobArg.pipe(Args.optional), json, dataDir }, (args) =>
  Effect.gen(function* () {
    const repo = yield* DistillRepo
    const jobs = Option.isSome(args.job)
      ? [...Option.toArray(yield* repo.getJob(args.job.value))]
      : yield* repo.listJobs
    if (Option.isSome(args.job) && jobs.length === 0)
      return yield* new DistillError({
        message: `no job named ${args.job.value}: destill distill status lists the jobs`,
      })
    const rows = yield* Effect.forEach(jobs, (job) =>
      Effect.map(repo.counts(job.id), (counts) => ({
        job: job.id,
        status: job.status,
        template: typeof job.spec.template === "string" ? job.spec.template : "custom",
        target: job.spec.target,
        ...counts,
        output: job.spec.output,
        updatedAt: new Date(job.updatedAt).toISOString(),
      })),
    )
    const reasons = Option.isSome(args.job) ? yield* repo.topReasons(args.job.value, 5) : []
    if (args.json)
      return yield* Console.log(
        JSON.stringify(Option.isSome(args.job) ? { ...rows[0], topReasons: reasons } : rows, null, 2),
      )
    if (rows.length === 0)
      return yield* Console.log("no dataset jobs yet: destill distill run <job.yaml> starts one")
    for (const r of rows) {
      yield* Console.log(
        `${r.job.padEnd(20)} ${r.status.padEnd(8)} ${r.template.padEnd(10)} ${r.accepted}/${r.target} accepted, ${r.rejected} rejected, ${r.pending} pending, ${r.attempts} generations  ${r.output}`,
      )
    }
    for (const { reason, count } of reasons)
      yield* Console.log(`  ${String(count).padStart(5)}× ${reason.slice(0, 140)}`)
  }).pipe(Effect.provide(distillStore(resolveDataDir(args.dataDir)))),
).pipe(Command.withDescription("Show the dataset jobs, or one job's counts and top rejection reasons."))

const exportCommand = Command.make(
  "export",
  {
    job: jobArg,
    format: Options.choice("format", exportFormats).pipe(
      Options.withAlias("f"),
      Options.withDefault("jsonl" as const),
      Options.withDescription(
        "jsonl (the job's own lines), chatml (messages), or alpaca (instruction/input/output).",
      ),
    ),
    output: Options.file("output").pipe(
      Options.withAlias("o"),
      Options.optional,
      Options.withDescription("Write here instead of stdout."),
    ),
    dataDir,
  },
  (args) =>
    Effect.gen(function* () {
      const repo = yield* DistillRepo
      const spec = yield* recordedSpec(args.job)
      const template = yield* Either.match(resolveTemplate(spec), {
        onLeft: Effect.fail,
        onRight: Effect.succeed,
      })
      const target = Option.getOrUndefined(args.output)
      if (target !== undefined) fs.writeFileSync(target, "")
      let after = -1
      let written = 0
      for (;;) {
        const page = yield* repo.samples(args.job, after, 2_000)
        if (page.length === 0) break
        after = page[page.length - 1]!.taskIndex
        const text = page.map((sample) => exportLine(template, sample, args.format)).join("\n") + "\n"
        if (target === undefined) yield* Effect.sync(() => process.stdout.write(text))
        else fs.appendFileSync(target, text)
        written += page.length
      }
      if (target !== undefined)
        yield* Console.error(`${written} samples written to ${target} as ${args.format}`)
    }).pipe(Effect.provide(distillStore(resolveDataDir(args.dataDir)))),
).pipe(Command.withDescription("Write a job's accepted samples as jsonl, chatml or alpaca."))

const rejections = Command.make(
  "rejections",
  {
    job: jobArg,
    limit: Options.integer("limit").pipe(Options.withAlias("n"), Options.withDefault(50)),
    json,
    dataDir,
  },
  (args) =>
    Effect.gen(function* () {
      const repo = yield* DistillRepo
      yield* recordedSpec(args.job)
      const rows = yield* repo.rejections(args.job, -1, args.limit)
      if (args.json) return yield* Console.log(JSON.stringify(rows, null, 2))
      if (rows.length === 0) return yield* Console.log(`${args.job} has no rejected tasks`)
      for (const r of rows) {
        yield* Console.log(`task ${r.taskIndex} ${JSON.stringify(r.seed)}`)
        for (const reason of r.reasons) yield* Console.log(`  ${reason}`)
      }
    }).pipe(Effect.provide(distillStore(resolveDataDir(args.dataDir)))),
).pipe(Command.withDescription("Show the tasks a job rejected, with every attempt's reasons."))

const templates = Command.make("templates", { json }, (args) =>
  args.json
    ? Console.log(
        JSON.stringify(
          builtinTemplates.map((t) => ({ id: t.id, description: t.description, schema: t.schema })),
          null,
          2,
        ),
      )
    : Effect.forEach(builtinTemplates, (t) =>
        Console.log(
          `${t.id} — ${t.description}\n  prompt: ${t.user}\n  schema: ${JSON.stringify(t.schema)}\n`,
        ),
      ).pipe(
        Effect.zipRight(
          Console.log(
            "custom — give template: { schema: <JSON Schema>, system: ..., user: <pattern with {placeholders}>, examples: [{ input, output }] }",
          ),
        ),
      ),
).pipe(Command.withDescription("List the built-in dataset templates with their schemas."))

export const distillCommand = Command.make("distill").pipe(
  Command.withDescription("Distill validated fine-tuning datasets from teacher models, as resumable jobs."),
  Command.withSubcommands([run, resume, status, pause, exportCommand, rejections, templates]),
)
