// The insight pipeline for one request: group its top findings, pack them into a prompt the provider's
// window can hold, ask and validate with retries, store the result; an identical input reuses its answer.
import { createHash } from "node:crypto"
import { Clock, Data, Effect, Option } from "effect"
import type { StoreError } from "../../src/domain/errors.js"
import type { Finding } from "../../src/domain/Finding.js"
import { Insight, type InsightCut } from "../../src/domain/Insight.js"
import { RequestId } from "../../src/domain/Request.js"
import { buildInsightPrompt, insightPromptVersion, promptLines } from "../../src/insight/prompt.js"
import { InsightRepo } from "../../src/services/InsightRepo.js"
import { LanguageModel, type LanguageModelError } from "../../src/services/LanguageModel.js"
import { attemptInsight } from "./attempts.js"
import { promptCharsFor } from "./budget.js"
import { groupFindings, promptOrder } from "./group.js"

export interface InsightOptions {
  /** Model calls before an answer that never validates is rejected; default 3. */
  readonly maxAttempts?: number
  /** Findings considered, best first; default 8. */
  readonly maxFindings?: number
  /** Replace secrets and emails before anything is sent; default true (`--no-redact` sets false). */
  readonly redact?: boolean
  /** Tokens the answer may use; default 1024. */
  readonly maxTokens?: number
  readonly temperature?: number
  /** How far from its cited lines a quote may be found; default 3. */
  readonly nearLines?: number
  /** Pause after a transient provider failure, doubling; default 500 ms. */
  readonly retryDelayMs?: number
  /** Reuse a stored accepted insight made from the identical input; default true. */
  readonly reuse?: boolean
}

/** Triage found nothing to explain. */
export class NothingToExplain extends Data.TaggedError("NothingToExplain")<{ readonly requestId: string }> {
  override get message() {
    return `request ${this.requestId} has no findings, so there is nothing to explain`
  }
}

export type InsightError = LanguageModelError | StoreError | NothingToExplain

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex")

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

const redactionMark = /\[REDACTED:/g

const cutOf = (
  prompt: ReturnType<typeof buildInsightPrompt>,
  beyondLimit: ReadonlyArray<Finding>,
  repeats: ReadonlyArray<Finding>,
  maxChars: number,
): InsightCut => {
  const notes = [
    prompt.cutNote,
    beyondLimit.length > 0
      ? `${plural(beyondLimit.length, "finding")} beyond the first ${prompt.included.length + prompt.omitted.length} not considered`
      : "",
    repeats.length > 0 ? `${plural(repeats.length, "repeat")} of included findings left out` : "",
  ].filter((note) => note !== "")
  return {
    included: prompt.included,
    omitted: [...prompt.omitted, ...beyondLimit.map((f) => f.id), ...repeats.map((f) => f.id)],
    shortened: prompt.shortened,
    maxChars,
    // Counted in what was sent, so secrets in findings that did not fit are not claimed.
    redactions: prompt.user.match(redactionMark)?.length ?? 0,
    note: notes.join("; "),
  }
}

/**
 * Explain one request's findings. Fails only when there is nothing to explain, the provider cannot be
 * used, or the store fails; an answer that never validates comes back (and is stored) as `rejected`.
 * Distributed mode calls this from the insight agent with the request's findings.
 */
export const insightForRequest = (
  requestId: string,
  findings: ReadonlyArray<Finding>,
  options: InsightOptions = {},
): Effect.Effect<Insight, InsightError, LanguageModel | InsightRepo> =>
  Effect.gen(function* () {
    if (findings.length === 0) return yield* new NothingToExplain({ requestId })
    const model = yield* LanguageModel
    const repo = yield* InsightRepo
    const maxAttempts = Math.max(1, options.maxAttempts ?? 3)
    const maxTokens = options.maxTokens ?? 1024
    const redact = options.redact ?? true
    const maxChars = promptCharsFor(model.capabilities, { maxTokens, attempts: maxAttempts })
    const maxFindings = options.maxFindings ?? 8
    const {
      findings: ordered,
      beyondLimit,
      repeats,
    } = promptOrder(groupFindings(findings), {
      redact,
      maxFindings,
    })
    // Lines are redacted already (once each); the packer only fits them.
    const prompt = buildInsightPrompt(ordered, { maxChars, maxFindings, redact: false })
    const inputHash = sha256(
      JSON.stringify([prompt.version, model.provider, model.model, prompt.system, prompt.user]),
    )
    const id = sha256(`${requestId}\n${inputHash}`).slice(0, 32)
    const now = yield* Clock.currentTimeMillis

    if (options.reuse ?? true) {
      const stored = yield* repo.findAccepted(inputHash)
      if (Option.isSome(stored)) {
        if (stored.value.requestId === requestId) return stored.value
        const reused = new Insight({
          ...stored.value,
          id,
          requestId: RequestId.make(requestId),
          attempts: 0,
          createdAt: now,
        })
        yield* repo.save(reused)
        return reused
      }
    }

    const outcome = yield* attemptInsight(prompt, promptLines(ordered, { redact: false }), {
      maxAttempts,
      maxTokens,
      temperature: options.temperature ?? 0.2,
      nearLines: options.nearLines ?? 3,
      retryDelayMs: options.retryDelayMs ?? 500,
    })
    const answer = outcome.answer
    const insight = new Insight({
      id,
      requestId: RequestId.make(requestId),
      status: answer === undefined ? "rejected" : "accepted",
      // A rejected answer is never shown: its content stays out, its reasons say what was wrong.
      summary: answer?.summary ?? "",
      rootCause: answer?.rootCause ?? "",
      category: answer?.category ?? "",
      evidence: answer?.evidence ?? [],
      suggestedFix: answer?.suggestedFix ?? "",
      confidence: answer?.confidence ?? 0,
      provider: model.provider,
      model: model.model,
      attempts: outcome.attempts,
      reasons: outcome.reasons,
      promptVersion: insightPromptVersion,
      inputHash,
      prompt: { system: prompt.system, messages: outcome.messages },
      cut: cutOf(prompt, beyondLimit, repeats, maxChars),
      createdAt: now,
    })
    yield* repo.save(insight)
    return insight
  })
