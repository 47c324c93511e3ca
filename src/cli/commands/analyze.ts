// `destill analyze <log>`: triage one log (file, stdin or gzip) and print its ranked findings.
import { randomUUID } from "node:crypto"
import { findBaselineBuildkite, isBuildkiteUrl } from "../../../layers/source/buildkite.js"
import { findBaselineGitHub, isGitHubActionsUrl } from "../../../layers/source/github.js"
import { readBaseline } from "../../../pipelines/triage/baseline.js"
import { Args, Command, Options } from "@effect/cli"
import { Config, Console, Effect, Fiber, Layer, Option, Ref } from "effect"
import { makeProgress, runTriage, type TriageResult } from "../../../pipelines/triage/run.js"
import { defaultScoringThreads } from "../../../pipelines/triage/scoringThreads.js"
import type { Finding } from "../../domain/Finding.js"
import { reportProgress } from "../../ui/progressLine.js"
import { headerText } from "../format/text.js"
import { JobOutcome, Request, RequestId } from "../../domain/Request.js"
import { LogSource } from "../../services/LogSource.js"
import { defaultSplitLimits } from "../../triage/split.js"
import { layer as logSourceLayer } from "../../../layers/source/index.js"
import { localBroker } from "../layers.js"
import { dataDir, formatOrLive, noStore } from "../options.js"
import { printReport } from "../output.js"
import { checkRange, InvalidOption } from "../errors.js"
import type { InputError } from "../../domain/errors.js"
import { analyzeWait, distributedOr } from "./submit.js"
import {
  analyzeStoreLayer,
  attempts,
  explain,
  explainFindings,
  model,
  noRedact,
  explainedNotice,
  printInsightsAfterLiveView,
  provider,
} from "./analyzeExplain.js"
import { loadUi } from "../../ui/load.js"

const log = Args.text({ name: "log" }).pipe(
  Args.withDescription(
    "The log to triage: a file (plain or .gz), - for standard input, an http(s) URL of a raw log, a Buildkite build URL or a GitHub Actions run/job URL.",
  ),
)

const top = Options.integer("top").pipe(
  Options.withAlias("n"),
  Options.withDefault(10),
  Options.withDescription("How many findings to show."),
)

const context = Options.integer("context").pipe(
  Options.withAlias("C"),
  Options.withDefault(3),
  Options.withDescription("Lines of context to keep before and after each finding."),
)

const outcome = Options.choice("outcome", JobOutcome.literals).pipe(
  Options.withDefault("failed" as JobOutcome),
  Options.withDescription("How the job ended: failed lifts scores, passed lowers them, unknown leaves them."),
)

const minConfidence = Options.float("min-confidence").pipe(
  Options.withDefault(0),
  Options.withDescription("Hide findings below this confidence (0–1)."),
)

const maxLineMb = Options.integer("max-line-mb").pipe(
  Options.withDefault(8),
  Options.withDescription("Reject input with a line longer than this many MiB (it is not a log)."),
)

const quiet = Options.boolean("quiet").pipe(
  Options.withAlias("q"),
  Options.withFallbackConfig(Config.boolean("DESTILL_QUIET")),
  Options.withDescription("No progress lines on stderr during long runs (or DESTILL_QUIET=1)."),
)

const baseline = Options.text("baseline").pipe(
  Options.optional,
  Options.withDescription(
    "A passing build's log to compare with (file, -, URL), or auto: the last passing build of the same Buildkite pipeline or GitHub workflow and branch. Lines it also printed lose confidence; new ones gain.",
  ),
)

const jobs = Options.integer("jobs").pipe(
  Options.withAlias("j"),
  Options.withDefault(defaultScoringThreads()),
  Options.withDescription(
    "Worker threads scoring chunks (default: the number of cores, at most 4; 0 = none).",
  ),
)

/** `--baseline auto` asks the CI system for the last passing build of the same pipeline/workflow and branch. */
const resolveBaseline = (
  log: string,
  baseline: string,
): Effect.Effect<string, InputError | InvalidOption> => {
  if (baseline !== "auto") return Effect.succeed(baseline)
  if (isBuildkiteUrl(log)) return findBaselineBuildkite(log)
  if (isGitHubActionsUrl(log)) return findBaselineGitHub(log)
  return Effect.fail(
    new InvalidOption({
      message: "--baseline auto needs a Buildkite or GitHub Actions URL; pass a file for a file",
    }),
  )
}

