// GitHub Actions output: one workflow command (`::error ...::`) per finding, so a failed job's annotations say why.
import type { Finding, Severity } from "../../domain/Finding.js"
import { displayLine } from "../../triage/clean.js"
import type { Report } from "./report.js"

/** Message text of a workflow command: GitHub reads `%`, CR and LF as escapes. */
export const escapeData = (text: string): string =>
  text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A")

/** A property value (`title=...`) also ends at `:` and `,`. */
export const escapeProperty = (text: string): string =>
  escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C")

const command: Record<Severity, "error" | "warning" | "notice"> = {
  critical: "error",
  error: "error",
  warning: "warning",
  info: "notice",
}

/** Lines of a finding put in its annotation; GitHub shows long ones folded anyway. */
const MAX_LINES = 20

export const findingGithub = (f: Finding): string => {
  const range = f.lineStart === f.lineEnd ? `line ${f.lineStart}` : `lines ${f.lineStart}-${f.lineEnd}`
  const title = `destill #${f.rank} ${f.severity} (${f.category}, ${range}, confidence ${f.confidence.toFixed(2)})`
  const shown = f.lines.slice(0, MAX_LINES).map(displayLine)
  if (f.lines.length > shown.length) shown.push(`… ${f.lines.length - shown.length} more lines`)
  const body = [
    f.message,
    "",
    ...shown,
    ...(f.signals.length > 0 ? ["", `why: ${f.signals.join(", ")}`] : []),
  ]
  const props = [`title=${escapeProperty(title)}`, `line=${f.lineStart}`, `endLine=${f.lineEnd}`]
  return `::${command[f.severity]} ${props.join(",")}::${escapeData(body.join("\n"))}`
}

export const reportGithub = (report: Report): string => {
  if (report.findings.length === 0) {
    return `::notice title=${escapeProperty("destill")}::${escapeData(`no failure found in ${report.source}`)}`
  }
  return report.findings.map(findingGithub).join("\n")
}
