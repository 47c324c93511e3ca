// Checks an insight answer before anyone sees it: it decodes, it is complete, and every quote really
// occurs in the log at (or near) the lines it cites. The reasons double as feedback for the model.
import { Either, ParseResult, Schema } from "effect"
import type { LanguageModelError } from "../services/LanguageModel.js"
import { InsightAnswer } from "./InsightAnswer.js"

export interface InsightVerdict {
  readonly ok: boolean
  readonly reasons: ReadonlyArray<string>
  /** What to tell the model on the next attempt; empty when ok. */
  readonly feedback: string
}

export interface GroundingOptions {
  /** How far from the cited lines a quote may be found; default 3. */
  readonly nearLines?: number
}

const verdict = (reasons: ReadonlyArray<string>): InsightVerdict => ({
  ok: reasons.length === 0,
  reasons,
  feedback:
    reasons.length === 0
      ? ""
      : [
          "Your previous answer was rejected:",
          ...reasons.map((reason) => `- ${reason}`),
          "Answer again with one complete JSON object of the same shape. Quote only text that appears in the excerpts, at the line numbers you cite.",
        ].join("\n"),
})

/** Whitespace-insensitive, and without the "> 123 | " prefix a model may copy from the prompt. */
const normalise = (text: string): string =>
  text
    .replace(/^\s*>?\s*\d+\s*\|\s?/, "")
    .replace(/\s+/g, " ")
    .trim()

const short = (text: string) => (text.length > 80 ? `${text.slice(0, 77)}...` : text)

export const validateInsight = (
  answer: InsightAnswer,
  /** The lines shown at a line number (several when jobs of one build share numbers). */
  logLines: (lineNo: number) => ReadonlyArray<string>,
  options: GroundingOptions = {},
): InsightVerdict => {
  const near = options.nearLines ?? 3
  const reasons: Array<string> = []
  for (const field of ["summary", "rootCause", "suggestedFix"] as const) {
    if (answer[field].trim() === "") reasons.push(`${field} is empty`)
  }
  if (!(answer.confidence >= 0 && answer.confidence <= 1)) {
    reasons.push(`confidence ${answer.confidence} is outside 0..1`)
  }
  if (answer.evidence.length === 0) reasons.push("evidence is empty: cite at least one log line with a quote")
  answer.evidence.forEach((evidence, i) => {
    const label = `evidence ${i + 1} (lines ${evidence.lineStart}-${evidence.lineEnd})`
    if (!Number.isInteger(evidence.lineStart) || !Number.isInteger(evidence.lineEnd)) {
      reasons.push(`${label}: line numbers must be whole numbers`)
      return
    }
    if (evidence.lineStart < 1 || evidence.lineEnd < evidence.lineStart) {
      reasons.push(`${label}: not a valid line range`)
      return
    }
    const window: Array<string> = []
    for (let lineNo = evidence.lineStart - near; lineNo <= evidence.lineEnd + near; lineNo++) {
      for (const text of logLines(lineNo)) window.push(normalise(text))
    }
    if (window.length === 0) {
      reasons.push(`${label}: those lines are not in the log excerpts`)
      return
    }
    // A multi-line quote, or one with an ellipsis, is grounded when each of its pieces is.
    const pieces = evidence.quote
      .split(/\n|\.\.\.|…/)
      .map(normalise)
      .filter((piece) => piece !== "")
    if (pieces.length === 0) {
      reasons.push(`${label}: the quote is empty`)
      return
    }
    const missing = pieces.find((piece) => !window.some((line) => line.includes(piece)))
    if (missing !== undefined) {
      reasons.push(
        `${label}: "${short(missing)}" does not occur at or within ${near} lines of the cited lines`,
      )
    }
  })
  return verdict(reasons)
}

const decodeInsight = Schema.decodeUnknownEither(InsightAnswer, { errors: "all", onExcessProperty: "ignore" })

/** Validate a raw answer text: it must be JSON, decode against InsightAnswer, and be grounded. */
export const validateInsightText = (
  text: string,
  logLines: (lineNo: number) => ReadonlyArray<string>,
  options: GroundingOptions = {},
): InsightVerdict & { readonly answer?: InsightAnswer } => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return verdict([`the answer is not valid JSON (it starts "${short(text.trim())}")`])
  }
  const decoded = decodeInsight(json)
  if (Either.isLeft(decoded)) {
    return verdict([
      `the answer does not match the schema: ${ParseResult.TreeFormatter.formatErrorSync(decoded.left)}`,
    ])
  }
  return { ...validateInsight(decoded.right, logLines, options), answer: decoded.right }
}

/**
 * The verdict for a generation that failed in a way the model can fix (an answer outside the schema, or
 * cut off at the token limit); undefined for failures of the provider itself, which retrying handles.
 */
export const verdictForFailure = (error: LanguageModelError): InsightVerdict | undefined => {
  switch (error._tag) {
    case "InvalidAnswer":
      return verdict([`the answer does not match the schema: ${error.reason}`])
    case "Truncated":
      return verdict([
        `the answer was cut off at the token limit after ${error.usage.completionTokens} tokens: keep it shorter (fewer, shorter quotes)`,
      ])
    default:
      return undefined
  }
}
