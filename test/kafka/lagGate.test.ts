// The lag gate holds one process's concurrent sends within the downstream group's limit together, lets them through
// again as the group commits, and does not ask the broker before every send while there is room.
import { describe, expect, it } from "vitest"
import type { Admin } from "kafkajs"
import { Effect, Fiber, TestClock, TestContext } from "effect"
import { lagGate } from "../../layers/broker/kafka/lagGate.js"

/** A one-partition topic: `published` messages, of which the group committed `committed`. */
const fakeBroker = () => {
  const state = { published: 0, committed: 0, looks: 0 }
  const admin = {
    fetchTopicOffsets: async () => {
      state.looks++
      return [{ partition: 0, offset: String(state.published), high: String(state.published), low: "0" }]
    },
    fetchOffsets: async () => [
      { topic: "t", partitions: [{ partition: 0, offset: String(state.committed), metadata: null }] },
    ],
  } as unknown as Admin
  return { state, admin }
}

describe("lagGate", () => {
  it("lets at most the limit through while the group commits nothing, and the rest once it catches up", () =>
    Effect.gen(function* () {
      const { state, admin } = fakeBroker()
      const gate = lagGate(admin, [{ topic: "t", group: "g", maxLag: 3 }])
      const send = Effect.sync(() => void state.published++)
      const fibers = yield* Effect.forEach(Array.from({ length: 8 }), () =>
        Effect.fork(gate.admit("t", 1, send)),
      )
      yield* TestClock.adjust("5 seconds")
      expect(state.published).toBe(3)
      state.committed = state.published
      yield* TestClock.adjust("5 seconds")
      expect(state.published).toBe(6)
      state.committed = state.published
      yield* TestClock.adjust("5 seconds")
      yield* Effect.forEach(fibers, Fiber.join)
      expect(state.published).toBe(8)
    }).pipe(Effect.provide(TestContext.TestContext), Effect.runPromise))

  it("asks the broker about once per limit's worth of sends while the group keeps up", () =>
    Effect.gen(function* () {
      const { state, admin } = fakeBroker()
      const gate = lagGate(admin, [{ topic: "t", group: "g", maxLag: 10 }])
      const send = Effect.sync(() => {
        state.published++
        state.committed = state.published
      })
      for (let i = 0; i < 100; i++) yield* gate.admit("t", 1, send)
      expect(state.published).toBe(100)
      expect(state.looks).toBeLessThanOrEqual(12)
    }).pipe(Effect.runPromise))

  it("sends a batch larger than the limit alone into an empty topic instead of waiting forever", () =>
    Effect.gen(function* () {
      const { state, admin } = fakeBroker()
      const gate = lagGate(admin, [{ topic: "t", group: "g", maxLag: 2 }])
      yield* gate.admit(
        "t",
        5,
        Effect.sync(() => void (state.published += 5)),
      )
      expect(state.published).toBe(5)
    }).pipe(Effect.runPromise))
})
