// The triage pipeline over the in-memory broker: chunking never changes the answer; failures are recorded.
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Deferred, Effect, Fiber, Layer, Option, Stream } from "effect"
import { layer as memoryBroker } from "../../layers/broker/memory/MemoryBroker.js"
import { storeLayer } from "../../layers/store/index.js"
import { runTriage } from "../../pipelines/triage/run.js"
import { InputError } from "../../src/domain/errors.js"
import { Request, RequestId } from "../../src/domain/Request.js"
import { type Topic, Topics } from "../../src/domain/topics.js"
import { Broker } from "../../src/services/Broker.js"
import type { ResolvedSource } from "../../src/services/LogSource.js"
import { Store } from "../../src/services/Store.js"
import { tempDir } from "../support/cli.js"

const example = readFileSync(path.resolve(import.meta.dirname, "../../examples/failing-build.log"))

const request = (id: string) =>
  new Request({
    id: RequestId.make(id),
    source: "test.log",
    buildId: "build-1",
    outcome: "failed",
    createdAt: 0,
    options: { top: 10, context: 2, minConfidence: 0 },
  })

const sourceOf = (bytes: Stream.Stream<Uint8Array, InputError>): ResolvedSource => ({
  buildId: "build-1",
  jobs: Stream.make({ id: "job", name: "test", outcome: "failed" as const, bytes }),
})

/** A long log with failures spread out, so small chunks cut through blocks. */
const longLog = Buffer.from(
  Array.from({ length: 40 }, (_, i) =>
    [
      ...Array.from({ length: 37 }, (_, j) => `[INFO] compiling module ${i} file ${j}.java`),
      example.toString("utf8"),
    ].join("\n"),
  ).join("\n"),
)

const triage = (bytes: Buffer, maxBytes?: number) =>
  runTriage(request(`r-${maxBytes ?? "default"}`), sourceOf(Stream.make(new Uint8Array(bytes))), {
    ...(maxBytes === undefined ? {} : { chunkLimits: { maxBytes, overlap: 50 } }),
  }).pipe(Effect.provide(Layer.merge(memoryBroker({ capacity: 4 }), Store.None)))

describe("triage pipeline", () => {
  it.effect("finds the failing assertion in the example log", () =>
    Effect.gen(function* () {
      const result = yield* triage(example)
      expect(result.stats).toMatchObject({ lines: 68, chunks: 1 })
      expect(result.findings[0]?.lines.join("\n")).toContain("Expected: 107.99")
    }),
  )

  // Scores may shift a little with chunking (a chunk sees only so far ahead for the step that failed, and a block
  // cut at a chunk edge can leave a short fragment), but every failure must still be found and the same one lead.
  it.effect("finds the same failures whether the log is one chunk or hundreds", () =>
    Effect.gen(function* () {
      const whole = yield* triage(longLog)
      const small = yield* triage(longLog, 4000)
      expect(whole.stats.chunks).toBe(1)
      expect(small.stats.chunks).toBeGreaterThan(50)
      expect(small.stats.lines).toBe(whole.stats.lines)
      const hashes = (r: typeof whole) => r.findings.map((f) => f.hash)
      const messages = (r: typeof whole) => r.findings.map((f) => f.message)
      for (const message of messages(whole)) expect(messages(small)).toContain(message)
      expect(hashes(small)).toHaveLength(new Set(hashes(small)).size)
      expect(small.findings[0]?.hash).toBe(whole.findings[0]?.hash)
      expect(small.findings[0]?.lines.join("\n")).toContain("Expected: 107.99")
      expect(small.findings.find((f) => f.lines.join("\n").includes("Expected: 107.99"))?.occurrences).toBe(
        40,
      )
    }),
  )

  it.live("fails the run, never hangs, when the analyze stage stops", () =>
    Effect.gen(function* () {
      // the analyze agent's subscription breaks in a way no retry covers: the collector would wait for ever
      const broken = Layer.effect(
        Broker,
        Effect.map(Broker, (broker) => ({
          ...broker,
          subscribe: <A, I>(topic: Topic<A, I>, group: string) =>
            topic.name === Topics.logsRaw.name
              ? Stream.die(new Error("the analyze stage stopped"))
              : broker.subscribe(topic, group),
        })),
      ).pipe(Layer.provide(memoryBroker({ capacity: 4 })))
      const outcome = yield* runTriage(
        request("r-stopped"),
        sourceOf(Stream.make(new Uint8Array(longLog))),
        // many small chunks: more than the topic holds, so ingest waits for room too
        { chunkLimits: { maxBytes: 1000, overlap: 5 } },
      ).pipe(Effect.provide(Layer.merge(broken, Store.None)), Effect.timeout("10 seconds"), Effect.exit)
      expect(outcome._tag).toBe("Failure")
      expect(String(outcome._tag === "Failure" ? Cause.squash(outcome.cause) : "")).toContain(
        "the analyze stage stopped",
      )
    }),
  )

  it.live(
    "records a run interrupted while its request is being written as cancelled, never left running",
    () => {
      const data = tempDir("destill-pipe-")
      return Effect.gen(function* () {
        const store = yield* Store
        // a database slow to answer: the row is written, the answer comes only once the interrupt is on its way
        const written = yield* Deferred.make<void>()
        const answer = yield* Deferred.make<void>()
        const slow: typeof store = {
          ...store,
          createRequest: (r) =>
            store
              .createRequest(r)
              .pipe(
                Effect.zipRight(Deferred.succeed(written, undefined)),
                Effect.zipRight(Deferred.await(answer)),
              ),
        }
        const run = yield* Effect.fork(
          runTriage(request("r-cancelled"), sourceOf(Stream.make(new Uint8Array(example)))).pipe(
            Effect.provideService(Store, slow),
          ),
        )
        yield* Deferred.await(written)
        // Ctrl-C while the row is being written
        const interrupting = yield* Effect.fork(Fiber.interrupt(run))
        yield* Effect.sleep("50 millis")
        yield* Deferred.succeed(answer, undefined)
        yield* Fiber.join(interrupting)
        const stored = yield* store.getRequest("r-cancelled")
        expect(Option.map(stored, (s) => s.status)).toEqual(Option.some("cancelled"))
      }).pipe(
        Effect.provide(
          Layer.merge(
            memoryBroker({ capacity: 4 }),
            storeLayer({ databaseUrl: undefined, dataDir: data.dir }),
          ),
        ),
        Effect.ensuring(Effect.sync(data.remove)),
      )
    },
  )

  it.effect("records a run whose input breaks as failed, never complete", () => {
    const data = tempDir("destill-pipe-")
    return Effect.gen(function* () {
      const broken = Stream.concat(
        Stream.make(new Uint8Array(example)),
        Stream.fail(new InputError({ message: "connection reset while reading the log" })),
      )
      const outcome = yield* runTriage(request("r-broken"), sourceOf(broken)).pipe(Effect.either)
      expect(outcome._tag).toBe("Left")
      const store = yield* Store
      const stored = yield* store.getRequest("r-broken")
      expect(Option.map(stored, (s) => [s.status, s.error])).toEqual(
        Option.some(["failed", "connection reset while reading the log"]),
      )
      expect(yield* store.findings("r-broken")).toEqual([])
    }).pipe(
      Effect.provide(
        Layer.merge(memoryBroker({ capacity: 4 }), storeLayer({ databaseUrl: undefined, dataDir: data.dir })),
      ),
      Effect.ensuring(Effect.sync(data.remove)),
    )
  })
})
