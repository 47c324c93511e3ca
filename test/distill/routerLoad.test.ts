// A job with more concurrency than its providers allow: each provider's concurrency cap holds under load,
// and the weighted strategy splits calls by weight, with every call counted in the provider stats.
import { expect, it } from "@effect/vitest"
import { Clock, Effect, Layer } from "effect"
import * as path from "node:path"
import { describe } from "vitest"
import { makeScripted } from "../../layers/provider/scripted.js"
import { layerRouter } from "../../layers/provider/router.js"
import { runJob, submitJob } from "../../pipelines/distill/run.js"
import type { JobSpec } from "../../src/domain/Distill.js"
import { LanguageModelStats, type LanguageModelShape } from "../../src/services/LanguageModel.js"
import { repoLayer, simpleAnswer, taskKey, tempDir } from "./fixtures.js"

const dir = tempDir("destill-router-")

/** A scripted teacher that records how many of its calls ran at once. */
const counted = (name: string) => {
  const seen = { now: 0, max: 0 }
  const inner = makeScripted({
    name,
    latencyMs: 3,
    script: (request) => ({ value: simpleAnswer(`${taskKey(request)}`) }),
  })
  const model: LanguageModelShape = {
    ...inner,
    generate: (request) =>
      Effect.suspend(() => {
        seen.now++
        seen.max = Math.max(seen.max, seen.now)
        return inner.generate(request).pipe(Effect.ensuring(Effect.sync(() => seen.now--)))
      }),
  }
  return { model, seen }
}

const big = counted("big")
const small = counted("small")
const router = layerRouter({
  strategy: "weighted",
  providers: [
    { model: big.model, name: "big", weight: 3, concurrency: 6 },
    { model: small.model, name: "small", weight: 1, concurrency: 2 },
  ],
})

const spec: JobSpec = {
  name: "router-load",
  template: "simple",
  target: 400,
  seeds: { topics: ["billing", "shipping", "refunds", "accounts"] },
  providers: [{ type: "scripted" }],
  concurrency: 48,
  output: path.join(dir, "router-load.jsonl"),
}

describe("a job under load", () => {
  it.layer(Layer.merge(repoLayer(dir), router), { timeout: 120_000 })((it) => {
    it.effect("keeps each provider within its concurrency and splits calls by weight", () =>
      Effect.gen(function* () {
        yield* submitJob(spec)
        const outcome = yield* runJob("router-load")
        expect(outcome.counts.accepted).toBe(400)
        expect(big.seen.max).toBeLessThanOrEqual(6)
        expect(small.seen.max).toBeLessThanOrEqual(2)
        expect(big.seen.max).toBeGreaterThan(2)
        const stats = yield* Effect.flatMap(LanguageModelStats, (s) => s.current)
        const calls = Object.fromEntries(stats.map((s) => [s.provider, s.calls]))
        expect(calls["big"]! + calls["small"]!).toBe(outcome.counts.attempts)
        // Smooth weighted round-robin is exact whenever both have room; the small one's cap can only lower its share.
        expect(calls["big"]! / (calls["big"]! + calls["small"]!)).toBeGreaterThanOrEqual(0.74)
      }).pipe(Effect.withClock(Clock.make())),
    )
  })
})
