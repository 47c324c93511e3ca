// The JSON contract of a triage result (other tools and the benchmarks read it: keep it stable).
import type { Finding } from "../../domain/Finding.js"
import type { Insight } from "../../domain/Insight.js"
import type { RunStats } from "../../domain/Stats.js"
import { insightJson } from "./insight.js"

export interface Report {
  readonly requestId: string
  readonly source: string
  readonly status?: string
  readonly stats: RunStats
  readonly findings: ReadonlyArray<Finding>
  /** Root-cause insights (`--explain`), shown above the findings. */
  readonly insights?: ReadonlyArray<Insight>
  readonly warnings?: ReadonlyArray<string>
}

/** One finding as the contract lists its fields, in that order. */
export const findingJson = (f: Finding) => ({
  id: f.id,
  rank: f.rank,
  severity: f.severity,
  confidence: Math.round(f.confidence * 1000) / 1000,
  lineStart: f.lineStart,
  lineEnd: f.lineEnd,
  lines: f.lines,
  message: f.message,
  context: { before: f.context.before, after: f.context.after },
  occurrences: f.occurrences,
  hash: f.hash,
  category: f.category,
  signals: f.signals,
  jobName: f.jobName,
  jobOutcome: f.jobOutcome,
})

export const reportJson = (report: Report): string =>
  JSON.stringify(
    {
      requestId: report.requestId,
      source: report.source,
      ...(report.status === undefined ? {} : { status: report.status }),
      stats: report.stats,
      findings: report.findings.map(findingJson),
      ...(report.insights === undefined ? {} : { insights: report.insights.map(insightJson) }),
      ...(report.warnings && report.warnings.length > 0 ? { warnings: report.warnings } : {}),
    },
    null,
    2,
  )

/** One finding per line, for streaming consumers (`--format jsonl`). */
export const findingJsonl = (f: Finding): string => JSON.stringify(findingJson(f))
