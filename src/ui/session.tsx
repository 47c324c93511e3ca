// The Effect edge of the terminal views: mounts Ink, feeds it sampled progress, and ties its keys to the run.
import { render } from "ink"
import type { ReactElement } from "react"
import { Clock, Effect, Exit, Fiber, Ref, Schedule } from "effect"
import type { TriageProgress, TriageResult } from "../../pipelines/triage/run.js"
import type { Insight } from "../domain/Insight.js"
import type { InsightState } from "./InsightPanel.js"
import { AnalyzeApp, type AnalyzeState } from "./AnalyzeApp.js"
import { openKeyboard } from "./keyboard.js"
import { LiveFeed } from "./LiveFeed.js"
import { knownTotal } from "./progressLine.js"
import { type OpenedRequest, ViewApp } from "./ViewApp.js"
import type { RequestSummary } from "./RequestList.js"

/** Mounts an Ink app for the scope's life; on release the terminal is restored (raw mode off, cursor back). */
const mount = (app: (interactive: boolean) => ReactElement) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const keyboard = openKeyboard()
      const interactive = keyboard.stream !== undefined
      const ink = render(app(interactive), {
        ...(keyboard.stream ? { stdin: keyboard.stream } : {}),
        exitOnCtrlC: false,
        patchConsole: false,
      })
      return { ink, interactive, keyboard }
    }),
    ({ ink, keyboard }, exit) =>
      Effect.sync(() => {
        // A failed or cancelled run leaves no half-drawn view behind its one-line message.
        if (Exit.isFailure(exit)) ink.clear()
        ink.unmount()
        ink.cleanup()
        keyboard.close()
      }),
  )

/** What `--explain` made of a run: its insight, or why there is none. */
export interface LiveExplanation {
  readonly insights?: ReadonlyArray<Insight>
  readonly unavailable?: string
}

const insightStateOf = (explained: LiveExplanation): InsightState | undefined => {
  const insight = explained.insights?.[0]
  if (insight) return { _tag: "Ready", insight }
  return explained.unavailable === undefined
    ? undefined
    : { _tag: "Unavailable", reason: explained.unavailable }
}

/**
 * Runs a triage under the live view; when it ends the view becomes the browser until the user quits. Ctrl-C (or
 * q) interrupts the run, which then records the request as cancelled; the interruption is what this returns.
 * With `explain`, the insight is made while the browser is open and appears at its top when it is ready.
 */
export const runLiveAnalysis = <E, R, X extends LiveExplanation = LiveExplanation, RX = never>(options: {
  readonly source: string
  readonly progress: TriageProgress
  readonly run: Effect.Effect<TriageResult, E, R>
  readonly title: (result: TriageResult) => string
  readonly explain?: (result: TriageResult) => Effect.Effect<X, never, RX>
}) =>
  Effect.gen(function* () {
    const started = yield* Clock.currentTimeMillis
    const feed = new LiveFeed<AnalyzeState>({
      phase: "running",
      snapshot: {
        source: options.source,
        elapsedMs: 0,
        bytes: 0,
        lines: 0,
        chunks: 0,
        chunksScored: 0,
        top: [],
      },
    })
    const fiber = yield* Effect.fork(options.run)
    const cancel = () => void Effect.runFork(Fiber.interrupt(fiber))
    const { ink, interactive } = yield* mount((interactive) => (
      <AnalyzeApp feed={feed} onCancel={cancel} interactive={interactive} />
    ))
    const sample = Effect.gen(function* () {
      const ingest = yield* Ref.get(options.progress.ingest)
      const collect = yield* Ref.get(options.progress.collect)
      const top = options.progress.live ? yield* Ref.get(options.progress.live) : []
      const total = knownTotal(ingest)
      feed.set({
        phase: "running",
        snapshot: {
          source: options.source,
          elapsedMs: (yield* Clock.currentTimeMillis) - started,
          bytes: ingest.bytes,
          ...(total === undefined ? {} : { expectedBytes: total }),
          lines: ingest.lines,
          chunks: ingest.chunks,
          chunksScored: collect.chunksDone,
          top,
        },
      })
    })
    // The view samples at its own pace; Ink throttles repaints further.
    const sampler = yield* Effect.fork(Effect.repeat(sample, Schedule.spaced("100 millis")))
    const exit = yield* Fiber.await(fiber)
    yield* Fiber.interrupt(sampler)
    if (Exit.isFailure(exit)) return yield* Effect.failCause(exit.cause)
    const done = { phase: "done", title: options.title(exit.value), findings: exit.value.findings } as const
    if (!options.explain) {
      feed.set(done)
      if (interactive) yield* Effect.promise(() => ink.waitUntilExit())
      return { result: exit.value, explained: undefined }
    }
    feed.set({ ...done, insight: { _tag: "Explaining", by: "the model" } })
    const explaining = yield* Effect.fork(
      Effect.tap(options.explain(exit.value), (explained) =>
        Effect.sync(() => {
          const insight = insightStateOf(explained)
          feed.set(insight ? { ...done, insight } : done)
        }),
      ),
    )
    if (interactive) yield* Effect.promise(() => ink.waitUntilExit())
    // Quitting before the insight came does not lose it: it is printed below the view when it is ready.
    const explained = yield* Fiber.join(explaining)
    return { result: exit.value, explained }
  }).pipe(Effect.scoped)

/** `destill view` on a terminal: the list of requests (or one request's findings) until the user quits. */
export const runBrowser = (options: {
  readonly requests: ReadonlyArray<RequestSummary>
  readonly open: (id: string) => Promise<OpenedRequest>
  readonly initial?: OpenedRequest
}) =>
  Effect.gen(function* () {
    const { ink, interactive } = yield* mount(() => (
      <ViewApp
        requests={options.requests}
        open={options.open}
        {...(options.initial ? { initial: options.initial } : {})}
      />
    ))
    if (interactive) yield* Effect.promise(() => ink.waitUntilExit())
  }).pipe(Effect.scoped)
