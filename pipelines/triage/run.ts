// A whole local triage run: ingest, analyze agents and the collector as fibers over the Broker, then the store.
import { Cause, Clock, Deferred, Effect, Exit, Fiber, Ref } from "effect"
import type { ChunkFindings, Finding } from "../../src/domain/Finding.js"
import type { Request } from "../../src/domain/Request.js"
import type { RunStats } from "../../src/domain/Stats.js"
import type { ResolvedSource } from "../../src/services/LogSource.js"
import { Store } from "../../src/services/Store.js"
import type { FindingRanker } from "../../src/triage/rank.js"
import type { BaselineTemplates } from "../../src/triage/baseline.js"
import { analyzeAgent } from "./analyze.js"
import { rerankWithBaseline } from "./baseline.js"
import { type CollectProgress, collectFindings } from "./collect.js"
import { emptyProgress, type IngestOptions, type IngestProgress, ingestRequest } from "./ingest.js"

export interface TriageResult {
  readonly request: Request
  readonly stats: RunStats
  readonly findings: ReadonlyArray<Finding>
  readonly warnings: ReadonlyArray<string>
}

/** What a running triage exposes for progress displays; reading it never slows the pipeline. */
export interface TriageProgress {
  readonly ingest: Ref.Ref<IngestProgress>
  readonly collect: Ref.Ref<CollectProgress>
  /** The current top findings while chunks are scored (sampled, so the live view never slows the collector). */
  readonly live?: Ref.Ref<ReadonlyArray<Finding>>
}

export interface TriageRunOptions extends IngestOptions {
  /** Worker threads scoring chunks (0: on this thread). Twice as many chunks are kept in flight. */
  readonly analyzeThreads?: number
  readonly progress?: TriageProgress
  /** Templates of a passing build: findings it shares lose confidence, new ones gain. */
  readonly baseline?: BaselineTemplates
}

export const makeProgress = Effect.all({
  ingest: Ref.make(emptyProgress),
  collect: Ref.make<CollectProgress>({ chunksDone: 0, findings: 0 }),
})

const warningsOf = (p: IngestProgress): Array<string> => [
  ...(p.invalidSequences > 0
    ? [`${p.invalidSequences} invalid UTF-8 sequence(s) were replaced with U+FFFD`]
    : []),
  ...(p.truncatedLines > 0 ? [`${p.truncatedLines} very long line(s) were cut for display`] : []),
]

/** Re-ranks into `live` at most every `everyMs`: UI updates may be dropped, findings never are (the fold keeps them). */
const sampleRanking = (
  live: Ref.Ref<ReadonlyArray<Finding>>,
  options: Request["options"],
  everyMs: number,
) => {
  let last = Number.NEGATIVE_INFINITY
  return (_batch: ChunkFindings, ranker: FindingRanker) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      if (now - last < everyMs) return Effect.void
      last = now
      return Ref.set(live, ranker.ranked({ top: options.top, minConfidence: options.minConfidence }))
    })
}

/**
 * Chunks in flight per scoring thread in a local run: ~35 ms of queued work for each thread, so they keep busy while
 * the reading thread pauses (a young-generation collection takes it ~10 ms, and with three busy threads on two
 * cores the OS runs it late). With two per thread they went idle often enough to cost ~2 % of the wall time per
 * CPU-second (GNU time, interleaved pairs); the memory is one chunk buffer each (~0.5 MB).
 */
const CHUNKS_PER_THREAD = 8

const reasonOf = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  const message = error instanceof Error ? error.message : String(error)
  return message.split("\n")[0] ?? message
}

/**
 * Runs one request end to end in this process. The request is recorded as running first; it becomes complete only
 * after its findings are written, and failed (with the reason) if anything fails or the run is interrupted.
 */
export const runTriage = (request: Request, source: ResolvedSource, options: TriageRunOptions = {}) =>
  Effect.gen(function* () {
    const store = yield* Store
    const started = yield* Clock.currentTimeMillis
    const progress: TriageProgress = options.progress ?? (yield* makeProgress)

    const work = Effect.gen(function* () {
      const expected = yield* Deferred.make<number>()
      const onBatch = progress.live && sampleRanking(progress.live, request.options, 200)
      const collector = yield* Effect.fork(collectFindings(request.id, expected, progress.collect, onBatch))
      const analyzing = yield* Effect.forkScoped(
        analyzeAgent({
          group: "destill-analyze",
          concurrency: Math.max(1, CHUNKS_PER_THREAD * (options.analyzeThreads ?? 0)),
          threads: options.analyzeThreads ?? 0,
          // the collector below is the only reader, and ranks by numbers: texts are unpacked for what it returns
          packedTexts: true,
        }),
      )
      // in-process: chunks stay in shared memory, decoded by the thread that scores them
      const ingestAndCollect = Effect.gen(function* () {
        const ingested = yield* ingestRequest(request, source, progress.ingest, {
          transport: "shared",
          ...options,
        })
        yield* Deferred.succeed(expected, ingested.chunks)
        return { ingested, ranker: yield* Fiber.join(collector) }
      })
      // The analyze agent runs until the scope closes. Should it stop first, ingest would wait on a full topic and
      // the collector on findings that never come: the run fails instead.
      const { ingested, ranker } = yield* Effect.raceFirst(
        ingestAndCollect,
        Effect.zipRight(
          Fiber.join(analyzing),
          Effect.dieMessage("the analyze stage stopped before every chunk was scored"),
        ),
      )
      const wanted = { top: request.options.top, minConfidence: request.options.minConfidence }
      const findings = options.baseline
        ? rerankWithBaseline(
            ranker.ranked({ top: Math.max(200, wanted.top * 5), minConfidence: 0 }),
            options.baseline,
            wanted,
          )
        : ranker.ranked(wanted)
      if (progress.live) yield* Ref.set(progress.live, findings)
      const finished = yield* Clock.currentTimeMillis
      const stats: RunStats = {
        lines: ingested.lines,
        bytes: ingested.bytes,
        chunks: ingested.chunks,
        durationMs: finished - started,
      }
      yield* store.saveFindings(findings)
      yield* store.finishRequest(request.id, "complete", { stats })
      return { request, stats, findings, warnings: warningsOf(ingested) } satisfies TriageResult
    }).pipe(Effect.scoped)

    // Writing the request and arming what finishes it are one step: an interrupt (Ctrl-C) that lands while the row
    // is being written waits for the write, then finds the handler in place, so no request is left running.
    return yield* Effect.uninterruptibleMask((restore) =>
      Effect.zipRight(store.createRequest(request), restore(work)),
    ).pipe(
      Effect.onExit((exit) => {
        if (Exit.isSuccess(exit)) return Effect.void
        const cancelled = Cause.isInterruptedOnly(exit.cause)
        const error = cancelled ? "interrupted" : reasonOf(exit.cause)
        return store
          .finishRequest(request.id, cancelled ? "cancelled" : "failed", { error })
          .pipe(Effect.ignore)
      }),
    )
  })
