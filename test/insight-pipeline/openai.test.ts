// The insight pipeline end to end over the real OpenAI-compatible layer and a loopback /v1/chat/completions.
import { it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect } from "vitest"
import { makeOpenAi } from "../../layers/provider/openai.js"
import { insightForRequest } from "../../pipelines/insight/insightForRequest.js"
import { InsightRepo } from "../../src/services/InsightRepo.js"
import { LanguageModel } from "../../src/services/LanguageModel.js"
import { json, type Loopback, startLoopback } from "../provider/loopback.js"
import { answer, findings, githubToken } from "./fixtures.js"

const completion = (content: string, finishReason = "stop") => ({
  id: "chatcmpl-1",
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: finishReason }],
  usage: { prompt_tokens: 900, completion_tokens: 120 },
})

let server: Loopback
beforeAll(async () => {
  server = await startLoopback()
})
afterAll(() => server.close())

/** The server answers these in order, one per request; the last repeats. */
const serve = (...replies: Array<{ content: string; finishReason?: string }>) => {
  let call = 0
  server.received.length = 0
  server.handle = (_request, response) => {
    const reply = replies[Math.min(call++, replies.length - 1)]!
    json(response, 200, completion(reply.content, reply.finishReason))
  }
}

const openAi = () =>
  Layer.merge(
    Layer.sync(LanguageModel, () =>
      makeOpenAi({ model: "gpt-4o-mini", baseUrl: `${server.url}/v1`, apiKey: "sk-test" }),
    ),
    InsightRepo.Memory,
  )

interface SentBody {
  readonly messages: ReadonlyArray<{ role: string; content: string }>
  readonly response_format?: { json_schema?: { name?: string } }
}
const bodies = () => server.received.map((r) => r.body as SentBody)

describe("insight over the OpenAI-compatible provider", () => {
  it.live("accepts a grounded answer given under the strict insight schema", () =>
    Effect.gen(function* () {
      serve({ content: JSON.stringify(answer()) })
      const insight = yield* insightForRequest("req-1", findings).pipe(Effect.provide(openAi()))
      expect(insight).toMatchObject({
        status: "accepted",
        attempts: 1,
        provider: "openai",
        model: "gpt-4o-mini",
      })
      expect(bodies()[0]!.response_format?.json_schema?.name).toBe("insight")
    }),
  )

  it.live("retries invalid JSON and an ungrounded quote with feedback the server receives", () =>
    Effect.gen(function* () {
      const ungrounded = answer({
        evidence: [{ lineStart: 150, lineEnd: 150, quote: "disk quota exceeded" }],
      })
      serve(
        { content: "Sorry, I cannot help" },
        { content: JSON.stringify(ungrounded) },
        { content: JSON.stringify(answer()) },
      )
      const insight = yield* insightForRequest("req-1", findings).pipe(Effect.provide(openAi()))
      expect(insight).toMatchObject({ status: "accepted", attempts: 3 })
      const [, second, third] = bodies()
      expect(second!.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"])
      expect(second!.messages[3]!.content).toContain("not valid JSON")
      expect(third!.messages.at(-1)!.content).toContain('"disk quota exceeded" does not occur')
    }),
  )

  it.live("treats finish_reason length as truncated and asks again", () =>
    Effect.gen(function* () {
      serve(
        { content: '{"summary":"The build', finishReason: "length" },
        { content: JSON.stringify(answer()) },
      )
      const insight = yield* insightForRequest("req-1", findings).pipe(Effect.provide(openAi()))
      expect(insight).toMatchObject({ status: "accepted", attempts: 2 })
      expect(insight.reasons[0]).toContain("cut off at the token limit")
    }),
  )

  it.live("rejects, with every reason, a model that never grounds its answer", () =>
    Effect.gen(function* () {
      serve({ content: JSON.stringify(answer({ evidence: [] })) })
      const insight = yield* insightForRequest("req-1", findings).pipe(Effect.provide(openAi()))
      expect(insight.status).toBe("rejected")
      expect(insight.reasons).toEqual([
        "attempt 1: evidence is empty: cite at least one log line with a quote",
        "attempt 2: evidence is empty: cite at least one log line with a quote",
        "attempt 3: evidence is empty: cite at least one log line with a quote",
      ])
      expect(server.received).toHaveLength(3)
    }),
  )

  it.live("never sends a secret from the log to the server unless redaction is off", () =>
    Effect.gen(function* () {
      serve({ content: JSON.stringify(answer()) })
      yield* insightForRequest("req-1", findings).pipe(Effect.provide(openAi()))
      expect(JSON.stringify(server.received)).not.toContain(githubToken)
      serve({ content: JSON.stringify(answer()) })
      yield* insightForRequest("req-1", findings, { redact: false }).pipe(Effect.provide(openAi()))
      expect(JSON.stringify(server.received)).toContain(githubToken)
    }),
  )
})
