// One task, start to settlement: generate (or reuse a stored, already-paid generation), store it, validate
// it, and retry with the validator's reasons as feedback until it passes or the attempts run out.
import { Effect, Either, Schema } from "effect"
import { type Attempt, DistillError, type JobSpec } from "../../src/domain/Distill.js"
import { sampleId } from "../../src/distill/exportFormat.js"
import type { DedupIndex } from "../../src/distill/minhash.js"
import { buildRequest, type PreviousAttempt } from "../../src/distill/prompt.js"
import type { Template } from "../../src/distill/templates.js"
import { dedupText, validateAnswer } from "../../src/distill/validators.js"
import type { PendingTask } from "../../src/services/DistillRepo.js"
import {
  isTransient,
  type LanguageModelError,
  type LanguageModelShape,
} from "../../src/services/LanguageModel.js"
import type { Journal } from "./journal.js"
import type { JobProgress } from "./progress.js"

export interface TaskContext {
  readonly jobId: string
  readonly spec: JobSpec
  readonly template: Template
  readonly llm: LanguageModelShape
  readonly journal: Journal
  readonly dedup: DedupIndex
  readonly progress: JobProgress
}

const Verdict = Schema.Struct({ score: Schema.Number, reason: Schema.String })

/** The value a provider already decoded from a fresh attempt's text, so it is not parsed a second time. */
const decoded = new WeakMap<Attempt, unknown>()

const parseJson = (text: string): unknown => {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/.exec(text)
  try {
    return JSON.parse(fenced?.[1] ?? text) as unknown
  } catch {
    return undefined
  }
}

const recordFailure = (ctx: TaskContext, base: Base, error: LanguageModelError) => {
  if (isTransient(error)) {
    return Effect.fail(
      new DistillError({
        message: `generation failed after retries: ${error.message}; the job is saved, and destill distill resume ${ctx.jobId} continues it`,
      }),
    )
  }
  const usage = "usage" in error ? error.usage : { promptTokens: 0, completionTokens: 0 }
  return Effect.succeed<Attempt>({
    ...base,
    provider: error.provider,
    model: "model" in error ? error.model : "unknown",
    text: "text" in error ? error.text : error.message,
    finish: error._tag === "Truncated" ? "truncated" : error._tag === "InvalidAnswer" ? "invalid" : "error",
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
  })
}

interface Base {
  readonly jobId: string
  readonly taskIndex: number
  readonly attempt: number
}

/** One paid generation as an Attempt; answers the model got wrong are attempts too, to be judged. */
const generateAttempt = (
  ctx: TaskContext,
  task: PendingTask,
  n: number,
  previous: ReadonlyArray<PreviousAttempt>,
): Effect.Effect<Attempt, DistillError> => {
  const request = buildRequest(ctx.template, task.seed, previous, {
    ...(ctx.spec.temperature === undefined ? {} : { temperature: ctx.spec.temperature }),
    ...(ctx.spec.maxTokens === undefined ? {} : { maxTokens: ctx.spec.maxTokens }),
    ...(ctx.spec.randomSeed === undefined ? {} : { seed: ctx.spec.randomSeed + task.index * 7919 + n }),
  })
  const base: Base = { jobId: ctx.jobId, taskIndex: task.index, attempt: n }
  const progress = ctx.progress
  // Plain counters around the call: one matchEffect instead of either + ensuring + a generator per call.
  let open = false
  const close = () => {
    if (open) progress.inFlight--
    open = false
  }
  const done = () => {
    close()
    progress.attempts++
  }
  return Effect.suspend(() => {
    open = true
    progress.inFlight++
    return ctx.llm.generate(request)
  }).pipe(
    Effect.matchEffect({
      onSuccess: (g) => {
        done()
        const attempt: Attempt = {
          ...base,
          provider: g.provider,
          model: g.model,
          text: g.text,
          finish: "stop",
          promptTokens: g.usage.promptTokens,
          completionTokens: g.usage.completionTokens,
        }
        if (g.value !== undefined) decoded.set(attempt, g.value)
        return Effect.succeed(attempt)
      },
      onFailure: (error) => {
        done()
        return recordFailure(ctx, base, error)
      },
    }),
    Effect.onInterrupt(() => Effect.sync(close)),
  )
}

const judge = (ctx: TaskContext, task: PendingTask, value: unknown) =>
  Effect.gen(function* () {
    const settings = ctx.spec.validators?.judge
    if (settings === undefined) return []
    const answer = yield* Effect.either(
      ctx.llm.generate({
        system:
          "You grade fine-tuning samples. Score from 0 (useless, wrong or off-topic) to 1 (correct, specific, well written). Answer with JSON {score, reason}.",
        messages: [
          {
            role: "user",
            content: `Template: ${ctx.template.id} (${ctx.template.description}).\nSeed: ${JSON.stringify(task.seed)}\n${settings.criteria === undefined ? "" : `Criteria: ${settings.criteria}\n`}Sample: ${JSON.stringify(value)}`,
          },
        ],
        schema: Verdict,
        schemaName: "verdict",
        temperature: 0,
      }),
    )
    if (Either.isLeft(answer)) return [`the judge could not score the sample (${answer.left.message})`]
    const { score, reason } = answer.right.value!
    return score >= settings.threshold
      ? []
      : [`a judge scored the sample ${score.toFixed(2)}, below ${settings.threshold}: ${reason}`]
  })

