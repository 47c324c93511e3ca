// The analyze agent: chunks from destill.logs.raw → scored findings per chunk on destill.analysis.findings.
import { Console, Effect, Schedule, Stream } from "effect"
import { Topics } from "../../src/domain/topics.js"
import { Broker } from "../../src/services/Broker.js"
import { makeAnalyzerPool } from "./analyzerPool.js"

export interface AnalyzeAgentOptions {
  readonly group: string
  /** Chunks scored at once; a chunk is committed only after its findings are published. */
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
    yield* broker.subscribe(Topics.logsRaw, options.group).pipe(
      Stream.mapEffect(
        (delivery) =>
          analyzer.analyze(delivery.value).pipe(
            Effect.flatMap((batch) =>
              broker.publish(Topics.findings, [{ key: delivery.value.requestId, value: batch }]),
            ),
            Effect.zipRight(delivery.commit),
          ),
        { concurrency: options.concurrency },
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
