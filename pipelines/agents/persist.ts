// The persist agent: per-chunk findings from destill.analysis.findings → the store in batches; a request is
// finalized when its last chunk lands. Offsets are committed only after the batch is written.
import { Chunk, Duration, Effect, Schedule, Stream } from "effect"
import { Topics } from "../../src/domain/topics.js"
import { Broker } from "../../src/services/Broker.js"
import { TriageLedger } from "../../src/services/TriageLedger.js"
import { finalizeIfComplete } from "./finalize.js"

export interface PersistAgentOptions {
  readonly group: string
  /** Chunks written per transaction at most. */
  readonly batchSize: number
  /** How long a batch waits to fill up. */
  readonly batchWindow: Duration.DurationInput
  /**
   * Batches written at once (default 2): one is decoded and sent while the database works on the other. Safe in
   * any order: each batch checks completion after its own commit, so whichever lands last finalizes.
   */
  readonly writers?: number
}

/** A database that blips (restart, failover) is waited for a little; one that stays down stops the agent. */
export const storeRetry = Schedule.exponential(Duration.millis(200), 2).pipe(
  Schedule.intersect(Schedule.recurs(5)),
)

export const persistAgent = (options: PersistAgentOptions) =>
  Effect.gen(function* () {
    const broker = yield* Broker
    const ledger = yield* TriageLedger
    yield* broker.subscribe(Topics.findings, options.group).pipe(
      Stream.groupedWithin(options.batchSize, options.batchWindow),
      Stream.mapEffect(
        (chunk) =>
          Effect.gen(function* () {
            const deliveries = Chunk.toReadonlyArray(chunk)
            yield* ledger
              .recordChunks(deliveries.map((delivery) => delivery.value))
              .pipe(Effect.retry(storeRetry))
            const requests = new Set(deliveries.map((delivery) => delivery.value.requestId))
            for (const requestId of requests)
              yield* finalizeIfComplete(requestId).pipe(Effect.retry(storeRetry))
            // Together, so the whole batch costs one offset commit per partition rather than one per message.
            yield* Effect.forEach(deliveries, (delivery) => delivery.commit, {
              discard: true,
              concurrency: "unbounded",
            })
          }),
        { concurrency: options.writers ?? 2 },
      ),
      Stream.runDrain,
    )
  })