/** The pure checks, then dedup (which admits the sample when it passes): no effect, no generator. */
const check = (ctx: TaskContext, task: PendingTask, attempt: Attempt) => {
  const value = attempt.finish === "error" ? undefined : (decoded.get(attempt) ?? parseJson(attempt.text))
  const validators = ctx.spec.validators ?? {}
  const reasons = validateAnswer(
    ctx.template,
    task.seed,
    { text: attempt.text, finish: attempt.finish, ...(value === undefined ? {} : { value }) },
    {
      ...(validators.minChars === undefined ? {} : { minChars: validators.minChars }),
      ...(validators.maxChars === undefined ? {} : { maxChars: validators.maxChars }),
    },
  )
  if (reasons.length > 0) return { reasons, value, passed: false }
  const verdict = ctx.dedup.admit(dedupText(value), task.index)
  if (verdict.duplicate !== false) {
    const what =
      verdict.duplicate === "exact"
        ? "is the same as"
        : `is ${Math.round(verdict.similarity * 100)}% similar to`
    return {
      reasons: [`the answer ${what} sample ${sampleId(ctx.jobId, verdict.of)}; write something different`],
      value,
      passed: false,
    }
  }
  return { reasons, value, passed: true }
}

const evaluate = (
  ctx: TaskContext,
  task: PendingTask,
  attempt: Attempt,
): Effect.Effect<{ readonly reasons: ReadonlyArray<string>; readonly value: unknown }> => {
  const checked = check(ctx, task, attempt)
  if (!checked.passed || ctx.spec.validators?.judge === undefined) return Effect.succeed(checked)
  return Effect.map(judge(ctx, task, checked.value), (reasons) => ({ reasons, value: checked.value }))
}

/** Settle one task; the only failures are the store's, or a provider that stays unavailable. */
export const settleTask = (ctx: TaskContext, task: PendingTask) =>
  Effect.gen(function* () {
    const maxAttempts = ctx.spec.maxAttempts ?? 3
    const previous: Array<PreviousAttempt> = []
    const history: Array<string> = []
    let n = 0
    let candidate: Attempt | undefined
    for (const stored of task.history) {
      n = stored.attempt
      if (stored.reasons === undefined) candidate = stored
      else {
        previous.push({ text: stored.text, reasons: stored.reasons })
        history.push(`attempt ${stored.attempt}: ${stored.reasons.join("; ")}`)
      }
    }
    for (;;) {
      if (candidate === undefined) {
        if (n >= maxAttempts) break
        n++
        candidate = yield* generateAttempt(ctx, task, n, previous)
        yield* ctx.journal.record(candidate)
      }
      const { reasons, value } = yield* evaluate(ctx, task, candidate)
      ctx.progress.checked(reasons)
      const verdict = { jobId: ctx.jobId, taskIndex: task.index, attempt: candidate.attempt, reasons }
      if (reasons.length === 0) {
        const sample = {
          id: sampleId(ctx.jobId, task.index),
          jobId: ctx.jobId,
          taskIndex: task.index,
          attempt: candidate.attempt,
          template: ctx.template.id,
          seed: task.seed,
          value,
          provider: candidate.provider,
          model: candidate.model,
        }
        yield* ctx.journal.settle({ verdict, sample })
        ctx.progress.settled(task.index, "accepted", n)
        return
      }
      previous.push({ text: candidate.text, reasons })
      history.push(`attempt ${candidate.attempt}: ${reasons.join("; ")}`)
      if (n >= maxAttempts) {
        yield* ctx.journal.settle({
          verdict,
          rejection: { jobId: ctx.jobId, taskIndex: task.index, seed: task.seed, reasons: history },
        })
        ctx.progress.settled(task.index, "rejected", n)
        return
      }
      yield* ctx.journal.settle({ verdict })
      candidate = undefined
    }
    // Stopped with every attempt judged (a crash after the last verdict): reject with what was recorded.
    yield* ctx.journal.settle({
      verdict: {
        jobId: ctx.jobId,
        taskIndex: task.index,
        attempt: n,
        reasons: previous[previous.length - 1]?.reasons ?? [],
      },
      rejection: { jobId: ctx.jobId, taskIndex: task.index, seed: task.seed, reasons: history },
    })
    ctx.progress.settled(task.index, "rejected", n)
  })
