// The scripted provider: replies in order, decodes like a real provider, sleeps on the Effect clock.
import { expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Fiber, Layer, Schema, TestClock } from "effect"
import { describe } from "vitest"
import { providerLayerFromConfig } from "../../layers/provider/index.js"
import { makeScripted } from "../../layers/provider/scripted.js"
import { LanguageModel, Timeout } from "../../src/services/LanguageModel.js"

const ask = { messages: [{ role: "user" as const, content: "hi" }] }
const Answer = Schema.Struct({ ok: Schema.Boolean })

describe("scripted provider", () => {
  it.effect("answers text, values, failures and truncations in order, then starts over", () =>
    Effect.gen(function* () {
      const model = makeScripted({
        script: [
          { value: { ok: true } },
          { text: "not json" },
          { fail: new Timeout({ provider: "scripted", afterMs: 5 }) },
          { truncated: '{"ok": tr' },
        ],
      })
      expect((yield* model.generate({ ...ask, schema: Answer })).value).toEqual({ ok: true })
      expect((yield* Effect.flip(model.generate({ ...ask, schema: Answer })))._tag).toBe("InvalidAnswer")
      expect((yield* Effect.flip(model.generate(ask)))._tag).toBe("Timeout")
      expect((yield* Effect.flip(model.generate(ask)))._tag).toBe("Truncated")
      expect((yield* model.generate(ask)).text).toBe('{"ok":true}')
    }),
  )

  it.effect("takes its latency from the Effect clock", () =>
    Effect.gen(function* () {
      const model = makeScripted({ script: [{ text: "late" }], latencyMs: 5_000 })
      const fiber = yield* Effect.fork(model.generate(ask))
      yield* TestClock.adjust(5_000)
      expect(yield* Fiber.join(fiber)).toMatchObject({ text: "late", latencyMs: 5_000 })
    }),
  )

  it.effect("lets a script function see the request", () =>
    Effect.gen(function* () {
      const model = makeScripted({
        script: (request, call) => ({ text: `${call}:${request.messages[0]!.content}` }),
      })
      expect((yield* model.generate(ask)).text).toBe("0:hi")
      expect((yield* model.generate(ask)).text).toBe("1:hi")
    }),
  )
})

describe("provider from config", () => {
  const withEnv = (env: Record<string, string>) =>
    Layer.provide(
      providerLayerFromConfig,
      Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
    )

  it.effect("names the settings when no provider is configured", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Effect.provide(LanguageModel, withEnv({})))
      expect(error.message).toContain("DESTILL_PROVIDER")
      expect(error.message).toContain("DESTILL_MODEL")
    }),
  )

  it.effect("asks for a model when the provider needs one", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Effect.provide(LanguageModel, withEnv({ DESTILL_PROVIDER: "ollama" })))
      expect(error.message).toContain("DESTILL_MODEL")
    }),
  )

  it.effect("rejects an unknown provider naming the variable", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Effect.provide(LanguageModel, withEnv({ DESTILL_PROVIDER: "gemini" })))
      expect(error.message).toContain("DESTILL_PROVIDER")
    }),
  )

  it.effect("builds the provider the variables name", () =>
    Effect.gen(function* () {
      const ollama = yield* Effect.provide(
        LanguageModel,
        withEnv({
          DESTILL_PROVIDER: "ollama",
          DESTILL_MODEL: "llama3.1:8b",
          OLLAMA_HOST: "http://127.0.0.1:1",
        }),
      )
      expect([ollama.provider, ollama.model]).toEqual(["ollama", "llama3.1:8b"])
      const openrouter = yield* Effect.provide(
        LanguageModel,
        withEnv({ DESTILL_PROVIDER: "openai", DESTILL_MODEL: "x/y", OPENROUTER_API_KEY: "sk-or-1" }),
      )
      expect(openrouter.provider).toBe("openrouter")
      const missingKey = yield* Effect.flip(
        Effect.provide(LanguageModel, withEnv({ DESTILL_PROVIDER: "openai", DESTILL_MODEL: "gpt-4o-mini" })),
      )
      expect(missingKey.message).toContain("OPENAI_API_KEY")
    }),
  )
})
