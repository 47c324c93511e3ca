// A Markdown report for a pull-request comment or a job summary.
import type { Finding } from "../../domain/Finding.js"
import { displayLine } from "../../triage/clean.js"
import { insightMarkdown } from "./insight.js"
import type { Report } from "./report.js"

const fence = (lines: ReadonlyArray<string>): string => {
  const body = lines.map(displayLine).join("\n")
  const ticks = "`".repeat(Math.max(3, ...[...body.matchAll(/`+/g)].map((m) => m[0].length + 1)))
  return `${ticks}text\n${body}\n${ticks}`
}

const escapeCell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s+/g, " ").slice(0, 120)

export const findingMarkdown = (f: Finding): string => {
  const range = f.lineStart === f.lineEnd ? `line ${f.lineStart}` : `lines ${f.lineStart}–${f.lineEnd}`
  const meta = [
    `**${f.severity}**`,
    `confidence ${f.confidence.toFixed(2)}`,
    range,
    f.category,
    ...(f.occurrences > 1 ? [`seen ${f.occurrences}×`] : []),
    ...(f.jobName ? [`job \`${f.jobName}\``] : []),
  ]
  return [
    `### ${f.rank}. ${escapeCell(f.message)}`,
    "",
    meta.join(" · "),
    "",
    fence(f.lines.slice(0, 40)),
    "",
    `<sub>why: ${f.signals.join(", ")}</sub>`,
  ].join("\n")
}

export const reportMarkdown = (report: Report): string => {
  const s = report.stats
  const head = [
    `## destill: ${report.findings.length === 0 ? "no failure found" : `${report.findings.length} finding${report.findings.length === 1 ? "" : "s"}`} in \`${report.source}\``,
    "",
    `${s.lines.toLocaleString("en-US")} lines · ${(s.bytes / 1e6).toFixed(1)} MB · ${(s.durationMs / 1000).toFixed(2)} s · request \`${report.requestId}\``,
  ]
  for (const i of report.insights ?? []) head.push("", insightMarkdown(i))
  if (report.findings.length > 0) {
    head.push("", "| # | severity | confidence | lines | what |", "|---|---|---|---|---|")
    for (const f of report.findings) {
      head.push(
        `| ${f.rank} | ${f.severity} | ${f.confidence.toFixed(2)} | ${f.lineStart}–${f.lineEnd} | ${escapeCell(f.message)} |`,
      )
    }
  }
  return [...head, ...report.findings.flatMap((f) => ["", findingMarkdown(f)])].join("\n")
}
