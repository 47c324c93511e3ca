// The OpenAI-compatible provider against a loopback /v1/chat/completions and /v1/embeddings.
import { it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { afterAll, beforeAll, describe, expect } from "vitest"
import { makeOpenAi } from "../../layers/provider/openai.js"
import { closedPort, json, type Loopback, startLoopback } from "./loopback.js"

const Verdict = Schema.Struct({ cause: Schema.String, confidence: Schema.Number })
const apiKey = "sk-test-0123456789abcdef"

const completion = (content: string, finishReason: string, usage: Record<string, number> = {}) => ({
  id: "chatcmpl-1",
  model: "gpt-4o-mini-2024-07-18",
  choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: finishReason }],
  usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150, ...usage },
})

let server: Loopback
beforeAll(async () => {
  server = await startLoopback()
})
afterAll(() => server.close())

const request = { system: "be brief", messages: [{ role: "user" as const, content: "why did it fail?" }] }
const model = () => makeOpenAi({ model: "gpt-4o-mini", baseUrl: `${server.url}/v1`, apiKey })

describe("openai-compatible provider", () => {
  it.live("asks for a strict json_schema answer and reports usage and cost", () =>
    Effect.gen(function* () {
      server.handle = (_req, res) =>
        json(res, 200, completion('{"cause":"disk full","confidence":0.8}', "stop", { cost: 0.00042 }))
      const answer = yield* model().generate({
        ...request,
        schema: Verdict,
        schemaName: "verdict",
        temperature: 0.2,
        maxTokens: 300,
        seed: 1,
      })
      expect(answer.value).toEqual({ cause: "disk full", confidence: 0.8 })
      expect(answer.usage).toEqual({ promptTokens: 120, completionTokens: 30 })
      expect(answer.costUsd).toBe(0.00042)
      expect(answer.model).toBe("gpt-4o-mini-2024-07-18")
      const sent = server.received.at(-1)!
      expect(sent.path).toBe("/v1/chat/completions")
      expect(sent.headers.authorization).toBe(`Bearer ${apiKey}`)
      expect(sent.body).toMatchObject({
        model: "gpt-4o-mini",
        temperature: 0.2,
        max_tokens: 300,
        seed: 1,
        messages: [
          { role: "system", content: "be brief" },
          { role: "user", content: "why did it fail?" },
        ],
        response_format: {
          type: "json_schema",
          json_schema: {
            name: "verdict",
            strict: true,
            schema: { type: "object", required: ["cause", "confidence"], additionalProperties: false },
          },
        },
      })
    }),
  )

  it.live("leaves cost out when the server does not report it", () =>
    Effect.gen(function* () {
      server.handle = (_req, res) => json(res, 200, completion("plain text", "stop"))
      const answer = yield* model().generate(request)
      expect(answer.text).toBe("plain text")
      expect(answer.costUsd).toBeUndefined()
      expect((server.received.at(-1)!.body as Record<string, unknown>).response_format).toBeUndefined()
    }),
  )

  it.live("fails with Truncated on finish_reason length", () =>
    Effect.gen(function* () {
      server.handle = (_req, res) => json(res, 200, completion('{"cause":"di', "length"))
      const error = yield* Effect.flip(model().generate({ ...request, schema: Verdict }))
      expect(error._tag).toBe("Truncated")
    }),
  )

  it.live("maps 429 with Retry-After to RateLimited carrying the delay", () =>
    Effect.gen(function* () {
      server.handle = (_req, res) =>
        json(res, 429, { error: { message: "Rate limit reached" } }, { "retry-after": "7" })
      const error = yield* Effect.flip(model().generate(request))
      expect(error).toMatchObject({ _tag: "RateLimited", retryAfterMs: 7000 })
    }),
  )

  it.live("maps 500 to Overloaded and 400 to BadRequest with the server's message, never the key", () =>
    Effect.gen(function* () {
      server.handle = (_req, res) => json(res, 500, { error: { message: "upstream exploded" } })
      const overloaded = yield* Effect.flip(model().generate(request))
      expect(overloaded._tag).toBe("Overloaded")
      expect(overloaded.message).toContain("upstream exploded")
      server.handle = (_req, res) =>
        json(res, 400, { error: { message: "Invalid schema for response_format" } })
      const bad = yield* Effect.flip(model().generate(request))
      expect(bad._tag).toBe("BadRequest")
      expect(bad.message).toContain("Invalid schema for response_format")
      expect(bad.message).not.toContain(apiKey)
    }),
  )

  it.live("fails with Unreachable when nothing listens, without printing the key", () =>
    Effect.gen(function* () {
      const base = yield* Effect.promise(closedPort)
      const error = yield* Effect.flip(makeOpenAi({ model: "m", baseUrl: base, apiKey }).generate(request))
      expect(error._tag).toBe("Unreachable")
      expect(error.message).toContain("ECONNREFUSED")
      expect(error.message).not.toContain(apiKey)
    }),
  )

  it.live("fails with Timeout when the server stalls", () =>
    Effect.gen(function* () {
      server.handle = () => {}
      const error = yield* Effect.flip(
        makeOpenAi({ model: "m", baseUrl: `${server.url}/v1`, timeoutMs: 200 }).generate(request),
      )
      expect(error._tag).toBe("Timeout")
    }),
  )

  it.live("embeds through /embeddings in input order", () =>
    Effect.gen(function* () {
      server.handle = (_req, res) =>
        json(res, 200, {
          data: [
            { index: 1, embedding: [2] },
            { index: 0, embedding: [1] },
          ],
          usage: { prompt_tokens: 2 },
        })
      const vectors = yield* makeOpenAi({
        model: "m",
        embeddingModel: "text-embedding-3-small",
        baseUrl: `${server.url}/v1`,
      }).embed(["a", "b"])
      expect(vectors).toEqual([[1], [2]])
      expect(server.received.at(-1)).toMatchObject({
        path: "/v1/embeddings",
        body: { model: "text-embedding-3-small", input: ["a", "b"] },
      })
    }),
  )
})
