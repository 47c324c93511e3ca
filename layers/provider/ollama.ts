// LanguageModel over a local or remote Ollama server with the `ollama` npm client: /api/chat with the
// answer's JSON Schema as `format` (streamed or not), and /api/embed.
import { Clock, Duration, Effect, Layer } from "effect"
import { type ChatResponse, Ollama } from "ollama"
import {
  BadRequest,
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
import { chatMessages, decodeAnswer, jsonSchemaOf, networkReason } from "./structured.js"

export const defaultOllamaHost = "http://127.0.0.1:11434"

export interface OllamaOptions {
  readonly model: string
  /** Default http://127.0.0.1:11434 (what OLLAMA_HOST overrides). */
  readonly host?: string
  readonly embeddingModel?: string
  /** Context window to ask for (`num_ctx`); Ollama's own default is small. */
  readonly contextTokens?: number
  /** Stream the answer (NDJSON) rather than wait for one response; default true. */
  readonly stream?: boolean
  /** Per request; default 300 s (a local model may first have to load). */
  readonly timeoutMs?: number
  readonly name?: string
}

const mapClientError =
  (provider: string, host: string) =>
  (error: unknown): LanguageModelError => {
    const status = (error as { status_code?: unknown }).status_code
    const detail = error instanceof Error ? error.message : String(error)
    if (typeof status === "number") {
      if (status === 429) return new RateLimited({ provider, detail })
      if (status >= 500) return new Overloaded({ provider, status, detail })
      const hint = status === 404 ? " (pull the model with `ollama pull`)" : ""
      return new BadRequest({ provider, status, detail: detail + hint })
    }
    const reason = networkReason(error)
    if (reason !== undefined) return new Unreachable({ provider, url: host, detail: reason })
    // An {"error": ...} line in the middle of a stream: the server failed while generating.
    return new Overloaded({ provider, detail })
  }

export const makeOllama = (options: OllamaOptions): LanguageModelShape => {
  const provider = options.name ?? "ollama"
  const host = options.host ?? defaultOllamaHost
  const timeoutMs = options.timeoutMs ?? 300_000
  const streamed = options.stream ?? true
  const toError = mapClientError(provider, host)

  // A client per call so that interrupting the effect (a timeout, a cancelled run) aborts its request.
  const call = <T>(run: (client: Ollama) => Promise<T>): Effect.Effect<T, LanguageModelError> =>
    Effect.tryPromise({
      try: (signal) =>
        run(
          new Ollama({
            host,
            fetch: (input, init) =>
              fetch(input, {
                ...init,
                signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
              }),
          }),
        ),
      catch: toError,
    }).pipe(
      Effect.timeoutFail({
        duration: Duration.millis(timeoutMs),
        onTimeout: () => new Timeout({ provider, afterMs: timeoutMs }),
      }),
    )

  const chat = (
    body: Parameters<Ollama["chat"]>[0],
  ): Effect.Effect<{ last: ChatResponse; text: string }, LanguageModelError> =>
    call(async (client) => {
      if (!streamed) {
        const last = await client.chat({ ...body, stream: false })
        return { last, text: last.message.content }
      }
      let text = ""
      let last: ChatResponse | undefined
      for await (const part of await client.chat({ ...body, stream: true })) {
        text += part.message?.content ?? ""
        last = part
      }
      if (last === undefined) throw new Error("the stream ended without an answer")
      return { last, text }
    })

  const generate = <A, I>(request: GenerateRequest<A, I>): Effect.Effect<Generation<A>, LanguageModelError> =>
    Effect.gen(function* () {
      const started = yield* Clock.currentTimeMillis
      const { last, text } = yield* chat({
        model: options.model,
        messages: chatMessages(request as GenerateRequest<unknown, unknown>),
        ...(request.schema === undefined ? {} : { format: jsonSchemaOf(request.schema) }),
        options: {
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          ...(request.seed === undefined ? {} : { seed: request.seed }),
          ...(request.maxTokens === undefined ? {} : { num_predict: request.maxTokens }),
          ...(options.contextTokens === undefined ? {} : { num_ctx: options.contextTokens }),
        },
      })
      const model = last.model || options.model
      const usage = { promptTokens: last.prompt_eval_count ?? 0, completionTokens: last.eval_count ?? 0 }
      if (last.done_reason === "length")
        return yield* Effect.fail(new Truncated({ provider, model, text, usage }))
      const decoded = yield* decodeAnswer(request, text, { provider, model })
      const latencyMs = (yield* Clock.currentTimeMillis) - started
      return {
        text,
        ...decoded,
        usage,
        finishReason: last.done_reason === "stop" || last.done_reason === undefined ? "stop" : "other",
        model,
        provider,
        latencyMs,
      }
    })

  const embed = (texts: ReadonlyArray<string>) =>
    texts.length === 0
      ? Effect.succeed([])
      : call((client) =>
          client.embed({ model: options.embeddingModel ?? options.model, input: [...texts] }),
        ).pipe(Effect.map((response) => response.embeddings))

  return {
    provider,
    model: options.model,
    capabilities: {
      jsonSchema: true,
      embeddings: true,
      ...(options.contextTokens === undefined ? {} : { contextTokens: options.contextTokens }),
    },
    generate,
    embed,
  }
}

export const layerOllama = (options: OllamaOptions): Layer.Layer<LanguageModel> =>
  Layer.succeed(LanguageModel, makeOllama(options))
