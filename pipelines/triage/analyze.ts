// The analyze agent: chunks from destill.logs.raw → scored findings per chunk on destill.analysis.findings.
import { Console, Effect, Schedule, Stream } from "effect"
import { Topics } from "../../src/domain/topics.js"
import { Broker } from "../../src/services/Broker.js"
import { makeAnalyzerPool } from "./analyzerPool.js"

export interface AnalyzeAgentOptions {
  readonly group: string
  /** Chunks in flight at once (three when set lower); a chunk is committed only after its findings are published. */
  readonly concurrency: number
  /** Worker threads that score chunks; 0 scores on the calling thread. */
  readonly threads?: number
  /** Findings whose texts stay packed until read: only for a consumer in this process (see analyzerPool). */
  readonly packedTexts?: boolean
}

export const analyzeAgent = (options: AnalyzeAgentOptions) =>
  Effect.gen(function* () {
    const broker = yield* Broker
    const analyzer = yield* makeAnalyzerPool(options.threads ?? 0, {
      packedTexts: options.packedTexts === true,
    })
    // Chunks are handed to the scoring threads in order as they arrive, up to `concurrency` at once (the one
    // awaited, those buffered, the one waiting for room), and their findings are published and committed in order.
    yield* broker.subscribe(Topics.logsRaw, options.group).pipe(
      Stream.mapEffect((delivery) =>
        Effect.map(analyzer.start(delivery.value), (findings) => ({ delivery, findings })),
      ),
      Stream.buffer({ capacity: Math.max(1, options.concurrency - 2) }),
      Stream.mapEffect(({ delivery, findings }) =>
        findings.pipe(
          Effect.flatMap((batch) =>
            broker.publish(Topics.findings, [{ key: delivery.value.requestId, value: batch }]),
          ),
          Effect.zipRight(delivery.commit),
        ),
      ),
      Stream.runDrain,
      // A consumer that crashes (a group rebalance gone wrong) is replaced by a fresh one that rejoins the group:
      // nothing uncommitted is lost, and redelivered chunks upsert the same findings. Publish failures too.
      Effect.tapErrorTag("BrokerError", (error) =>
        Console.error(`destill: analyze agent: ${error.message}; rejoining the group`),
      ),
      Effect.retry({
        while: (error) => error._tag === "BrokerError",
        schedule: Schedule.intersect(Schedule.exponential("500 millis"), Schedule.recurs(5)),
      }),
    )
  })
