// The dataset templates, as data: what each asks the model for (a JSON Schema), the prompts, few-shot
// examples, the rules its samples must pass, and how a sample becomes a prompt/completion pair on export.
import type { CustomTemplate } from "../domain/Distill.js"
import type { JsonSchema } from "./jsonSchema.js"

export type RuleId = "answerFollowsLastStep" | "distinctExperts" | "declaredTools" | "groundedEvidence"

export interface FewShotExample {
  readonly input: Readonly<Record<string, unknown>>
  readonly output: unknown
}

export interface Template {
  readonly id: string
  readonly description: string
  readonly schema: JsonSchema
  readonly system: string
  /** The user prompt, with {placeholders} filled from the task's seed (and {variation}). */
  readonly user: string
  readonly examples: ReadonlyArray<FewShotExample>
  readonly rules: ReadonlyArray<RuleId>
  /** Export: the prompt pattern over {seed.x} / {value.x}, and the answer fields that make the completion. */
  readonly pair: { readonly prompt: string; readonly completion: ReadonlyArray<string> }
}

const str = (minLength = 1): JsonSchema => ({ type: "string", minLength })
const object = (properties: Record<string, JsonSchema>): JsonSchema => ({
  type: "object",
  required: Object.keys(properties),
  properties,
})

const jsonOnly = "Answer with one JSON object matching the requested fields, and nothing else."

export const builtinTemplates: ReadonlyArray<Template> = [
  {
    id: "simple",
    description: "instruction → response",
    schema: object({ instruction: str(10), response: str(20) }),
    system: `You write high-quality training data for a helpful assistant. ${jsonOnly}`,
    user: "Topic: {topic} (variation {variation}). Write one realistic, specific request a user might make about {topic}, and an excellent, complete response to it. Fields: instruction, response.",
    examples: [
      {
        input: { topic: "passwords", variation: 0 },
        output: {
          instruction: "How do I reset my password if I no longer have access to my recovery email?",
          response:
            "Open the sign-in page, choose 'Forgot password', then 'I can't access this email'. You will be asked to confirm your identity with your phone number or a recent invoice; once confirmed, a reset link is sent to the new address you give.",
        },
      },
    ],
    rules: [],
    pair: { prompt: "{value.instruction}", completion: ["response"] },
  },
  {
    id: "reasoning",
    description: "question → steps → answer",
    schema: object({
      question: str(10),
      steps: { type: "array", minItems: 2, items: str(3) },
      answer: str(1),
    }),
    system: `You write step-by-step reasoning examples. Each step follows from the previous ones and the last step states the answer. ${jsonOnly}`,
    user: "Topic: {topic} (variation {variation}). Pose one question about {topic} that needs several steps to answer, then solve it. Fields: question, steps (at least two), answer (the result the last step reaches).",
    examples: [
      {
        input: { topic: "arithmetic", variation: 0 },
        output: {
          question: "A crate holds 12 boxes of 8 bottles. How many bottles are in 3 crates?",
          steps: ["One crate holds 12 × 8 = 96 bottles.", "Three crates hold 3 × 96 = 288 bottles."],
          answer: "288",
        },
      },
    ],
    rules: ["answerFollowsLastStep"],
    pair: { prompt: "{value.question}", completion: ["steps", "answer"] },
  },
  {
    id: "moe",
    description: "a question, its domain, and one answer per expert",
    schema: object({
      question: str(10),
      domain: str(2),
      experts: { type: "array", minItems: 2, items: object({ expert: str(2), answer: str(10) }) },
    }),
    system: `You write mixture-of-experts training data: one question answered separately by several distinct experts. ${jsonOnly}`,
    user: "Domain: {topic} (variation {variation}). Ask one question in this domain and answer it from the view of at least two different experts. Fields: question, domain, experts (each with expert and answer).",
    examples: [],
    rules: ["distinctExperts"],
    pair: { prompt: "[{value.domain}] {value.question}", completion: ["experts"] },
  },
  {
    id: "tool-trace",
    description: "declared tools, calls with arguments, tool results, final answer",
    schema: object({
      request: str(10),
      tools: {
        type: "array",
        minItems: 1,
        items: object({ name: str(1), description: str(3), parameters: { type: "object" } }),
      },
      calls: {
        type: "array",
        minItems: 1,
        items: object({ tool: str(1), arguments: { type: "object" }, result: {} }),
      },
      final: str(5),
    }),
    system: `You write agent traces: a user request, the tools available (each with a JSON Schema for its parameters), the calls made with their arguments and results, and the final answer. ${jsonOnly}`,
    user: "Topic: {topic} (variation {variation}). Write one trace where an assistant uses tools to help with {topic}. Fields: request, tools (name, description, parameters), calls (tool, arguments, result), final.",
    examples: [],
    rules: ["declaredTools"],
    pair: { prompt: "{value.request}", completion: ["tools", "calls", "final"] },
  },
  {
    id: "ci-triage",
    description: "log excerpt → root cause, evidence, fix",
    schema: object({
      rootCause: str(10),
      evidence: { type: "array", minItems: 1, items: str(3) },
      fix: str(10),
    }),
    system: `You are a build engineer triaging a failed CI job. Quote evidence lines exactly as they appear in the log. ${jsonOnly}`,
    user: "Job: {job}. Log excerpt:\n```\n{log}\n```\nExplain the failure. Fields: rootCause, evidence (lines copied exactly from the excerpt), fix.",
    examples: [],
    rules: ["groundedEvidence"],
    pair: { prompt: "Job: {seed.job}\n{seed.log}", completion: ["rootCause", "evidence", "fix"] },
  },
]

/** A job file's custom template: its own schema, prompts and examples; no template-specific rules. */
export const customTemplate = (custom: CustomTemplate): Template => {
  const properties = (custom.schema["properties"] ?? {}) as Record<string, unknown>
  const fields = Object.keys(properties)
  return {
    id: custom.id ?? "custom",
    description: custom.description ?? "custom template",
    schema: custom.schema,
    system: custom.system,
    user: custom.user,
    examples: custom.examples ?? [],
    rules: [],
    pair: { prompt: custom.user, completion: fields },
  }
}

export const findTemplate = (id: string): Template | undefined => builtinTemplates.find((t) => t.id === id)

/** The placeholders a pattern uses, e.g. ["topic", "variation"]. */
export const placeholdersOf = (pattern: string): ReadonlyArray<string> =>
  Array.from(new Set(Array.from(pattern.matchAll(/\{([A-Za-z_][\w.]*)\}/g), (m) => m[1]!)))

const display = (value: unknown): string =>
  value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value)

const lookup = (root: unknown, dotted: string): unknown =>
  dotted.split(".").reduce<unknown>((node, key) => {
    if (typeof node !== "object" || node === null) return undefined
    return (node as Record<string, unknown>)[key]
  }, root)

/** Fill {placeholders} from `values` (dotted paths allowed); unknown ones are left as written. */
export const fillPattern = (pattern: string, values: Readonly<Record<string, unknown>>): string =>
  pattern.replace(/\{([A-Za-z_][\w.]*)\}/g, (whole, key: string) => {
    const value = lookup(values, key)
    return value === undefined ? whole : display(value)
  })
