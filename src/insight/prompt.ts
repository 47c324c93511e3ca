// The prompt for a root-cause insight: the top findings' blocks with line numbers and context, packed
// into a character budget (a provider's context window), saying what was cut and what was redacted.
import type { Finding } from "../domain/Finding.js"
import { redact } from "./redact.js"

export const insightPromptVersion = "insight-v1"

export interface PromptBudget {
  /** Characters for the findings part of the user message. */
  readonly maxChars: number
  /** Findings considered at most, best first; default 8. */
  readonly maxFindings?: number
  /** Replace secrets and emails with placeholders (default true; `--no-redact` turns it off). */
  readonly redact?: boolean
}

export interface InsightPrompt {
  readonly system: string
  readonly user: string
  readonly version: string
  /** Finding ids in the prompt, in order. */
  readonly included: ReadonlyArray<string>
  /** Finding ids left out for lack of room (or beyond maxFindings). */
  readonly omitted: ReadonlyArray<string>
  /** Finding ids whose context or lines were shortened to fit. */
  readonly shortened: ReadonlyArray<string>
  readonly redactions: number
  /** One line for the insight, e.g. "2 findings left out, 1 shortened to fit 12000 characters". */
  readonly cutNote: string
}

export const insightSystemPrompt = `You explain why a software build or service failed, from excerpts of its log.
Each excerpt shows log lines as "<line number> | <text>"; lines marked ">" are the ones flagged as failures, the others are context.
Answer with one JSON object: summary (one sentence), rootCause, category (e.g. compile, test, dependency, infrastructure, timeout, configuration), evidence (a list of { lineStart, lineEnd, quote } where quote is text copied exactly from those lines), suggestedFix, confidence (0 to 1).
Quote only text that appears in the excerpts, at the line numbers shown. If the excerpts do not show the cause, say so and use a low confidence.`

const maxLineChars = 400

const clip = (line: string): string =>
  line.length <= maxLineChars ? line : `${line.slice(0, maxLineChars)}…[+${line.length - maxLineChars} chars]`

interface Shape {
  readonly context: number
  /** Keep this many flagged lines from the start and from the end; undefined keeps all. */
  readonly keep?: number
}

// From the whole block down to its bare minimum; the first shape that fits is used.
const shapes: ReadonlyArray<Shape> = [
  { context: Number.POSITIVE_INFINITY },
  { context: 3 },
  { context: 0 },
  { context: 0, keep: 6 },
  { context: 0, keep: 2 },
]

const renderFinding = (
  finding: Finding,
  index: number,
  shape: Shape,
  scrub: (line: string) => string,
): string => {
  const row = (lineNo: number, text: string, flagged: boolean) =>
    `${flagged ? ">" : " "} ${String(lineNo).padStart(6)} | ${clip(scrub(text))}`
  const before = finding.context.before.slice(Math.max(0, finding.context.before.length - shape.context))
  const after = finding.context.after.slice(0, shape.context)
  const rows: Array<string> = before.map((text, i) => row(finding.lineStart - before.length + i, text, false))
  const lines = finding.lines
  const keep = shape.keep
  if (keep === undefined || lines.length <= keep * 2) {
    lines.forEach((text, i) => rows.push(row(finding.lineStart + i, text, true)))
  } else {
    lines.slice(0, keep).forEach((text, i) => rows.push(row(finding.lineStart + i, text, true)))
    rows.push(`         … ${lines.length - keep * 2} lines left out …`)
    const tailStart = lines.length - keep
    lines.slice(tailStart).forEach((text, i) => rows.push(row(finding.lineStart + tailStart + i, text, true)))
  }
  after.forEach((text, i) => rows.push(row(finding.lineEnd + 1 + i, text, false)))
  const seen = finding.occurrences > 1 ? `, seen ${finding.occurrences} times` : ""
  return [
    `## Finding ${index} (${finding.severity}, ${finding.category}, job "${finding.jobName}", lines ${finding.lineStart}-${finding.lineEnd}${seen})`,
    scrub(finding.message),
    ...rows,
  ].join("\n")
}

/** Best first: by rank (0 = not ranked yet, last), then by confidence. */
const byImportance = (a: Finding, b: Finding) =>
  (a.rank || Number.MAX_SAFE_INTEGER) - (b.rank || Number.MAX_SAFE_INTEGER) || b.confidence - a.confidence

export const buildInsightPrompt = (findings: ReadonlyArray<Finding>, budget: PromptBudget): InsightPrompt => {
  const scrubbing = budget.redact ?? true
  let redactions = 0
  const scrub = (line: string) => {
    if (!scrubbing) return line
    const result = redact(line)
    redactions += result.total
    return result.text
  }
  const ordered = [...findings].sort(byImportance)
  const candidates = ordered.slice(0, budget.maxFindings ?? 8)
  const omitted = ordered.slice(candidates.length).map((finding) => finding.id)
  const blocks: Array<string> = []
  const included: Array<string> = []
  const shortened: Array<string> = []
  let used = 0
  for (const finding of candidates) {
    const before = redactions
    const fit = shapes.findIndex((shape) => {
      redactions = before
      const block = renderFinding(finding, included.length + 1, shape, scrub)
      if (used + block.length + 2 > budget.maxChars) return false
      blocks.push(block)
      used += block.length + 2
      return true
    })
    if (fit === -1) {
      redactions = before
      omitted.push(finding.id)
      continue
    }
    included.push(finding.id)
    // A smaller shape only renders differently when the whole block did not fit.
    if (fit > 0) shortened.push(finding.id)
  }
  const parts = [
    omitted.length > 0 ? `${omitted.length} finding${omitted.length === 1 ? "" : "s"} left out` : "",
    shortened.length > 0 ? `${shortened.length} shortened` : "",
  ].filter((part) => part !== "")
  const cutNote = parts.length === 0 ? "" : `${parts.join(", ")} to fit ${budget.maxChars} characters`
  const user = [
    `These are the most likely failure points found in the log, best first.`,
    ...(cutNote === "" ? [] : [`(${cutNote}.)`]),
    "",
    blocks.join("\n\n"),
    "",
    "Explain the root cause as the JSON object described.",
  ].join("\n")
  return {
    system: insightSystemPrompt,
    user,
    version: insightPromptVersion,
    included,
    omitted,
    shortened,
    redactions,
    cutNote,
  }
}

/**
 * The log lines the prompt showed, by line number, for grounding checks. Redacted the same way as the
 * prompt, so a quote of a redacted line matches what the model saw. Every job of a build numbers its own log
 * from 1, so one number may hold a line of each job: all of them are kept.
 */
export const promptLines = (
  findings: ReadonlyArray<Finding>,
  options: { readonly redact?: boolean } = {},
): ((lineNo: number) => ReadonlyArray<string>) => {
  const lines = new Map<number, Array<string>>()
  const put = (lineNo: number, raw: string) => {
    const text = options.redact === false ? raw : redact(raw).text
    const held = lines.get(lineNo)
    if (held === undefined) lines.set(lineNo, [text])
    else if (!held.includes(text)) held.push(text)
  }
  for (const finding of findings) {
    finding.lines.forEach((text, i) => put(finding.lineStart + i, text))
    finding.context.before.forEach((text, i) =>
      put(finding.lineStart - finding.context.before.length + i, text),
    )
    finding.context.after.forEach((text, i) => put(finding.lineEnd + 1 + i, text))
  }
  return (lineNo) => lines.get(lineNo) ?? []
}
