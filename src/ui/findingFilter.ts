// What the browser shows of a request's findings: a text filter, a severity filter, and a scroll window.
import type { Finding, Severity } from "../domain/Finding.js"

export type SeverityFilter = Severity | "all"

export interface FindingFilter {
  readonly text: string
  readonly severity: SeverityFilter
}

export const noFilter: FindingFilter = { text: "", severity: "all" }

const severityCycle: ReadonlyArray<SeverityFilter> = ["all", "critical", "error", "warning", "info"]

export const nextSeverity = (current: SeverityFilter): SeverityFilter =>
  severityCycle[(severityCycle.indexOf(current) + 1) % severityCycle.length] ?? "all"

/** Case-insensitive, over everything a person can see of a finding: headline, lines, category, why. */
export const matchesFilter = (f: Finding, filter: FindingFilter): boolean => {
  if (filter.severity !== "all" && f.severity !== filter.severity) return false
  const needle = filter.text.trim().toLowerCase()
  if (needle === "") return true
  return [f.message, f.category, f.jobName, ...f.lines, ...f.signals].some((t) =>
    t.toLowerCase().includes(needle),
  )
}

/** The slice of a list of `count` rows shown in `height` rows so that `selected` stays visible. */
export const scrollWindow = (
  count: number,
  selected: number,
  height: number,
): { readonly start: number; readonly end: number } => {
  const rows = Math.max(1, height)
  if (count <= rows) return { start: 0, end: count }
  const start = Math.min(Math.max(0, selected - Math.floor(rows / 2)), count - rows)
  return { start, end: start + rows }
}
