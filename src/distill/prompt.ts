// Turning a task into a model request: the template's system prompt, its few-shot examples, the user prompt
// filled from the seed, and on a retry the previous answer with what was wrong with it.
import { Schema } from "effect"
import type { ChatMessage, GenerateRequest } from "../services/LanguageModel.js"
import { fillPattern, type Template } from "./templates.js"

export interface PreviousAttempt {
  readonly text: string
  readonly reasons: ReadonlyArray<string>
}

export interface RequestOptions {
  readonly temperature?: number
  readonly maxTokens?: number
  readonly seed?: number
}

const schemas = new WeakMap<Template, Schema.Schema<unknown>>()

/** What the provider constrains decoding to: any JSON, described by the template's JSON Schema. */
export const answerSchema = (template: Template): Schema.Schema<unknown> => {
  // One schema per template: providers cache their decoders by schema, so a fresh one per call costs a rebuild.
  let schema = schemas.get(template)
  if (schema === undefined) {
    schema = Schema.Unknown.annotations({ jsonSchema: template.schema as object, identifier: template.id })
    schemas.set(template, schema)
  }
  return schema
}

const maxEcho = 2_000

const shots = new WeakMap<Template, ReadonlyArray<ChatMessage>>()

/** The template's examples as chat turns, built once per template rather than once per request. */
const fewShot = (template: Template): ReadonlyArray<ChatMessage> => {
  let messages = shots.get(template)
  if (messages === undefined) {
    messages = template.examples.flatMap((example): Array<ChatMessage> => [
      { role: "user", content: fillPattern(template.user, example.input) },
      { role: "assistant", content: JSON.stringify(example.output) },
    ])
    shots.set(template, messages)
  }
  return messages
}

/** The chat request for one attempt at a task. */
export const buildRequest = (
  template: Template,
  seed: Readonly<Record<string, unknown>>,
  previous: ReadonlyArray<PreviousAttempt>,
  options: RequestOptions = {},
): GenerateRequest<unknown, unknown> => {
  const messages: Array<ChatMessage> = [...fewShot(template)]
  messages.push({ role: "user", content: fillPattern(template.user, seed) })
  // Only the latest failure is replayed: older ones are already reflected in it, and prompts stay short.
  const last = previous[previous.length - 1]
  if (last !== undefined) {
    messages.push({ role: "assistant", content: last.text.slice(0, maxEcho) || "(no answer)" })
    messages.push({
      role: "user",
      content: `That answer was rejected: ${last.reasons.join("; ")}. Answer again with a corrected JSON object only.`,
    })
  }
  return {
    system: template.system,
    messages,
    schema: answerSchema(template),
    schemaName: template.id.replace(/[^A-Za-z0-9_-]/g, "_"),
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  }
}

/** The seed of task `index`: seeds in turn, with `variation` counting the rounds so prompts differ. */
export const taskSeed = (
  seeds: ReadonlyArray<Readonly<Record<string, unknown>>>,
  index: number,
): Readonly<Record<string, unknown>> => ({
  ...seeds[index % seeds.length]!,
  variation: Math.floor(index / seeds.length),
})
