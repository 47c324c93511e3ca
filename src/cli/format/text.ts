// The compact human report: one block per finding with its lines, a little context and why it scored.
import type { Finding } from "../../domain/Finding.js"
import { displayLine } from "../../triage/clean.js"
import { confidenceBar, severityColor } from "../../ui/theme.js"
import { insightText } from "./insight.js"
import type { Report } from "./report.js"

export interface TextStyle {
  readonly color: boolean
  /** Lines of the finding itself to show before eliding. */
  readonly maxLines: number
}

const codes = { red: 31, yellow: 33, cyan: 36, magenta: 35, dim: 2, bold: 1 } as const
type Code = keyof typeof codes

const paint = (style: TextStyle) => (code: Code, text: string) =>
  style.color ? `\x1b[${codes[code]}m${text}\x1b[0m` : text

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`

export const headerText = (report: Report): string => {
  const seconds = (report.stats.durationMs / 1000).toFixed(2)
  const status = report.status && report.status !== "complete" ? ` · ${report.status}` : ""
  return `destill · ${report.source} · ${plural(report.stats.lines, "line")} in ${seconds}s · ${plural(report.findings.length, "finding")}${status}`
}

export const findingText = (f: Finding, style: TextStyle): string => {
  const c = paint(style)
  const width = String(f.lineEnd + f.context.after.length).length
  const gutter = (n: number, mark: string, text: string, dim: boolean) => {
    const body = `${mark} ${String(n).padStart(width)} │ ${displayLine(text)}`
    return dim ? c("dim", body) : body
  }
  const range = f.lineStart === f.lineEnd ? `line ${f.lineStart}` : `lines ${f.lineStart}–${f.lineEnd}`
  const repeats = f.occurrences > 1 ? ` · seen ${f.occurrences}×` : ""
  const job = f.jobName ? ` · ${f.jobName}${f.jobOutcome === "unknown" ? "" : ` (${f.jobOutcome})`}` : ""
  const head = `#${f.rank}  ${c(severityColor[f.severity], f.severity.toUpperCase().padEnd(8))} ${f.confidence.toFixed(2)} ${confidenceBar(f.confidence)}  ${range} · ${f.category}${repeats}${job}`
  const out = [c("bold", head)]
  const beforeStart = f.lineStart - f.context.before.length
  f.context.before.forEach((l, i) => out.push(gutter(beforeStart + i, " ", l, true)))
  const shown = f.lines.slice(0, style.maxLines)
  shown.forEach((l, i) => out.push(gutter(f.lineStart + i, "▶", l, false)))
  if (f.lines.length > shown.length) out.push(c("dim", `  … ${f.lines.length - shown.length} more lines`))
  else f.context.after.forEach((l, i) => out.push(gutter(f.lineEnd + 1 + i, " ", l, true)))
  if (f.signals.length > 0) out.push(c("dim", `  why: ${f.signals.join(", ")}`))
  return out.join("\n")
}

export const reportText = (report: Report, style: TextStyle): string => {
  const parts = [headerText(report)]
  for (const w of report.warnings ?? []) parts.push(paint(style)("yellow", `warning: ${w}`))
  for (const i of report.insights ?? []) parts.push("", insightText(i, { paint: paint(style) }))
  if (report.findings.length === 0) parts.push("no findings: nothing in this log looks like a failure")
  for (const f of report.findings) parts.push("", findingText(f, style))
  return parts.join("\n")
}
