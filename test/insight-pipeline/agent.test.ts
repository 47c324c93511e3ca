// The insight agent in-process: findings messages in, one insight per completed request out on destill.insights,
// stored beside the findings; waits for unfinished requests, skips failed ones, never asks the model twice.
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Layer, Stream } from "effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { layer as memoryBroker } from "../../layers/broker/memory/MemoryBroker.js"
import { storeWithInsightsLayer } from "../../layers/store/InsightSql.js"
import { insightAgent, type InsightAgentOptions } from "../../pipelines/agents/insight.js"
import { ChunkFindings, Finding } from "../../src/domain/Finding.js"
import { Request, RequestId } from "../../src/domain/Request.js"
import { Topics } from "../../src/domain/topics.js"
import { Broker } from "../../src/services/Broker.js"
import { InsightRepo } from "../../src/services/InsightRepo.js"
import { Store } from "../../src/services/Store.js"
import { answer, findings, recordingModel } from "./fixtures.js"

const tempDir = Effect.acquireRelease(
  Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "destill-insight-agent-"))),
  (dir) => Effect.promise(() => fs.rm(dir, { recursive: true, force: true })),
)

const options: InsightAgentOptions = {
  group: "destill-insight",
  concurrency: 2,
  completionWait: "20 seconds",
  pollEvery: "20 millis",
  insight: { retryDelayMs: 1 },
}

const aRequest = (id: string) =>
  new Request({
    id: RequestId.make(id),
    source: "./build.log",
    buildId: `build-${id}`,
    outcome: "failed",
    createdAt: Date.now(),
    options: { top: 10, context: 3, minConfidence: 0 },
  })

/** A request whose findings are in the store; `finish` decides whether it is complete yet. */
const triaged = (id: string, finish: "complete" | "failed" | "running") =>
  Effect.gen(function* () {
    const store = yield* Store
    yield* store.createRequest(aRequest(id))
    // Each request's log differs (here: its second finding), so no request reuses another's insight.
    const own = findings.map(
      (f, i) =>
        new Finding({
          ...f,
          id: `${id}:${f.id}`,
          requestId: RequestId.make(id),
          lines: i === 1 ? [...f.lines, `[ERROR] upload of ${id} failed`] : f.lines,
        }),
    )
    yield* store.saveFindings(own)
    if (finish !== "running") yield* store.finishRequest(id, finish, {})
  })

/** The per-chunk messages the analyze agents publish for one request. */
const chunkMessages = (id: string, chunks: number) =>
  Array.from({ length: chunks }, (_, index) => ({
    key: id,
    value: new ChunkFindings({
      requestId: RequestId.make(id),
      buildId: `build-${id}`,
      jobName: "",
      chunkIndex: index,
      ...(index === chunks - 1 ? { totalChunks: chunks } : {}),
      lines: 100,
      lastLine: (index + 1) * 100,
      findings: [],
    }),
  }))

const published = (count: number) =>
  Effect.flatMap(Broker, (broker) =>
    broker.subscribe(Topics.insights, "test").pipe(
      Stream.take(count),
      Stream.runCollect,
      Effect.map((deliveries) => Chunk.toReadonlyArray(deliveries).map((d) => d.value)),
    ),
  )

describe("destill agent insight (in-process)", () => {
  it.scopedLive(
    "explains each completed request once, however many chunk messages it has, and waits for unfinished ones",
    () =>
      Effect.gen(function* () {
        const dataDir = path.join(yield* tempDir, "data")
        const model = recordingModel([{ value: answer() }])
        const layers = Layer.mergeAll(
          memoryBroker({ capacity: 64 }),
          storeWithInsightsLayer({ databaseUrl: undefined, dataDir }),
          model.layer,
        )
        yield* Effect.gen(function* () {
          const broker = yield* Broker
          const store = yield* Store
          yield* triaged("req-done", "complete")
          yield* triaged("req-later", "running")
          yield* triaged("req-failed", "failed")
          const agent = yield* Effect.fork(insightAgent(options))
          yield* broker.publish(Topics.findings, [
            ...chunkMessages("req-done", 5),
            ...chunkMessages("req-later", 3),
            ...chunkMessages("req-failed", 2),
          ])
          const first = yield* published(1)
          expect(first.map((i) => i.requestId)).toEqual(["req-done"])
          // The second request completes only now: its insight follows.
          yield* store.finishRequest("req-later", "complete", {})
          const second = yield* published(1)
          expect(second.map((i) => i.requestId)).toEqual(["req-later"])
          expect(second[0]?.status).toBe("accepted")
          expect(second[0]?.summary).toBe(answer().summary)
          // Ten chunk messages, two completed requests: two model calls, none for the failed request.
          expect(model.requests).toHaveLength(2)
          const repo = yield* InsightRepo
          expect((yield* repo.forRequest("req-failed")).length).toBe(0)
          expect((yield* repo.forRequest("req-done")).map((i) => i.status)).toEqual(["accepted"])
          yield* Fiber.interrupt(agent)
        }).pipe(Effect.provide(layers))
      }),
    60_000,
  )

  it.scopedLive(
    "a redelivered message after a restart republishes the stored insight without asking the model",
    () =>
      Effect.gen(function* () {
        const dataDir = path.join(yield* tempDir, "data")
        const storeLayer = () => storeWithInsightsLayer({ databaseUrl: undefined, dataDir })
        const first = recordingModel([{ value: answer() }])
        const explainedBefore = yield* Effect.gen(function* () {
          yield* triaged("req-1", "complete")
          const agent = yield* Effect.fork(insightAgent(options))
          yield* (yield* Broker).publish(Topics.findings, chunkMessages("req-1", 2))
          const [insight] = yield* published(1)
          yield* Fiber.interrupt(agent)
          return insight
        }).pipe(Effect.provide(Layer.mergeAll(memoryBroker(), storeLayer(), first.layer)))

        // A new agent process: the same messages come again (they were not committed before the crash).
        const second = recordingModel([{ text: "must not be asked" }])
        const again = yield* Effect.gen(function* () {
          const agent = yield* Effect.fork(insightAgent(options))
          yield* (yield* Broker).publish(Topics.findings, chunkMessages("req-1", 2))
          const [insight] = yield* published(1)
          yield* Fiber.interrupt(agent)
          return insight
        }).pipe(Effect.provide(Layer.mergeAll(memoryBroker(), storeLayer(), second.layer)))

        expect(first.requests).toHaveLength(1)
        expect(second.requests).toHaveLength(0)
        expect(again?.id).toBe(explainedBefore?.id)
        expect(again?.status).toBe("accepted")
      }),
    60_000,
  )
})
