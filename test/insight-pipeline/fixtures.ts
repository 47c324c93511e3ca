// Findings of a failed Maven build, a grounded answer for them, and a scripted model that records requests.
import { Effect, Layer } from "effect"
import { makeScripted, type ScriptedReply } from "../../layers/provider/scripted.js"
import type { InsightAnswer } from "../../src/insight/InsightAnswer.js"
import type { GenerateRequest } from "../../src/services/LanguageModel.js"
import { InsightRepo } from "../../src/services/InsightRepo.js"
import { LanguageModel } from "../../src/services/LanguageModel.js"
import { finding } from "../insight/fixtures.js"

export const githubToken = "ghp_Zx9QwErTyUiOpAsDfGhJkLzXcVbNm1234567"

export const compileError = finding()

/** A second failure in the same job, 30 lines on, whose lines carry a secret. */
export const deployError = finding({
  id: "f2",
  rank: 2,
  confidence: 0.7,
  lineStart: 150,
  lineEnd: 151,
  lines: [
    `[ERROR] upload failed: curl -H "Authorization: token ${githubToken}" https://maven.acme.dev/releases`,
    "[ERROR] HTTP 401 Unauthorized",
  ],
  message: "upload failed",
  context: { before: ["[INFO] Deploying artifacts"], after: ["[INFO] BUILD FAILURE"] },
  hash: "h2",
  category: "infrastructure",
})

export const findings = [compileError, deployError]

export const answer = (overrides: Partial<InsightAnswer> = {}): InsightAnswer => ({
  summary: "The build does not compile: Billing.java calls a method that no longer exists.",
  rootCause: "chargeCard(String) was removed from the payment client but Billing.java still calls it.",
  category: "compile",
  evidence: [{ lineStart: 121, lineEnd: 121, quote: "Billing.java:[42,17] cannot find symbol" }],
  suggestedFix: "Call the new charge(PaymentRequest) method in Billing.java.",
  confidence: 0.85,
  ...overrides,
})

export interface RecordingModel {
  readonly layer: Layer.Layer<LanguageModel>
  /** Every request the model received, in order. */
  readonly requests: Array<GenerateRequest<unknown, unknown>>
}

/** A scripted model answering `replies` in order (the last one repeats), remembering what it was asked. */
export const recordingModel = (
  replies: ReadonlyArray<ScriptedReply>,
  options: { readonly contextTokens?: number; readonly latencyMs?: number } = {},
): RecordingModel => {
  const requests: Array<GenerateRequest<unknown, unknown>> = []
  const model = makeScripted({
    script: (request, call) => {
      requests.push(request)
      return replies[Math.min(call, replies.length - 1)]!
    },
    ...options,
  })
  return { layer: Layer.succeed(LanguageModel, model), requests }
}

export const withModel = (model: RecordingModel) => Layer.merge(model.layer, InsightRepo.Memory)

/** All the text a request carried. */
export const sentText = (request: GenerateRequest<unknown, unknown>): string =>
  [request.system ?? "", ...request.messages.map((m) => m.content)].join("\n")

export const run = <A, E>(effect: Effect.Effect<A, E, LanguageModel | InsightRepo>, model: RecordingModel) =>
  Effect.provide(effect, withModel(model))
