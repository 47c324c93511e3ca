// The real `ollama` client against a loopback server speaking Ollama's /api/chat and /api/embed.
import { it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { afterAll, beforeAll, describe, expect } from "vitest"
import { makeOllama } from "../../layers/provider/ollama.js"
import { closedPort, json, type Loopback, startLoopback } from "./loopback.js"

const Verdict = Schema.Struct({ cause: Schema.String, confidence: Schema.Number })

const chunk = (content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: "llama3.1:8b",
    created_at: "2025-01-01T00:00:00Z",
    message: { role: "assistant", content },
    done: false,
    ...extra,
  }) + "\n"

const final = (doneReason: string) =>
  chunk("", { done: true, done_reason: doneReason, prompt_eval_count: 42, eval_count: 7 })

let server: Loopback
beforeAll(async () => {
  server = await startLoopback()
})
afterAll(() => server.close())

const request = { system: "be brief", messages: [{ role: "user" as const, content: "why did it fail?" }] }

describe("ollama provider", () => {
  it.live("streams a structured answer and sends the schema as format with the options", () =>
    Effect.gen(function* () {
      server.handle = (_req, res) => {
        res.writeHead(200, { "content-type": "application/x-ndjson" })
        res.write(chunk('{"cause": "disk '))
        res.write(chunk('full", "confidence": 0.9}'))
        res.end(final("stop"))
      }
      const model = makeOllama({ model: "llama3.1:8b", host: server.url, contextTokens: 8192 })
      const answer = yield* model.generate({
        ...request,
        schema: Verdict,
        temperature: 0,
        seed: 7,
        maxTokens: 256,
      })
      expect(answer.value).toEqual({ cause: "disk full", confidence: 0.9 })
      expect(answer.usage).toEqual({ promptTokens: 42, completionTokens: 7 })
      expect(answer.provider).toBe("ollama")
      const sent = server.received.at(-1)!
      expect(sent.path).toBe("/api/chat")
      expect(sent.body).toMatchObject({
        model: "llama3.1:8b",
        stream: true,
        messages: [
          { role: "system", content: "be brief" },
          { role: "user", content: "why did it fail?" },
        ],
        format: { type: "object", required: ["cause", "confidence"] },
        options: { temperature: 0, seed: 7, num_predict: 256, num_ctx: 8192 },
      })
    }),
  )

  it.live("reads a single (non-streamed) response", () =>
    Effect.gen(function* () {
      server.handle = (_req, res) =>
        json(res, 200, {
          model: "llama3.1:8b",
          message: { role: "assistant", content: "the disk is full" },
          done: true,
          done_reason: "stop",
          prompt_eval_count: 10,
          eval_count: 5,
        })
      const model = makeOllama({ model: "llama3.1:8b", host: server.url, stream: false })
      const answer = yield* model.generate(request)
      expect(answer.text).toBe("the disk is full")
      expect(answer.value).toBeUndefined()
      expect((server.received.at(-1)!.body as { stream: boolean }).stream).toBe(false)
    }),
  )

  it.live("fails with Truncated when the model stops at the token limit", () =>
    Effect.gen(function* () {
      server.handle = (_req, res) => {
        res.writeHead(200, { "content-type": "application/x-ndjson" })
        res.write(chunk('{"cause": "disk'))
        res.end(final("length"))
      }
      const error = yield* Effect.flip(
        makeOllama({ model: "m", host: server.url }).generate({ ...request, schema: Verdict }),
      )
      expect(error._tag).toBe("Truncated")
      expect(error._tag === "Truncated" && error.text).toBe('{"cause": "disk')
      expect(error.message).toContain("raise maxTokens")
    }),
  )

  it.live("maps an error line in the middle of the stream to Overloaded with the server's words", () =>
    Effect.gen(function* () {
      server.handle = (_req, res) => {
        res.writeHead(200, { "content-type": "application/x-ndjson" })
        res.write(chunk("partial "))
        res.end(JSON.stringify({ error: "model runner has unexpectedly stopped" }) + "\n")
      }
      const error = yield* Effect.flip(makeOllama({ model: "m", host: server.url }).generate(request))
      expect(error._tag).toBe("Overloaded")
      expect(error.message).toContain("model runner has unexpectedly stopped")
    }),
  )

  it.live("maps HTTP 429, 500 and 404 to RateLimited, Overloaded and BadRequest", () =>
    Effect.gen(function* () {
      const model = makeOllama({ model: "m", host: server.url })
      const statuses: Array<[number, string]> = [
        [429, "RateLimited"],
        [500, "Overloaded"],
        [503, "Overloaded"],
        [404, "BadRequest"],
      ]
      for (const [status, tag] of statuses) {
        server.handle = (_req, res) => json(res, status, { error: `status ${status}` })
        const error = yield* Effect.flip(model.generate(request))
        expect(error._tag).toBe(tag)
      }
    }),
  )

  it.live("fails with Unreachable when nothing listens", () =>
    Effect.gen(function* () {
      const host = yield* Effect.promise(closedPort)
      const error = yield* Effect.flip(makeOllama({ model: "m", host }).generate(request))
      expect(error._tag).toBe("Unreachable")
      expect(error.message).toContain(host)
    }),
  )

  it.live("fails with Timeout when the server does not answer in time", () =>
    Effect.gen(function* () {
      server.handle = () => {} // never answers
      const error = yield* Effect.flip(
        makeOllama({ model: "m", host: server.url, timeoutMs: 200 }).generate(request),
      )
      expect(error._tag).toBe("Timeout")
    }),
  )

  it.live("rejects an answer outside the schema with InvalidAnswer", () =>
    Effect.gen(function* () {
      server.handle = (_req, res) => {
        res.writeHead(200, { "content-type": "application/x-ndjson" })
        res.write(chunk('{"cause": 3}'))
        res.end(final("stop"))
      }
      const error = yield* Effect.flip(
        makeOllama({ model: "m", host: server.url }).generate({ ...request, schema: Verdict }),
      )
      expect(error._tag).toBe("InvalidAnswer")
    }),
  )

  it.live("embeds texts through /api/embed", () =>
    Effect.gen(function* () {
      server.handle = (_req, res) =>
        json(res, 200, {
          model: "nomic-embed-text",
          embeddings: [
            [0.1, 0.2],
            [0.3, 0.4],
          ],
        })
      const model = makeOllama({ model: "m", embeddingModel: "nomic-embed-text", host: server.url })
      const vectors = yield* model.embed(["a", "b"])
      expect(vectors).toEqual([
        [0.1, 0.2],
        [0.3, 0.4],
      ])
      expect(server.received.at(-1)).toMatchObject({
        path: "/api/embed",
        body: { model: "nomic-embed-text", input: ["a", "b"] },
      })
    }),
  )
})
