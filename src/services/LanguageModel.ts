// The LanguageModel port: one chat-generation and embedding interface over every LLM provider
// (Ollama, OpenAI-compatible servers, a script, a router of several), with typed, actionable failures.
import { Context, Data, type Effect, type Schema, type Stream } from "effect"

export interface ChatMessage {
  readonly role: "user" | "assistant"
  readonly content: string
}

export interface GenerateRequest<A = unknown, I = unknown> {
  readonly system?: string
  readonly messages: ReadonlyArray<ChatMessage>
  /** When set, the provider is asked for JSON matching it and the answer is decoded into `value`. */
  readonly schema?: Schema.Schema<A, I, never>
  /** Name of the structured answer, for providers that want one (OpenAI `json_schema.name`). */
  readonly schemaName?: string
  readonly temperature?: number
  readonly maxTokens?: number
  readonly seed?: number
}

export interface Usage {
  readonly promptTokens: number
  readonly completionTokens: number
}

/** Why the model stopped. Running out of tokens is never a success: it fails with `Truncated`. */
export type FinishReason = "stop" | "content-filter" | "tool-calls" | "other"

export interface Generation<A = unknown> {
  readonly text: string
  /** The decoded answer; present exactly when the request had a schema. */
  readonly value?: A
  readonly usage: Usage
  readonly finishReason: FinishReason
  readonly model: string
  readonly provider: string
  readonly latencyMs: number
  /** Reported by the server (OpenRouter `usage.cost`); absent when unknown. */
  readonly costUsd?: number
}

export interface Capabilities {
  /** Constrained decoding to a JSON Schema (Ollama `format`, OpenAI `response_format`). */
  readonly jsonSchema: boolean
  readonly embeddings: boolean
  /** Context window in tokens, when known, so prompts can be budgeted. */
  readonly contextTokens?: number
}

/** The server refused for now; retry after `retryAfterMs` when the server said how long. */
export class RateLimited extends Data.TaggedError("RateLimited")<{
  readonly provider: string
  readonly retryAfterMs?: number
  readonly detail?: string
}> {
  override get message() {
    const after = this.retryAfterMs === undefined ? "" : ` (retry after ${Math.ceil(this.retryAfterMs)} ms)`
    return `${this.provider} rate-limited the request${after}; lower the concurrency or requests per minute`
  }
}

/** The server failed or is too busy (HTTP 5xx, an error mid-stream); usually passes on retry. */
export class Overloaded extends Data.TaggedError("Overloaded")<{
  readonly provider: string
  readonly status?: number
  readonly detail: string
}> {
  override get message() {
    const status = this.status === undefined ? "" : ` (HTTP ${this.status})`
    return `${this.provider} is overloaded or failed${status}: ${this.detail}`
  }
}

export class Timeout extends Data.TaggedError("Timeout")<{
  readonly provider: string
  readonly afterMs: number
}> {
  override get message() {
    return `${this.provider} did not answer within ${this.afterMs} ms; raise the timeout or use a smaller model`
  }
}

/** The server rejected the request itself (HTTP 4xx): retrying the same request will not help. */
export class BadRequest extends Data.TaggedError("BadRequest")<{
  readonly provider: string
  readonly status?: number
  readonly detail: string
}> {
  override get message() {
    const status = this.status === undefined ? "" : ` (HTTP ${this.status})`
    return `${this.provider} rejected the request${status}: ${this.detail}`
  }
}

/** The model ran out of tokens (finish reason "length"); `text` is the partial answer. */
export class Truncated extends Data.TaggedError("Truncated")<{
  readonly provider: string
  readonly model: string
  readonly text: string
  readonly usage: Usage
}> {
  override get message() {
    return `${this.provider} ${this.model} stopped at the token limit after ${this.usage.completionTokens} tokens; raise maxTokens or shorten the prompt`
  }
}

export class Unreachable extends Data.TaggedError("Unreachable")<{
  readonly provider: string
  readonly url: string
  readonly detail: string
}> {
  override get message() {
    return `cannot reach ${this.provider} at ${this.url} (${this.detail}); is the server running?`
  }
}

/** The answer is not JSON, or does not decode against the requested schema. */
export class InvalidAnswer extends Data.TaggedError("InvalidAnswer")<{
  readonly provider: string
  readonly model: string
  readonly text: string
  readonly reason: string
}> {
  override get message() {
    return `${this.provider} ${this.model} answered outside the requested schema: ${this.reason}`
  }
}

export type LanguageModelError =
  RateLimited | Overloaded | Timeout | BadRequest | Truncated | Unreachable | InvalidAnswer

/** Failures a retry (after a pause, or on another provider) can cure; the others need a different request. */
export const isTransient = (error: LanguageModelError): boolean =>
  error._tag === "RateLimited" ||
  error._tag === "Overloaded" ||
  error._tag === "Timeout" ||
  error._tag === "Unreachable"

export interface LanguageModelShape {
  /** Which provider/model answers; a router reports itself as "router". */
  readonly provider: string
  readonly model: string
  readonly capabilities: Capabilities
  readonly generate: <A = never, I = A>(
    request: GenerateRequest<A, I>,
  ) => Effect.Effect<Generation<A>, LanguageModelError>
  /** One vector per text, in order. */
  readonly embed: (
    texts: ReadonlyArray<string>,
  ) => Effect.Effect<ReadonlyArray<ReadonlyArray<number>>, LanguageModelError>
}

export class LanguageModel extends Context.Tag("destill/LanguageModel")<
  LanguageModel,
  LanguageModelShape
>() {}

export type BreakerState = "closed" | "open" | "half-open"

/** Running counts for one provider behind a router, for the live view and the dataset dashboard. */
export interface ProviderStats {
  readonly provider: string
  readonly model: string
  readonly calls: number
  readonly failures: number
  readonly inFlight: number
  readonly promptTokens: number
  readonly completionTokens: number
  readonly costUsd: number
  readonly latencyMsSum: number
  /** Mean latency of answered calls; 0 before the first. */
  readonly latencyMsAvg: number
  readonly breaker: BreakerState
  readonly lastError?: string
}

export interface LanguageModelStatsShape {
  readonly current: Effect.Effect<ReadonlyArray<ProviderStats>>
  /** The current stats, then every change. */
  readonly changes: Stream.Stream<ReadonlyArray<ProviderStats>>
}

export class LanguageModelStats extends Context.Tag("destill/LanguageModelStats")<
  LanguageModelStats,
  LanguageModelStatsShape
>() {}