export const analyzeCommand = Command.make(
  "analyze",
  {
    log,
    format: formatOrLive,
    top,
    context,
    outcome,
    minConfidence,
    noStore,
    dataDir,
    maxLineMb,
    jobs,
    quiet,
    explain,
    provider,
    model,
    noRedact,
    attempts,
    wait: analyzeWait,
    baseline,
  },
  (args) =>
    distributedOr(
      args,
      Effect.gen(function* () {
        yield* checkRange("top", args.top, 1, 10_000)
        yield* checkRange("context", args.context, 0, 100)
        yield* checkRange("min-confidence", args.minConfidence, 0, 1)
        yield* checkRange("max-line-mb", args.maxLineMb, 1, 1024)
        yield* checkRange("jobs", args.jobs, 0, 64)
        const sources = yield* LogSource
        const source = yield* sources.resolve(args.log, { outcome: args.outcome })
        const request = new Request({
          id: RequestId.make(randomUUID()),
          source: args.log,
          buildId: source.buildId,
          outcome: args.outcome,
          createdAt: Date.now(),
          options: { top: args.top, context: args.context, minConfidence: args.minConfidence },
        })
        const baselineTemplates = Option.isSome(args.baseline)
          ? yield* resolveBaseline(args.log, args.baseline.value).pipe(
              Effect.flatMap((reference) => sources.resolve(reference, { outcome: "passed" })),
              Effect.flatMap(readBaseline),
            )
          : undefined
        // No --format on a terminal: the live view, then the browser. Anywhere else: a report, progress on stderr.
        const live = Option.isNone(args.format) && process.stdout.isTTY === true
        // the running top list costs a re-rank every 200 ms: only the live view shows it
        const progress = {
          ...(yield* makeProgress),
          ...(live ? { live: yield* Ref.make<ReadonlyArray<Finding>>([]) } : {}),
        }
        const triage = runTriage(request, source, {
          ...(baselineTemplates ? { baseline: baselineTemplates } : {}),
          analyzeThreads: args.jobs,
          splitLimits: { ...defaultSplitLimits, maxLineBytes: args.maxLineMb * 1024 * 1024 },
          progress,
        })
        const reportOf = (result: TriageResult) => ({
          requestId: request.id,
          source: request.source,
          stats: result.stats,
          findings: result.findings,
          warnings: result.warnings,
        })
        if (live) {
          // Ink and React load only when a person is watching: plain runs start faster without them.
          const { runLiveAnalysis } = yield* Effect.promise(() => loadUi(() => import("../../ui/session.js")))
          const { result, explained } = yield* runLiveAnalysis({
            source: args.log,
            progress,
            run: triage,
            title: (r) => headerText(reportOf(r)),
            ...(args.explain ? { explain: (r) => explainFindings(request.id, r.findings, args) } : {}),
          })
          for (const notice of source.notices ?? []) yield* Console.error(`destill: note: ${notice}`)
          for (const w of result.warnings) yield* Console.error(`destill: warning: ${w}`)
          if (explained) yield* explainedNotice(explained)
          yield* printInsightsAfterLiveView(explained?.insights)
          return
        }
        const reporter = args.quiet
          ? undefined
          : yield* Effect.fork(reportProgress(progress, (line) => Console.error(line)))
        const result = yield* triage.pipe(Effect.ensuring(reporter ? Fiber.interrupt(reporter) : Effect.void))
        for (const notice of source.notices ?? []) yield* Console.error(`destill: note: ${notice}`)
        const explained = yield* explainFindings(request.id, result.findings, args)
        yield* explainedNotice(explained)
        yield* printReport(
          { ...reportOf(result), ...explained },
          Option.getOrElse(args.format, () => "text" as const),
        )
      }).pipe(Effect.provide(Layer.mergeAll(localBroker, logSourceLayer, analyzeStoreLayer(args)))),
    ),
).pipe(Command.withDescription("Find, rank and show the lines that explain why a build failed."))
