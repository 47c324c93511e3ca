// How an insight reads in each format: a block at the top of the text and Markdown reports, and the
// `insights` entries of the JSON contract. A rejected insight shows only why it was rejected.
import type { Insight } from "../../domain/Insight.js"
import { displayLine } from "../../triage/clean.js"

/** One insight as the JSON contract lists its fields, in that order. */
export const insightJson = (i: Insight) => ({
  id: i.id,
  status: i.status,
  summary: i.summary,
  rootCause: i.rootCause,
  category: i.category,
  evidence: i.evidence.map((e) => ({ lineStart: e.lineStart, lineEnd: e.lineEnd, quote: e.quote })),
  suggestedFix: i.suggestedFix,
  confidence: Math.round(i.confidence * 1000) / 1000,
  provider: i.provider,
  model: i.model,
  attempts: i.attempts,
  reasons: i.reasons,
})

const range = (start: number, end: number) => (start === end ? `line ${start}` : `lines ${start}–${end}`)

const made = (i: Insight) =>
  i.attempts === 0
    ? `${i.provider} ${i.model}, reused from an identical earlier request`
    : `${i.provider} ${i.model}, ${i.attempts} attempt${i.attempts === 1 ? "" : "s"}`

const rejectedLine = (i: Insight) =>
  `no answer from ${i.provider} ${i.model} passed validation in ${i.attempts} attempt${i.attempts === 1 ? "" : "s"}`

const footnotes = (i: Insight): Array<string> => [
  ...(i.cut.note === "" ? [] : [`cut: ${i.cut.note}`]),
  ...(i.cut.redactions > 0
    ? [`${i.cut.redactions} secret${i.cut.redactions === 1 ? "" : "s"} redacted before sending`]
    : []),
]

export interface InsightTextStyle {
  readonly paint: (code: "bold" | "dim" | "red", text: string) => string
}

export const insightText = (i: Insight, style: InsightTextStyle): string => {
  const { paint } = style
  if (i.status === "rejected") {
    return [
      paint("red", `no insight: ${rejectedLine(i)}`),
      ...i.reasons.map((reason) => paint("dim", `  - ${reason}`)),
    ].join("\n")
  }
  const out = [
    paint("bold", `insight · ${i.category} · confidence ${i.confidence.toFixed(2)} · ${made(i)}`),
    `  ${i.summary}`,
    "",
    `  root cause: ${i.rootCause}`,
    `  fix:        ${i.suggestedFix}`,
    "  evidence:",
    ...i.evidence.map((e) => `    ${range(e.lineStart, e.lineEnd).padEnd(13)} ${displayLine(e.quote)}`),
  ]
  for (const note of footnotes(i)) out.push(paint("dim", `  ${note}`))
  return out.join("\n")
}

const fence = (text: string): string => {
  const ticks = "`".repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)))
  return `${ticks}text\n${text}\n${ticks}`
}

export const insightMarkdown = (i: Insight): string => {
  if (i.status === "rejected") {
    return [
      `### No insight`,
      "",
      `${rejectedLine(i)}:`,
      "",
      ...i.reasons.map((reason) => `- ${reason.replace(/\s+/g, " ")}`),
    ].join("\n")
  }
  return [
    `### Insight: ${i.summary.replace(/\s+/g, " ")}`,
    "",
    `**${i.category}** · confidence ${i.confidence.toFixed(2)} · ${made(i)}`,
    "",
    `**Root cause:** ${i.rootCause}`,
    "",
    `**Suggested fix:** ${i.suggestedFix}`,
    "",
    "**Evidence:**",
    "",
    ...i.evidence.flatMap((e) => [`${range(e.lineStart, e.lineEnd)}:`, "", fence(displayLine(e.quote)), ""]),
    ...footnotes(i).map((note) => `<sub>${note}</sub>`),
  ].join("\n")
}

/** What the model saw, turn by turn, for `destill explain --show-prompt`. */
export const insightPromptText = (i: Insight): string =>
  [
    `--- system ---`,
    i.prompt.system,
    ...i.prompt.messages.flatMap((m) => [`--- ${m.role} ---`, m.content]),
  ].join("\n")
