// The analyze agent: chunks from destill.logs.raw → scored findings per chunk on destill.analysis.findings.
import { Effect, Stream } from "effect"
import { Topics } from "../../src/domain/topics.js"
import { Broker } from "../../src/services/Broker.js"
import { makeAnalyzerPool } from "./analyzerPool.js"

export interface AnalyzeAgentOptions {
  readonly group: string
  /** Chunks scored at once; a chunk is committed only after its findings are published. */
  readonly concurrency: number
  /** Worker threads that score chunks; 0 scores on the calling thread. */
  readonly threads?: number
}

export const analyzeAgent = (options: AnalyzeAgentOptions) =>
  Effect.gen(function* () {
    const broker = yield* Broker
    const analyzer = yield* makeAnalyzerPool(options.threads ?? 0)
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
    )
  })
