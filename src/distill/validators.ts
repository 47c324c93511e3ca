// The pure validators a generated answer passes before it becomes a sample: truncation, structure (the
// template's JSON Schema), length bounds and the template's rules. Each failure is one sentence the model
// can act on when it is sent back as feedback.
import { checkJsonSchema, type JsonSchema } from "./jsonSchema.js"
import type { RuleId, Template } from "./templates.js"

export type Finish = "stop" | "truncated" | "invalid" | "error"

export interface Answer {
  readonly text: string
  readonly finish: Finish
  /** The parsed JSON, when the text parsed. */
  readonly value?: unknown
}

export interface LengthBounds {
  readonly minChars?: number
  readonly maxChars?: number
}

const danglingWords = new Set([
  "and",
  "or",
  "the",
  "a",
  "an",
  "to",
  "of",
  "with",
  "for",
  "because",
  "but",
  "which",
])

/** Text that stops mid-thought: a trailing comma or colon, an open bracket or fence, a dangling conjunction. */
export const looksCutOff = (text: string): boolean => {
  const trimmed = text.trimEnd()
  if (trimmed === "") return false
  if ((trimmed.match(/```/g) ?? []).length % 2 === 1) return true
  if (/[,:;(\[{-]$/.test(trimmed)) return true
  const lastWord = /([A-Za-z]+)$/.exec(trimmed)?.[1]?.toLowerCase()
  return lastWord !== undefined && danglingWords.has(lastWord)
}

/** JSON that ends before its brackets close, or inside a string. */
export const looksLikeCutJson = (text: string): boolean => {
  const trimmed = text.trim()
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return false
  let depth = 0
  let inString = false
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed[i]
    if (inString) {
      if (c === "\\") i++
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === "{" || c === "[") depth++
    else if (c === "}" || c === "]") depth--
  }
  return inString || depth > 0
}

/** The answer fields that make the training completion, as text (also what dedup and length bounds see). */
export const completionText = (template: Template, value: unknown): string => {
  if (typeof value !== "object" || value === null)
    return typeof value === "string" ? value : JSON.stringify(value)
  const record = value as Record<string, unknown>
  const parts = template.pair.completion.map((field) => record[field])
  if (parts.length === 1 && typeof parts[0] === "string") return parts[0]
  const asText = (part: unknown): string =>
    typeof part === "string"
      ? part
      : Array.isArray(part) && part.every((item) => typeof item === "string")
        ? part.join("\n")
        : JSON.stringify(part ?? null)
  return parts.map(asText).join("\n")
}

/** Every string in the value, in order: the text near-duplicate detection compares. */
export const dedupText = (value: unknown): string => {
  const out: Array<string> = []
  const walk = (node: unknown): void => {
    if (typeof node === "string") out.push(node)
    else if (Array.isArray(node)) node.forEach(walk)
    else if (typeof node === "object" && node !== null) Object.values(node).forEach(walk)
    else if (typeof node === "number" || typeof node === "boolean") out.push(String(node))
  }
  walk(value)
  return out.join("\n")
}

const words = (text: string): ReadonlyArray<string> => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
const numbers = (text: string): ReadonlyArray<string> =>
  (text.replace(/(\d),(\d{3})/g, "$1$2").match(/-?\d+(?:\.\d+)?/g) ?? []).map((n) => String(Number(n)))

const squash = (text: string): string => text.replace(/\s+/g, " ").trim()

type Record_ = Readonly<Record<string, unknown>>
const asRecord = (value: unknown): Record_ =>
  typeof value === "object" && value !== null ? (value as Record_) : {}
const asArray = (value: unknown): ReadonlyArray<unknown> => (Array.isArray(value) ? value : [])

const rules: Record<RuleId, (value: Record_, seed: Record_) => ReadonlyArray<string>> = {
  answerFollowsLastStep: (value) => {
    const steps = asArray(value["steps"])
    const last = String(steps[steps.length - 1] ?? "")
    const answer = String(value["answer"] ?? "")
    const answerNumbers = numbers(answer)
    if (answerNumbers.length > 0) {
      const lastNumbers = new Set(numbers(last))
      const missing = answerNumbers.filter((n) => !lastNumbers.has(n))
      return missing.length === 0
        ? []
        : [
            `the answer (${answer}) is not what the last step reaches; the last step must state ${missing.join(", ")}`,
          ]
    }
    const content = words(answer).filter((w) => w.length > 3)
    if (content.length === 0) return []
    const lastWords = new Set(words(last))
    const found = content.filter((w) => lastWords.has(w)).length
    return found * 2 >= content.length
      ? []
      : [`the answer "${answer}" does not follow from the last step "${last}"`]
  },
  distinctExperts: (value) => {
    const experts = asArray(value["experts"]).map(asRecord)
    const labels = experts.map((e) =>
      String(e["expert"] ?? "")
        .trim()
        .toLowerCase(),
    )
    const answers = experts.map((e) => squash(String(e["answer"] ?? "")).toLowerCase())
    const problems: Array<string> = []
    if (new Set(labels).size < labels.length)
      problems.push("two experts share a label; each expert must be different")
    if (new Set(answers).size < answers.length)
      problems.push("two experts gave the same answer; each must answer in their own way")
    return problems
  },
  declaredTools: (value) => {
    const tools = new Map(
      asArray(value["tools"]).map((tool) => [
        String(asRecord(tool)["name"]),
        asRecord(asRecord(tool)["parameters"]),
      ]),
    )
    return asArray(value["calls"]).flatMap((call, i) => {
      const name = String(asRecord(call)["tool"])
      const parameters = tools.get(name)
      if (parameters === undefined)
        return [
          `calls[${i}] uses the tool "${name}", which is not declared in tools (${[...tools.keys()].join(", ")})`,
        ]
      return checkJsonSchema(
        parameters as JsonSchema,
        asRecord(call)["arguments"],
        `calls[${i}].arguments`,
      ).map((problem) => `${problem} (per the parameters of ${name})`)
    })
  },
  groundedEvidence: (value, seed) => {
    const log = squash(String(seed["log"] ?? ""))
    return asArray(value["evidence"]).flatMap((line) => {
      const quoted = squash(String(line).replace(/^\s*(>|\d+[:|])\s*/, ""))
      return quoted !== "" && log.includes(quoted)
        ? []
        : [
            `the evidence line "${String(line).slice(0, 120)}" does not appear in the log excerpt; quote lines exactly`,
          ]
    })
  },
}

/**
 * Why an answer fails, cheapest check first; empty when it passes. Duplicates and the judge are checked
 * afterwards, by the pipeline, since they depend on what was accepted before.
 */
export const validateAnswer = (
  template: Template,
  seed: Readonly<Record<string, unknown>>,
  answer: Answer,
  bounds: LengthBounds = {},
): ReadonlyArray<string> => {
  if (answer.finish === "truncated" || looksLikeCutJson(answer.text))
    return ["the answer was cut off before it ended; answer more briefly so it fits"]
  if (answer.finish === "error") return [answer.text]
  if (answer.value === undefined)
    return ["the answer is not a JSON object; answer with JSON only, no prose or fences"]
  const structural = checkJsonSchema(template.schema, answer.value)
  if (structural.length > 0) return structural
  const completion = completionText(template, answer.value)
  const problems: Array<string> = []
  if (template.pair.completion.length === 1 && looksCutOff(completion))
    problems.push("the answer stops mid-sentence; finish it")
  if (bounds.minChars !== undefined && completion.length < bounds.minChars)
    problems.push(`the answer has ${completion.length} characters; write at least ${bounds.minChars}`)
  if (bounds.maxChars !== undefined && completion.length > bounds.maxChars)
    problems.push(`the answer has ${completion.length} characters; keep it under ${bounds.maxChars}`)
  for (const rule of template.rules) problems.push(...rules[rule](asRecord(answer.value), seed))
  return problems
}
