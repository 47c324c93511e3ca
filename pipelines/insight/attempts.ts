// Ask for an insight until an answer validates: each rejected answer goes back to the model with the
// reasons as feedback; provider hiccups are retried after a pause; every reason is kept.
import { Duration, Effect, Either } from "effect"
import { type InsightAnswer, InsightAnswer as InsightAnswerSchema } from "../../src/insight/InsightAnswer.js"
import { validateInsight, verdictForFailure } from "../../src/insight/validate.js"
import {
  type ChatMessage,
  isTransient,
  LanguageModel,
  type LanguageModelError,
} from "../../src/services/LanguageModel.js"

export interface AttemptSettings {
  readonly maxAttempts: number
  readonly maxTokens: number
  readonly temperature: number
  /** How far from the cited lines a quote may be found. */
  readonly nearLines: number
  /** First pause after a transient provider failure; doubles each time. */
  readonly retryDelayMs: number
}

export interface AttemptOutcome {
  /** Present when an answer validated. */
  readonly answer?: InsightAnswer
  readonly attempts: number
  readonly reasons: ReadonlyArray<string>
  /** The messages of the last call, as the model saw them. */
  readonly messages: ReadonlyArray<ChatMessage>
}

export const attemptInsight = (
  prompt: { readonly system: string; readonly user: string },
  logLines: (lineNo: number) => ReadonlyArray<string>,
  settings: AttemptSettings,
): Effect.Effect<AttemptOutcome, LanguageModelError, LanguageModel> =>
  Effect.gen(function* () {
    const model = yield* LanguageModel
    let messages: ReadonlyArray<ChatMessage> = [{ role: "user", content: prompt.user }]
    const reasons: Array<string> = []
    let pause = settings.retryDelayMs
    let lastSent = messages
    for (let attempt = 1; attempt <= settings.maxAttempts; attempt++) {
      const sent = messages
      lastSent = sent
      const result = yield* Effect.either(
        model.generate({
          system: prompt.system,
          messages: sent,
          schema: InsightAnswerSchema,
          schemaName: "insight",
          temperature: settings.temperature,
          maxTokens: settings.maxTokens,
        }),
      )
      const last = attempt === settings.maxAttempts
      if (Either.isRight(result)) {
        const answer = result.right.value
        if (answer === undefined) {
          // A provider that ignores the schema: treat like an undecodable answer.
          reasons.push(`attempt ${attempt}: the answer carried no structured value`)
          continue
        }
        const verdict = validateInsight(answer, logLines, { nearLines: settings.nearLines })
        if (verdict.ok) return { answer, attempts: attempt, reasons, messages: sent }
        reasons.push(...verdict.reasons.map((reason) => `attempt ${attempt}: ${reason}`))
        messages = [
          ...sent,
          { role: "assistant", content: result.right.text },
          { role: "user", content: verdict.feedback },
        ]
        continue
      }
      const error = result.left
      const verdict = verdictForFailure(error)
      if (verdict !== undefined) {
        reasons.push(...verdict.reasons.map((reason) => `attempt ${attempt}: ${reason}`))
        const text = "text" in error ? error.text : ""
        messages = [
          ...sent,
          ...(text.trim() === "" ? [] : [{ role: "assistant" as const, content: text }]),
          { role: "user", content: verdict.feedback },
        ]
        continue
      }
      // The provider itself failed: nothing for the model to fix. Out of attempts, the user needs its message.
      if (!isTransient(error) || last) return yield* Effect.fail(error)
      reasons.push(`attempt ${attempt}: ${error.message}`)
      yield* Effect.sleep(Duration.millis(pause))
      pause *= 2
    }
    return { attempts: settings.maxAttempts, reasons, messages: lastSent }
  })
