// The router's strategies, limits, retries and circuit breaker, driven by TestClock over scripted providers.
import { expect, it } from "@effect/vitest"
import { Effect, Fiber, Schema, TestClock } from "effect"
import { describe } from "vitest"
import { makeRouter, type RoutedProvider, type RouterOptions } from "../../layers/provider/router.js"
import { makeScripted, type ScriptedOptions } from "../../layers/provider/scripted.js"
import {
  BadRequest,
  type LanguageModelShape,
  Overloaded,
  type ProviderStats,
  RateLimited,
} from "../../src/services/LanguageModel.js"

const ask = { messages: [{ role: "user" as const, content: "hi" }] }
const Answer = Schema.Struct({ ok: Schema.Boolean })

const scripted = (name: string, options: Partial<ScriptedOptions> = {}): LanguageModelShape =>
  makeScripted({ script: [{ text: name }], name, model: `${name}-model`, ...options })

const router = (providers: ReadonlyArray<RoutedProvider>, options: Partial<RouterOptions> = {}) =>
  makeRouter({ providers, backoff: { initialMs: 0 }, ...options })

const statsOf = (stats: ReadonlyArray<ProviderStats>, name: string): ProviderStats =>
  stats.find((entry) => entry.provider === `${name}/${name}-model` || entry.provider === `${name}/scripted`)!

/** Let forked fibers run up to their next sleep. */
const settle = Effect.repeatN(Effect.yieldNow(), 50)

describe("router strategies", () => {
  it.effect("round-robin takes the providers in turn", () =>
    Effect.gen(function* () {
      const { model } = yield* router([{ model: scripted("a") }, { model: scripted("b") }])
      const answers = yield* Effect.forEach([1, 2, 3, 4], () => model.generate(ask))
      expect(answers.map((answer) => answer.text)).toEqual(["a", "b", "a", "b"])
    }),
  )

  it.effect("weighted spreads calls in proportion to the weights", () =>
    Effect.gen(function* () {
      const { model } = yield* router(
        [
          { model: scripted("a"), weight: 3 },
          { model: scripted("b"), weight: 1 },
        ],
        { strategy: "weighted" },
      )
      const answers = yield* Effect.forEach(Array.from({ length: 8 }), () => model.generate(ask))
      expect(answers.filter((answer) => answer.text === "a")).toHaveLength(6)
    }),
  )

  it.effect("capability sends schema requests only to providers with JSON schema support", () =>
    Effect.gen(function* () {
      const { model } = yield* router(
        [
          { model: scripted("plain", { jsonSchema: false, script: [{ value: { ok: false } }] }) },
          { model: scripted("strict", { script: [{ value: { ok: true } }] }) },
        ],
        { strategy: "capability" },
      )
      const structured = yield* Effect.forEach([1, 2, 3], () => model.generate({ ...ask, schema: Answer }))
      expect(structured.map((answer) => answer.provider)).toEqual(["strict", "strict", "strict"])
      const free = yield* Effect.forEach([1, 2], () => model.generate(ask))
      expect(new Set(free.map((answer) => answer.provider))).toEqual(new Set(["plain", "strict"]))
    }),
  )
})

describe("router limits", () => {
  it.effect("runs at most `concurrency` calls at once on a provider", () =>
    Effect.gen(function* () {
      const { model, stats } = yield* router([{ model: scripted("a", { latencyMs: 1000 }), concurrency: 2 }])
      const fiber = yield* Effect.fork(
        Effect.all(
          Array.from({ length: 5 }, () => model.generate(ask)),
          { concurrency: "unbounded" },
        ),
      )
      yield* settle
      expect(statsOf(yield* stats.current, "a")).toMatchObject({ inFlight: 2, calls: 0 })
      yield* TestClock.adjust(1000)
      yield* settle
      expect(statsOf(yield* stats.current, "a")).toMatchObject({ inFlight: 2, calls: 2 })
      yield* TestClock.adjust(2000)
      expect(yield* Fiber.join(fiber)).toHaveLength(5)
    }),
  )

  it.effect("holds calls beyond the requests-per-minute budget until the window moves on", () =>
    Effect.gen(function* () {
      const { model, stats } = yield* router([{ model: scripted("a"), requestsPerMinute: 2 }])
      const fiber = yield* Effect.fork(
        Effect.all(
          Array.from({ length: 3 }, () => model.generate(ask)),
          { concurrency: "unbounded" },
        ),
      )
      yield* settle
      expect(statsOf(yield* stats.current, "a").calls).toBe(2)
      yield* TestClock.adjust(59_000)
      yield* settle
      expect(statsOf(yield* stats.current, "a").calls).toBe(2)
      yield* TestClock.adjust(1_000)
      yield* Fiber.join(fiber)
      expect(statsOf(yield* stats.current, "a").calls).toBe(3)
    }),
  )

  it.effect("holds calls beyond the tokens-per-minute budget, counting reported usage", () =>
    Effect.gen(function* () {
      const usage = { promptTokens: 40, completionTokens: 20 }
      const { model, stats } = yield* router([
        { model: scripted("a", { script: [{ text: "x", usage }] }), tokensPerMinute: 100 },
      ])
      const fiber = yield* Effect.fork(Effect.forEach([1, 2, 3], () => model.generate(ask)))
      yield* settle
      expect(statsOf(yield* stats.current, "a")).toMatchObject({
        calls: 2,
        promptTokens: 80,
        completionTokens: 40,
      })
      yield* TestClock.adjust(60_000)
      yield* Fiber.join(fiber)
      expect(statsOf(yield* stats.current, "a").calls).toBe(3)
    }),
  )
})

