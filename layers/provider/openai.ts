// LanguageModel over an OpenAI-compatible HTTP API (OpenAI, OpenRouter, vLLM, llama.cpp server) with
// plain fetch: chat completions with a strict JSON Schema response format, and embeddings.
import { Clock, Duration, Effect, Layer } from "effect"
import {
  BadRequest,
  type FinishReason,
  type GenerateRequest,
  type Generation,
  LanguageModel,
  type LanguageModelError,
  type LanguageModelShape,
  Overloaded,
  RateLimited,
  Timeout,
  Truncated,
  Unreachable,
} from "../../src/services/LanguageModel.js"
import { chatMessages, decodeAnswer, estimateUsage, jsonSchemaOf, networkReason } from "./structured.js"

export interface OpenAiOptions {
  readonly model: string
  /** Default https://api.openai.com/v1. */
  readonly baseUrl?: string
  readonly apiKey?: string
  readonly embeddingModel?: string
  /** Per request; default 120 s. */
  readonly timeoutMs?: number
  /** Shown in errors and stats; default "openai". */
  readonly name?: string
  /** Servers without `response_format: json_schema` (older llama.cpp) set this to false. */
  readonly jsonSchema?: boolean
  readonly contextTokens?: number
}

interface ChatCompletion {
  readonly model?: string
  readonly choices?: ReadonlyArray<{ message?: { content?: string | null }; finish_reason?: string | null }>
  readonly usage?: { prompt_tokens?: number; completion_tokens?: number; cost?: number }
}

const finishReasonOf = (reason: string | null | undefined): FinishReason | "length" => {
  switch (reason) {
    case "stop":
      return "stop"
    case "length":
      return "length"
    case "content_filter":
      return "content-filter"
    case "tool_calls":
    case "function_call":
      return "tool-calls"
    default:
      return "other"
  }
}

/** Retry-After is seconds or an HTTP date; OpenAI also sends `retry-after-ms`. */
export const retryAfterMs = (headers: Headers, now: number): number | undefined => {
  const ms = Number(headers.get("retry-after-ms"))
  if (headers.has("retry-after-ms") && Number.isFinite(ms)) return ms
  const value = headers.get("retry-after")
  if (value === null) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

const errorDetail = async (response: Response): Promise<string> => {
  const body = await response.text().catch(() => "")
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } | string }
    const message = typeof parsed.error === "string" ? parsed.error : parsed.error?.message
    if (message !== undefined) return message
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.slice(0, 300) || response.statusText || "no detail"
}

export const makeOpenAi = (options: OpenAiOptions): LanguageModelShape => {
  const provider = options.name ?? "openai"
  const baseUrl = (options.baseUrl ?? "https://api.openai.com/v1").replace(/\/+$/, "")
  const timeoutMs = options.timeoutMs ?? 120_000

  const post = (path: string, body: unknown): Effect.Effect<unknown, LanguageModelError> => {
    const url = `${baseUrl}${path}`
    const send = Effect.tryPromise({
      try: (signal) =>
        fetch(url, {
          method: "POST",
          signal,
          headers: {
            "content-type": "application/json",
            ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
          },
          body: JSON.stringify(body),
        }),
      catch: (error): LanguageModelError =>
        new Unreachable({ provider, url, detail: networkReason(error) ?? String(error) }),
    })
    return send.pipe(
      Effect.flatMap((response) =>
        response.ok
          ? Effect.tryPromise({
              try: () => response.json() as Promise<unknown>,
              catch: () =>
                new Overloaded({ provider, status: response.status, detail: "the body is not JSON" }),
            })
          : Effect.flatMap(Clock.currentTimeMillis, (now) =>
              Effect.flatMap(
                Effect.promise(() => errorDetail(response)),
                (detail): Effect.Effect<never, LanguageModelError> => {
                  const status = response.status
                  if (status === 429) {
                    const after = retryAfterMs(response.headers, now)
                    return Effect.fail(
                      new RateLimited({
                        provider,
                        detail,
                        ...(after === undefined ? {} : { retryAfterMs: after }),
                      }),
                    )
                  }
                  if (status >= 500) return Effect.fail(new Overloaded({ provider, status, detail }))
                  const hint =
                    status === 401 || status === 403
                      ? " (check OPENAI_API_KEY / OPENROUTER_API_KEY)"
                      : status === 404
                        ? ` (check OPENAI_BASE_URL ${baseUrl} and the model name)`
                        : ""
                  return Effect.fail(new BadRequest({ provider, status, detail: detail + hint }))
                },
              ),
            ),
      ),
      Effect.timeoutFail({
        duration: Duration.millis(timeoutMs),
        onTimeout: () => new Timeout({ provider, afterMs: timeoutMs }),
      }),
    )
  }

  const generate = <A, I>(request: GenerateRequest<A, I>): Effect.Effect<Generation<A>, LanguageModelError> =>
    Effect.gen(function* () {
      const started = yield* Clock.currentTimeMillis
      const schema = request.schema
      const body = {
        model: options.model,
        messages: chatMessages(request as GenerateRequest<unknown, unknown>),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
        ...(request.seed === undefined ? {} : { seed: request.seed }),
        ...(schema === undefined
          ? {}
          : options.jsonSchema === false
            ? { response_format: { type: "json_object" } }
            : {
                response_format: {
                  type: "json_schema",
                  json_schema: {
                    name: request.schemaName ?? "answer",
                    schema: jsonSchemaOf(schema),
                    strict: true,
                  },
                },
              }),
      }
      const completion = (yield* post("/chat/completions", body)) as ChatCompletion
      const choice = completion.choices?.[0]
      const text = choice?.message?.content ?? ""
      const model = completion.model ?? options.model
      const reported = completion.usage
      const estimated = estimateUsage(request as GenerateRequest<unknown, unknown>, text)
      const usage = {
        promptTokens: reported?.prompt_tokens ?? estimated.promptTokens,
        completionTokens: reported?.completion_tokens ?? estimated.completionTokens,
      }
      const finishReason = finishReasonOf(choice?.finish_reason)
      if (finishReason === "length")
        return yield* Effect.fail(new Truncated({ provider, model, text, usage }))
      const decoded = yield* decodeAnswer(request, text, { provider, model })
      const latencyMs = (yield* Clock.currentTimeMillis) - started
      return {
        text,
        ...decoded,
        usage,
        finishReason,
        model,
        provider,
        latencyMs,
        ...(typeof reported?.cost === "number" ? { costUsd: reported.cost } : {}),
      }
    })

  const embed = (texts: ReadonlyArray<string>) =>
    texts.length === 0
      ? Effect.succeed([])
      : post("/embeddings", { model: options.embeddingModel ?? options.model, input: texts }).pipe(
          Effect.map((response) =>
            [...((response as { data?: Array<{ index: number; embedding: number[] }> }).data ?? [])]
              .sort((a, b) => a.index - b.index)
              .map((item) => item.embedding),
          ),
        )

  return {
    provider,
    model: options.model,
    capabilities: {
      jsonSchema: options.jsonSchema ?? true,
      embeddings: true,
      ...(options.contextTokens === undefined ? {} : { contextTokens: options.contextTokens }),
    },
    generate,
    embed,
  }
}

export const layerOpenAi = (options: OpenAiOptions): Layer.Layer<LanguageModel> =>
  Layer.succeed(LanguageModel, makeOpenAi(options))
