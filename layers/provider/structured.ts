// What every provider shares: the JSON Schema sent for a request, decoding the answer against the
// Effect Schema, and a token estimate for servers that report no usage.
import { Effect, Either, JSONSchema, ParseResult, Schema } from "effect"
import { type GenerateRequest, InvalidAnswer, type Usage } from "../../src/services/LanguageModel.js"

/** Draft-07 JSON Schema of the request's schema, without the `$schema` key some servers reject. */
export const jsonSchemaOf = (schema: Schema.Schema.AnyNoContext): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = JSONSchema.make(schema) as unknown as Record<string, unknown>
  return rest
}

/** Models sometimes wrap JSON in a Markdown fence even when asked not to. */
const unfence = (text: string): string => {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/.exec(text)
  return fenced?.[1] ?? text
}

/** Parse and decode `text` against the request's schema; without a schema there is nothing to decode. */
export const decodeAnswer = <A, I>(
  request: GenerateRequest<A, I>,
  text: string,
  who: { readonly provider: string; readonly model: string },
): Effect.Effect<{ readonly value?: A }, InvalidAnswer> => {
  const schema = request.schema
  if (schema === undefined) return Effect.succeed({})
  const fail = (reason: string) => Effect.fail(new InvalidAnswer({ ...who, text, reason }))
  let json: unknown
  try {
    json = JSON.parse(unfence(text))
  } catch (error) {
    return fail(`not valid JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  const decoded = Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "ignore" })(json)
  return Either.isRight(decoded)
    ? Effect.succeed({ value: decoded.right })
    : fail(ParseResult.TreeFormatter.formatErrorSync(decoded.left))
}

/** About four characters per token: good enough for rate limits and servers that report nothing. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4)

export const estimateUsage = (request: GenerateRequest<unknown, unknown>, answer: string): Usage => ({
  promptTokens: estimateTokens(
    (request.system ?? "") + request.messages.map((message) => message.content).join("\n"),
  ),
  completionTokens: estimateTokens(answer),
})

/** Chat messages in the OpenAI/Ollama shape, the system prompt first. */
export const chatMessages = (
  request: GenerateRequest<unknown, unknown>,
): Array<{ role: "system" | "user" | "assistant"; content: string }> => [
  ...(request.system === undefined ? [] : [{ role: "system" as const, content: request.system }]),
  ...request.messages.map((message) => ({ role: message.role, content: message.content })),
]

/** The network-level reason of a failed fetch ("ECONNREFUSED"), for an Unreachable error. */
export const networkReason = (error: unknown): string | undefined => {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined
  if (typeof cause?.code === "string") return cause.code
  if (error instanceof TypeError && /fetch failed|network/i.test(error.message)) return error.message
  return undefined
}
