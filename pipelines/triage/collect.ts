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
    const done = (total: number) => seen.size >= total

    const expectedNow = Deferred.poll(expected).pipe(
      Effect.flatMap((maybe) =>
        maybe._tag === "Some" ? maybe.value : Effect.succeed(Number.POSITIVE_INFINITY),
      ),
    )
    const findings = broker.subscribe(Topics.findings, `collect-${requestId}`).pipe(
      Stream.filter((delivery) => delivery.value.requestId === requestId),
      Stream.mapEffect((delivery) =>
        Effect.gen(function* () {
          const batch = delivery.value
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
          yield* delivery.commit
        }),
      ),
    )
    // Stop as soon as the expected count is known and reached; the count may arrive after the last batch, and a
    // log with no chunk at all ends on the count alone.
    const untilDone = Stream.merge(
      findings.pipe(Stream.map(() => "batch" as const)),
      Stream.fromEffect(Deferred.await(expected)).pipe(Stream.map(() => "total" as const)),
    ).pipe(
      Stream.mapEffect(() => expectedNow),
      Stream.takeUntil((total) => done(total)),
    )
    yield* Stream.runDrain(untilDone)
    return ranker
  })
