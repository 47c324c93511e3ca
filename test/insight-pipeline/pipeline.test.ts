// The insight pipeline with a scripted model: validation, retries with feedback, rejection, reuse and cuts.
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { insightForRequest } from "../../pipelines/insight/insightForRequest.js"
import { Finding } from "../../src/domain/Finding.js"
import { InsightRepo } from "../../src/services/InsightRepo.js"
import { BadRequest, Overloaded } from "../../src/services/LanguageModel.js"
import {
  answer,
  compileError,
  deployError,
  findings,
  githubToken,
  recordingModel,
  run,
  sentText,
} from "./fixtures.js"

const ungrounded = answer({
  evidence: [{ lineStart: 121, lineEnd: 121, quote: "NullPointerException in PaymentService" }],
})

describe("insightForRequest", () => {
  it.effect("accepts a grounded answer on the first attempt and records what was sent", () =>
    Effect.gen(function* () {
      const model = recordingModel([{ value: answer() }])
      const insight = yield* run(insightForRequest("req-1", findings), model)
      expect(insight).toMatchObject({
        status: "accepted",
        requestId: "req-1",
        category: "compile",
        attempts: 1,
        reasons: [],
        provider: "scripted",
        promptVersion: "insight-v1",
      })
      expect(insight.evidence[0]?.quote).toBe("Billing.java:[42,17] cannot find symbol")
      expect(model.requests).toHaveLength(1)
      // The record is exactly what the model saw.
      expect(insight.prompt.system).toBe(model.requests[0]!.system)
      expect(insight.prompt.messages).toEqual(model.requests[0]!.messages)
      expect(insight.cut.included).toEqual(["f1", "f2"])
    }),
  )

  it.effect("sends invalid JSON back as feedback and accepts the corrected answer", () =>
    Effect.gen(function* () {
      const model = recordingModel([
        { text: "The build failed because of a missing method." },
        { value: answer() },
      ])
      const insight = yield* run(insightForRequest("req-1", findings), model)
      expect(insight.status).toBe("accepted")
      expect(insight.attempts).toBe(2)
      expect(insight.reasons[0]).toMatch(/^attempt 1: the answer does not match the schema: not valid JSON/)
      const retry = model.requests[1]!.messages
      expect(retry.map((m) => m.role)).toEqual(["user", "assistant", "user"])
      expect(retry[1]!.content).toBe("The build failed because of a missing method.")
      expect(retry[2]!.content).toContain("Your previous answer was rejected")
      expect(retry[2]!.content).toContain("not valid JSON")
    }),
  )

  it.effect("rejects a quote that is not in the log, then accepts the corrected one", () =>
    Effect.gen(function* () {
      const model = recordingModel([{ value: ungrounded }, { value: answer() }])
      const insight = yield* run(insightForRequest("req-1", findings), model)
      expect(insight).toMatchObject({ status: "accepted", attempts: 2 })
      expect(insight.reasons).toEqual([
        expect.stringMatching(
          /attempt 1: evidence 1 \(lines 121-121\): "NullPointerException in PaymentService" does not occur/,
        ),
      ])
      expect(model.requests[1]!.messages.at(-1)!.content).toContain("NullPointerException in PaymentService")
    }),
  )

  it.effect("asks for a shorter answer after one cut off at the token limit", () =>
    Effect.gen(function* () {
      const model = recordingModel([
        { truncated: '{"summary": "The build does not comp' },
        { value: answer() },
      ])
      const insight = yield* run(insightForRequest("req-1", findings), model)
      expect(insight).toMatchObject({ status: "accepted", attempts: 2 })
      expect(insight.reasons[0]).toMatch(/cut off at the token limit/)
      expect(model.requests[1]!.messages.at(-1)!.content).toMatch(/keep it shorter/)
    }),
  )

  it.effect("stores an answer that never validates as rejected, with every reason and no content", () =>
    Effect.gen(function* () {
      const model = recordingModel([{ text: "no idea" }, { value: ungrounded }, { truncated: "{" }])
      const insight = yield* run(
        Effect.zipLeft(
          insightForRequest("req-1", findings),
          Effect.flatMap(InsightRepo, (repo) =>
            Effect.map(repo.forRequest("req-1"), (stored) =>
              expect(stored.map((i) => i.status)).toEqual(["rejected"]),
            ),
          ),
        ),
        model,
      )
      expect(insight.status).toBe("rejected")
      expect(insight.attempts).toBe(3)
      expect(insight.reasons).toHaveLength(3)
      expect(insight.reasons.map((r) => r.slice(0, 10))).toEqual(["attempt 1:", "attempt 2:", "attempt 3:"])
      expect(insight).toMatchObject({ summary: "", rootCause: "", suggestedFix: "", evidence: [] })
      expect(model.requests).toHaveLength(3)
    }),
  )

  it.effect("honours a configured number of attempts", () =>
    Effect.gen(function* () {
      const model = recordingModel([{ text: "no idea" }])
      const insight = yield* run(insightForRequest("req-1", findings, { maxAttempts: 5 }), model)
      expect(insight).toMatchObject({ status: "rejected", attempts: 5 })
      expect(model.requests).toHaveLength(5)
    }),
  )

  it.effect("reuses an accepted insight for identical input without calling the model again", () =>
    Effect.gen(function* () {
      const model = recordingModel([{ value: answer() }])
      const [first, second, again] = yield* run(
        Effect.all([
          insightForRequest("req-1", findings),
          // Another request over the same log: same findings (other ids would not matter), same model.
          insightForRequest("req-2", findings),
          insightForRequest("req-1", findings),
        ]),
        model,
      )
      expect(model.requests).toHaveLength(1)
      expect(second).toMatchObject({ requestId: "req-2", attempts: 0, summary: first.summary })
      expect(second.inputHash).toBe(first.inputHash)
      expect(second.id).not.toBe(first.id)
      expect(again.id).toBe(first.id)
    }),
  )

  it.effect("asks again when the input differs (other findings, or redaction off)", () =>
    Effect.gen(function* () {
      const model = recordingModel([{ value: answer() }])
      yield* run(
        Effect.all([
          insightForRequest("req-1", findings),
          insightForRequest("req-1", [compileError]),
          insightForRequest("req-1", findings, { redact: false }),
        ]),
        model,
      )
      expect(model.requests).toHaveLength(3)
    }),
  )

  it.effect("redacts secrets before sending unless told not to", () =>
    Effect.gen(function* () {
      const model = recordingModel([{ value: answer() }])
      const redacted = yield* run(insightForRequest("req-1", findings), model)
      expect(sentText(model.requests[0]!)).not.toContain(githubToken)
      expect(sentText(model.requests[0]!)).toContain("[REDACTED:token]")
      expect(redacted.cut.redactions).toBeGreaterThan(0)
      yield* run(insightForRequest("req-1", findings, { redact: false }), model)
      expect(sentText(model.requests[1]!)).toContain(githubToken)
    }),
  )

  it.effect("fits the prompt to a small context window and says what was cut", () =>
    Effect.gen(function* () {
      // What is left of 4,100 tokens after the answer and two retries is the smallest budget: 1,000 characters.
      const model = recordingModel([{ value: answer() }], { contextTokens: 4_100 })
      const stackTrace = new Finding({
        ...deployError,
        id: "f3",
        rank: 3,
        hash: "h3",
        lineStart: 300,
        lineEnd: 379,
        lines: Array.from(
          { length: 80 },
          (_, i) => `    at com.acme.billing.Worker.step${i}(Worker.java:${i + 10})`,
        ),
      })
      const insight = yield* run(insightForRequest("req-1", [...findings, stackTrace]), model)
      expect(insight.status).toBe("accepted")
      expect(insight.cut.maxChars).toBe(1_000)
      expect(insight.cut.note).toMatch(/to fit 1000 characters/)
      expect([...insight.cut.omitted, ...insight.cut.shortened]).toContain("f3")
      expect(sentText(model.requests[0]!)).toContain(insight.cut.note)
      expect(model.requests[0]!.messages[0]!.content.length).toBeLessThan(1_400)
    }),
  )

  it.effect("leaves repeats of an included failure out and says so", () =>
    Effect.gen(function* () {
      const model = recordingModel([{ value: answer() }])
      const twin = new Finding({
        ...compileError,
        id: "f3",
        rank: 3,
        lineStart: 400,
        lineEnd: 402,
      })
      const insight = yield* run(insightForRequest("req-1", [...findings, twin]), model)
      expect(insight.cut.included).toEqual(["f1", "f2"])
      expect(insight.cut.omitted).toEqual(["f3"])
      expect(insight.cut.note).toContain("1 repeat of included findings left out")
    }),
  )

  it.live("retries a provider that is briefly overloaded", () =>
    Effect.gen(function* () {
      const model = recordingModel([
        { fail: new Overloaded({ provider: "scripted", status: 503, detail: "busy" }) },
        { value: answer() },
      ])
      const insight = yield* run(insightForRequest("req-1", findings, { retryDelayMs: 1 }), model)
      expect(insight).toMatchObject({ status: "accepted", attempts: 2 })
      expect(insight.reasons[0]).toContain("overloaded")
    }),
  )

  it.effect("fails with the provider's own error when retrying cannot help", () =>
    Effect.gen(function* () {
      const model = recordingModel([
        { fail: new BadRequest({ provider: "scripted", status: 404, detail: "model llama9 not found" }) },
      ])
      const error = yield* Effect.flip(run(insightForRequest("req-1", findings), model))
      expect(error._tag).toBe("BadRequest")
      expect(error.message).toContain("model llama9 not found")
    }),
  )

  it.effect("says there is nothing to explain when triage found nothing", () =>
    Effect.gen(function* () {
      const model = recordingModel([{ value: answer() }])
      const error = yield* Effect.flip(run(insightForRequest("req-1", []), model))
      expect(error._tag).toBe("NothingToExplain")
      expect(error.message).toBe("request req-1 has no findings, so there is nothing to explain")
      expect(model.requests).toHaveLength(0)
    }),
  )
})
