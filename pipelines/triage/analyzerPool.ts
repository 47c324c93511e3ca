// Scores chunks on a pool of worker threads when the compiled worker exists, else inline on this thread.
import type { Worker } from "node:worker_threads"
import { Data, Deferred, Effect, FiberId, Scope } from "effect"
import type { ChunkFindings, ChunkFindingsRecord } from "../../src/domain/Finding.js"
import type { LogChunk } from "../../src/domain/LogChunk.js"
import { fromPackedChunkFindings, toChunkFindings } from "../../src/triage/analyzeChunk.js"
import { analyzeChunkFields } from "../../src/triage/chunkAnalysis.js"
import { releaseChunkBuffer } from "../../src/triage/chunkBuffers.js"
import type { PackedChunkFindings } from "../../src/triage/packedFindings.js"
import { scoringThreadFile, spawnScoringThread, takeEarlyThread } from "./scoringThreads.js"

export class AnalyzeFailed extends Data.TaggedError("AnalyzeFailed")<{ readonly message: string }> {}

export interface ChunkAnalyzer {
  /**
   * Hands a chunk to a scoring thread and succeeds at once with the wait for its findings: a caller keeps several
   * chunks in flight without a fiber for each (forking one per chunk cost the main thread ~0.5 ms a chunk).
   */
  readonly start: (chunk: LogChunk) => Effect.Effect<Effect.Effect<ChunkFindings, AnalyzeFailed>>
  readonly threads: number
}

/**
 * Scores a chunk on this thread. Findings keep a few lines of a chunk; in V8 those are slices that pin the whole
 * chunk's text in memory. Copying the (small) result detaches it, so a long log's retained findings never hold its
 * chunks alive. A chunk that came as bytes was decoded line by line: nothing to detach.
 */
const scoreHere = (chunk: LogChunk): Effect.Effect<ChunkFindings, AnalyzeFailed> =>
  Effect.try({
    try: () => {
      const fields = analyzeChunkFields(chunk, { context: chunk.context })
      if (chunk.utf8 === undefined) return toChunkFindings(structuredClone(fields))
      releaseChunkBuffer(chunk.utf8)
      return toChunkFindings(fields)
    },
    catch: (error) => new AnalyzeFailed({ message: `scoring chunk ${chunk.index} failed: ${String(error)}` }),
  })

const inline: ChunkAnalyzer = { threads: 0, start: (chunk) => Effect.succeed(scoreHere(chunk)) }

interface Pending {
  readonly worker: Worker
  readonly resume: (effect: Effect.Effect<ChunkFindings, AnalyzeFailed>) => void
}

export interface AnalyzerPoolOptions {
  /**
   * Findings whose texts stay packed until read (see packedFindings.ts), for a consumer in this process that keeps
   * only a few of them: a local run's ranking. Not for a broker that serialises what it is given.
   */
  readonly packedTexts?: boolean
}

/**
 * A pool of `threads` workers, each fed one chunk at a time by whoever is least busy. Under vitest the sources run
 * as TypeScript and there is no compiled worker next to this file: the pool then scores inline, same results.
 */
export const makeAnalyzerPool = (threads: number, options: AnalyzerPoolOptions = {}) =>
  Effect.gen(function* () {
    const workerFile = scoringThreadFile()
    if (threads <= 0 || workerFile === undefined) return inline
    const pending = new Map<number, Pending>()
    const load = new Map<Worker, number>()
    const alive = new Set<Worker>()
    /** Workers that have loaded their code and said so; until one has, chunks are scored on this thread. */
    const ready = new Set<Worker>()
    let nextId = 0
    const startWorkers = Effect.acquireRelease(
      Effect.sync(() =>
        Array.from({ length: threads }, () => {
          // the CLI may have started the threads while it loaded (scoringThreads.ts)
          const early = takeEarlyThread()
          const worker = early?.worker ?? spawnScoringThread(workerFile)
          load.set(worker, 0)
          worker.on(
            "message",
            (message: {
              readonly id: number
              readonly ready?: true
              readonly result?: ChunkFindingsRecord
              readonly packed?: PackedChunkFindings
              readonly error?: string
            }) => {
              if (message.ready) {
                if (alive.has(worker)) ready.add(worker)
                return
              }
              const waiter = pending.get(message.id)
              pending.delete(message.id)
              load.set(worker, (load.get(worker) ?? 1) - 1)
              if (!waiter) return
              if (message.result) waiter.resume(Effect.succeed(toChunkFindings(message.result)))
              else if (message.packed) waiter.resume(Effect.succeed(fromPackedChunkFindings(message.packed)))
              else
                waiter.resume(Effect.fail(new AnalyzeFailed({ message: message.error ?? "worker failed" })))
            },
          )
          // A worker that dies (out of its heap, say) leaves the pool: its chunks fail over to the caller,
          // which scores them on this thread, and no new chunk is sent to it, so nothing hangs or is lost.
          const retire = (reason: string) => {
            alive.delete(worker)
            ready.delete(worker)
            for (const [id, waiter] of pending) {
              if (waiter.worker !== worker) continue
              pending.delete(id)
              waiter.resume(Effect.fail(new AnalyzeFailed({ message: `analysis worker stopped: ${reason}` })))
            }
          }
          worker.on("error", (error) => retire(error.message))
          worker.on("exit", (code) => retire(`exit code ${code}`))
          alive.add(worker)
          if (early?.ready === true) ready.add(worker)
          return worker
        }),
      ),
      (all) => Effect.promise(() => Promise.all(all.map((w) => w.terminate()))),
    )
    // Threads start with the first job longer than one chunk, and take chunks once they have loaded (~0.2 s):
    // until then this thread scores, so a log of a few MB is done before they would have helped.
    const scope = yield* Effect.scope
    const workers = yield* Effect.cached(Scope.extend(startWorkers, scope))
    const leastBusy = () => {
      let best: Worker | undefined
      for (const w of ready) if (best === undefined || (load.get(w) ?? 0) < (load.get(best) ?? 0)) best = w
      return best
    }
    const start = (chunk: LogChunk): Effect.Effect<Effect.Effect<ChunkFindings, AnalyzeFailed>> =>
      chunk.index === 0 && chunk.totalChunks === 1
        ? Effect.succeed(scoreHere(chunk))
        : Effect.zipRight(
            workers,
            Effect.sync(() => {
              const worker = leastBusy()
              // no thread has loaded yet: this one scores the chunk, when its findings are awaited
              if (worker === undefined) return scoreHere(chunk)
              const findings = Deferred.unsafeMake<ChunkFindings, AnalyzeFailed>(FiberId.none)
              const id = nextId++
              pending.set(id, { worker, resume: (result) => Deferred.unsafeDone(findings, result) })
              load.set(worker, (load.get(worker) ?? 0) + 1)
              // The worker reads the same shared bytes; they are released only after its reply, so a worker
              // that dies leaves them here to be scored inline.
              worker.postMessage({ id, chunk, packed: options.packedTexts === true })
              return Deferred.await(findings).pipe(
                Effect.tap(() => Effect.sync(() => releaseChunkBuffer(chunk.utf8))),
                Effect.catchAll(() => scoreHere(chunk)),
              )
            }),
          )
    return {
      threads,
      start,
    } satisfies ChunkAnalyzer
  })