describe("router retries", () => {
  it.effect("retries transient failures with growing backoff", () =>
    Effect.gen(function* () {
      const overloaded = new Overloaded({ provider: "a", status: 503, detail: "busy" })
      const { model, stats } = yield* router(
        [
          {
            model: scripted("a", { script: [{ fail: overloaded }, { fail: overloaded }, { text: "done" }] }),
          },
        ],
        { backoff: { initialMs: 1000 } },
      )
      const fiber = yield* Effect.fork(model.generate(ask))
      yield* settle
      expect(statsOf(yield* stats.current, "a").calls).toBe(1)
      yield* TestClock.adjust(400) // below the smallest jittered first delay (500 ms)
      yield* settle
      expect(statsOf(yield* stats.current, "a").calls).toBe(1)
      yield* TestClock.adjust(600)
      yield* settle
      expect(statsOf(yield* stats.current, "a").calls).toBe(2)
      yield* TestClock.adjust(2000)
      expect((yield* Fiber.join(fiber)).text).toBe("done")
      expect(statsOf(yield* stats.current, "a")).toMatchObject({ calls: 3, failures: 2 })
    }),
  )

  it.effect("waits at least as long as Retry-After says", () =>
    Effect.gen(function* () {
      const limited = new RateLimited({ provider: "a", retryAfterMs: 10_000 })
      const { model, stats } = yield* router(
        [{ model: scripted("a", { script: [{ fail: limited }, { text: "done" }] }) }],
        {
          backoff: { initialMs: 100 },
        },
      )
      const fiber = yield* Effect.fork(model.generate(ask))
      yield* TestClock.adjust(9_000)
      yield* settle
      expect(statsOf(yield* stats.current, "a").calls).toBe(1)
      yield* TestClock.adjust(1_000)
      expect((yield* Fiber.join(fiber)).text).toBe("done")
    }),
  )

  it.effect("does not retry a request the server rejected", () =>
    Effect.gen(function* () {
      const bad = new BadRequest({ provider: "a", status: 400, detail: "bad schema" })
      const { model, stats } = yield* router([
        { model: scripted("a", { script: [{ fail: bad }, { text: "never" }] }) },
      ])
      const error = yield* Effect.flip(model.generate(ask))
      expect(error._tag).toBe("BadRequest")
      expect(statsOf(yield* stats.current, "a").calls).toBe(1)
    }),
  )
})

describe("router circuit breaker", () => {
  it.effect("takes a failing provider out, then lets one probe bring it back", () =>
    Effect.gen(function* () {
      let down = true
      const flaky = makeScripted({
        name: "a",
        script: () => (down ? { fail: new Overloaded({ provider: "a", detail: "down" }) } : { text: "a" }),
      })
      const { model, stats } = yield* router([{ model: flaky }, { model: scripted("b") }], {
        breaker: { failures: 2, cooldownMs: 10_000 },
      })
      // Every call still succeeds: failures on a move on to b.
      const answers = yield* Effect.forEach(Array.from({ length: 6 }), () => model.generate(ask))
      expect(answers.every((answer) => answer.text === "b")).toBe(true)
      expect(statsOf(yield* stats.current, "a")).toMatchObject({ calls: 2, failures: 2, breaker: "open" })

      down = false
      yield* TestClock.adjust(10_000)
      const after = yield* Effect.forEach([1, 2], () => model.generate(ask))
      expect(after.map((answer) => answer.text)).toContain("a")
      expect(statsOf(yield* stats.current, "a")).toMatchObject({ calls: 3, breaker: "closed" })
    }),
  )

  it.effect("fails fast with one clear error when every provider is out", () =>
    Effect.gen(function* () {
      const down = makeScripted({
        name: "a",
        script: [{ fail: new Overloaded({ provider: "a", detail: "down" }) }],
      })
      const { model, stats } = yield* router([{ model: down }], {
        maxAttempts: 1,
        breaker: { failures: 1, cooldownMs: 60_000 },
      })
      yield* Effect.flip(model.generate(ask))
      const error = yield* Effect.flip(model.generate(ask))
      expect(error.message).toContain("circuit open")
      expect(statsOf(yield* stats.current, "a")).toMatchObject({ calls: 1, breaker: "open" })
    }),
  )
})

describe("router stats", () => {
  it.effect("counts calls, tokens, cost and latency per provider", () =>
    Effect.gen(function* () {
      const usage = { promptTokens: 10, completionTokens: 5 }
      const { model, stats } = yield* router([
        { model: scripted("a", { latencyMs: 200, script: [{ text: "x", usage, costUsd: 0.01 }] }) },
      ])
      const fiber = yield* Effect.fork(Effect.forEach([1, 2], () => model.generate(ask)))
      yield* TestClock.adjust(400)
      yield* Fiber.join(fiber)
      expect(statsOf(yield* stats.current, "a")).toMatchObject({
        calls: 2,
        failures: 0,
        inFlight: 0,
        promptTokens: 20,
        completionTokens: 10,
        costUsd: 0.02,
        latencyMsSum: 400,
        latencyMsAvg: 200,
        breaker: "closed",
      })
    }),
  )
})
