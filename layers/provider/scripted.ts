// LanguageModel that answers from a script: for tests, offline demos and the dataset benchmark.
// Answers go through the same decoding as a real provider, so a scripted bad answer fails the same way.
import { Effect, Layer } from "effect"
import {
  type GenerateRequest,
  type Generation,
  LanguageModel,
  type LanguageModelError,
  type LanguageModelShape,
  Truncated,
  type Usage,
} from "../../src/services/LanguageModel.js"
import { decodeAnswer, estimateUsage } from "./structured.js"

/** One scripted answer: text, a value (sent as its JSON), a typed failure, or a cut-off text. */
export type ScriptedReply =
  | { readonly text: string; readonly usage?: Usage; readonly latencyMs?: number; readonly costUsd?: number }
  | {
      readonly value: unknown
      readonly usage?: Usage
      readonly latencyMs?: number
      readonly costUsd?: number
    }
  | { readonly fail: LanguageModelError; readonly latencyMs?: number }
  | { readonly truncated: string; readonly latencyMs?: number }

/** A list is answered in order and starts over when used up; a function sees each request and its index. */
export type Script =
  ReadonlyArray<ScriptedReply> | ((request: GenerateRequest<unknown, unknown>, call: number) => ScriptedReply)

export interface ScriptedOptions {
  readonly script: Script
  readonly model?: string
  readonly name?: string
  /** Added to every reply without its own `latencyMs`; slept through the Effect clock (TestClock works). */
  readonly latencyMs?: number
  readonly jsonSchema?: boolean
  readonly embeddings?: boolean
  readonly contextTokens?: number
  readonly embed?: (text: string) => ReadonlyArray<number>
}

/** A deterministic 16-dimension bag of character trigrams: similar texts get similar vectors. */
export const trigramVector = (text: string): ReadonlyArray<number> => {
  const vector = new Array<number>(16).fill(0)
  const lower = text.toLowerCase()
  for (let i = 0; i + 3 <= lower.length; i++) {
    let hash = 0
    for (let j = i; j < i + 3; j++) hash = (hash * 31 + lower.charCodeAt(j)) >>> 0
    vector[hash % 16]! += 1
  }
  const norm = Math.hypot(...vector) || 1
  return vector.map((x) => x / norm)
}

export const makeScripted = (options: ScriptedOptions): LanguageModelShape => {
  const provider = options.name ?? "scripted"
  const model = options.model ?? "scripted"
  const script = options.script
  if (Array.isArray(script) && script.length === 0)
    throw new Error("a scripted provider needs at least one reply")
  let calls = 0

  const replyFor = (request: GenerateRequest<unknown, unknown>): ScriptedReply => {
    const call = calls++
    return typeof script === "function"
      ? script(request, call)
      : (script as ReadonlyArray<ScriptedReply>)[call % script.length]!
  }

  const generate = <A, I>(request: GenerateRequest<A, I>): Effect.Effect<Generation<A>, LanguageModelError> =>
    Effect.suspend(() => {
      const reply = replyFor(request as GenerateRequest<unknown, unknown>)
      const latencyMs = reply.latencyMs ?? options.latencyMs ?? 0
      const answer = answerOf(request, reply, latencyMs)
      // Zero latency skips the clock entirely: the benchmark makes thousands of calls a second.
      return latencyMs > 0 ? Effect.zipRight(Effect.sleep(latencyMs), answer) : answer
    })

  const answerOf = <A, I>(
    request: GenerateRequest<A, I>,
    reply: ScriptedReply,
    latencyMs: number,
  ): Effect.Effect<Generation<A>, LanguageModelError> => {
    if ("fail" in reply) return Effect.fail(reply.fail)
    const untyped = request as GenerateRequest<unknown, unknown>
    if ("truncated" in reply) {
      const usage = estimateUsage(untyped, reply.truncated)
      return Effect.fail(new Truncated({ provider, model, text: reply.truncated, usage }))
    }
    const text = "text" in reply ? reply.text : JSON.stringify(reply.value)
    return Effect.map(decodeAnswer(request, text, { provider, model }), (decoded) => ({
      text,
      ...decoded,
      usage: reply.usage ?? estimateUsage(untyped, text),
      finishReason: "stop" as const,
      model,
      provider,
      latencyMs,
      ...(reply.costUsd === undefined ? {} : { costUsd: reply.costUsd }),
    }))
  }

  const embedOne = options.embed ?? trigramVector
  return {
    provider,
    model,
    capabilities: {
      jsonSchema: options.jsonSchema ?? true,
      embeddings: options.embeddings ?? true,
      ...(options.contextTokens === undefined ? {} : { contextTokens: options.contextTokens }),
    },
    generate,
    embed: (texts) => Effect.sync(() => texts.map(embedOne)),
  }
}

export const layerScripted = (options: ScriptedOptions): Layer.Layer<LanguageModel> =>
  Layer.sync(LanguageModel, () => makeScripted(options))
