// The persist agent's rate: synthetic analysed chunks of several requests published to destill.analysis.findings
// as fast as the persist group takes them, timed from the first publish until every finding is in PostgreSQL.
import { SqlClient } from "@effect/sql"
import { Effect, ManagedRuntime } from "effect"
import { make as makeKafkaBroker } from "../layers/broker/kafka/KafkaBroker.js"
import { PostgresClientLive } from "../layers/store/postgres.js"
import { ChunkFindings, Finding } from "../src/domain/Finding.js"
import { RequestId } from "../src/domain/Request.js"
import { Topics } from "../src/domain/topics.js"
import type { Servers } from "./distributedServers.js"
import { BenchError } from "./section.js"

export interface PersistRateOptions {
  readonly requests: number
  readonly chunksPerRequest: number
  readonly findingsPerChunk: number
  /**
   * Analysed chunks published and not yet committed by the persist group, as the analyze agents are held with
   * DESTILL_MAX_LAG: the librdkafka mock keeps only ~5 MB a partition and drops what is older.
   */
  readonly maxLag: number
}

export interface PersistRate {
  readonly findings: number
  readonly seconds: number
  readonly findingsPerSec: number
}

const syntheticChunk = (requestId: RequestId, chunk: number, perChunk: number) =>
  new ChunkFindings({
    requestId,
    buildId: "bench",
    jobName: "bench",
    chunkIndex: chunk,
    lines: 5000,
    lastLine: (chunk + 1) * 5000,
    findings: Array.from({ length: perChunk }, (_, i) => {
      const line = chunk * 5000 + i * 40 + 1
      return new Finding({
        id: `${requestId}-${chunk}-${i}`,
        requestId,
        rank: 0,
        severity: "error",
        confidence: 0.5 + (i % 50) / 100,
        lineStart: line,
        lineEnd: line + 2,
        lines: [`error: step ${chunk}/${i} failed`, "  at run (/src/build.ts:10:5)", "  at main"],
        message: `step ${chunk}/${i} failed`,
        context: { before: ["running step"], after: ["exit code 1"] },
        occurrences: 1,
        hash: `${chunk}-${i}`,
        category: "build",
        signals: ["pattern:error +0.5"],
        jobName: "bench",
        jobOutcome: "failed",
      })
    }),
  })

const fail = (message: string) => (error: unknown) =>
  new BenchError({ message: `${message}: ${error instanceof Error ? error.message : String(error)}` })

export const persistRate = (
  servers: Servers,
  options: PersistRateOptions,
): Effect.Effect<PersistRate, BenchError> =>
  Effect.gen(function* () {
    const stamp = Date.now()
    const requestIds = Array.from({ length: options.requests }, (_, r) =>
      RequestId.make(`bench-persist-${stamp}-${r}`),
    )
    // Chunks of the requests interleaved, as several analyze agents would publish them.
    const messages = Array.from({ length: options.chunksPerRequest }, (_, chunk) =>
      requestIds.map((requestId) => ({
        key: requestId,
        value: syntheticChunk(requestId, chunk, options.findingsPerChunk),
      })),
    ).flat()
    const findings = messages.length * options.findingsPerChunk

    const database = yield* Effect.acquireRelease(
      Effect.sync(() =>
        ManagedRuntime.make(PostgresClientLive({ databaseUrl: servers.databaseUrl, poolSize: 1 })),
      ),
      (runtime) => Effect.promise(() => runtime.dispose()),
    )
    const stored = Effect.tryPromise({
      try: () =>
        database.runPromise(
          Effect.flatMap(
            SqlClient.SqlClient,
            (sql) =>
              sql<{ n: string | null }>`SELECT sum(json_array_length(findings)) AS n FROM triage_chunks
                WHERE request_id IN ${sql.in(requestIds)}`,
          ),
        ),
      catch: fail("cannot count the stored findings"),
    }).pipe(Effect.map((rows) => Number(rows[0]?.n ?? 0)))

    const { broker } = yield* makeKafkaBroker({
      brokers: servers.brokers.split(","),
      clientId: "destill-bench",
      lagLimits: [{ topic: Topics.findings.name, group: "destill-persist", maxLag: options.maxLag }],
    }).pipe(Effect.catchTag("BrokerError", fail("cannot reach the broker")))

    const started = performance.now()
    // Eight chunks a send, as a busy analyze agent's publishes add up; the lag gate paces them.
    for (let from = 0; from < messages.length; from += 8) {
      yield* broker
        .publish(Topics.findings, messages.slice(from, from + 8))
        .pipe(Effect.catchTag("BrokerError", fail("cannot publish the synthetic findings")))
    }
    for (let last = -1, idleSince = performance.now(); ;) {
      const count = yield* stored
      if (count >= findings) break
      if (count !== last) [last, idleSince] = [count, performance.now()]
      if (performance.now() - idleSince > 60_000)
        return yield* new BenchError({
          message: `the persist agent stopped at ${count} of ${findings} findings`,
        })
      yield* Effect.sleep("20 millis")
    }
    const seconds = (performance.now() - started) / 1000
    return { findings, seconds, findingsPerSec: findings / seconds }
  }).pipe(Effect.scoped)
