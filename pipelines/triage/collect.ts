// The collecting end of a local triage run: folds per-chunk findings into one ranking until every chunk is in.
import { Deferred, Effect, Ref, Stream } from "effect"
import type { ChunkFindings } from "../../src/domain/Finding.js"
import { Topics } from "../../src/domain/topics.js"
import { Broker } from "../../src/services/Broker.js"
import { FindingRanker } from "../../src/triage/rank.js"

export interface CollectProgress {
  readonly chunksDone: number
  readonly findings: number
}

/**
 * Consumes destill.analysis.findings for one request. `expected` is completed by ingest with the number of chunks it
 * published; the fold ends when that many distinct chunks have been seen (a redelivered chunk counts once).
 */
export const collectFindings = (
  requestId: string,
  expected: Deferred.Deferred<number>,
  progress: Ref.Ref<CollectProgress>,
  onBatch: (batch: ChunkFindings, ranker: FindingRanker) => Effect.Effect<void> = () => Effect.void,
) =>
  Effect.gen(function* () {
    const broker = yield* Broker
    // batches come through the analyzer pool (another thread, or a copy): their texts pin no chunk
    const ranker = new FindingRanker({ detached: true })
    const seen = new Set<string>()
    const done = (count: number) => seen.size >= count

    // the count of chunks, once ingest knows it
    let total = Number.POSITIVE_INFINITY
    // (Stream.runForEachWhile here kept something of every batch: the main heap grew ~100 MB over a 1 GB log)
    const consume = broker.subscribe(Topics.findings, `collect-${requestId}`).pipe(
      Stream.mapEffect((delivery) =>
        Effect.gen(function* () {
          const batch = delivery.value
          if (batch.requestId === requestId) {
            const key = `${batch.jobName}\u0000${batch.chunkIndex}`
            if (!seen.has(key)) {
              seen.add(key)
              ranker.add(batch)
              yield* Ref.update(progress, (p) => ({
                chunksDone: p.chunksDone + 1,
                findings: p.findings + batch.findings.length,
              }))
              yield* onBatch(batch, ranker)
            }
          }
          yield* delivery.commit
          return !done(total)
        }).pipe(Effect.uninterruptible),
      ),
      Stream.takeWhile((more) => more),
      Stream.runDrain,
    )
    // Stop as soon as the count is known and reached. It may arrive after the last batch (then the consumer waits
    // for a batch that will not come and is stopped here, between two batches), and a log with no chunk at all
    // ends on the count alone.
    const counted = Deferred.await(expected).pipe(
      Effect.flatMap((count) => {
        total = count
        return done(count) ? Effect.void : Effect.never
      }),
    )
    yield* Effect.raceFirst(consume, counted)
    return ranker
  })
