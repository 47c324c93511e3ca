// Sanity signal for the throughput run: at which rank destill's findings point at each planted failure.
import type { PlantedFailure } from "./plantedFailures.js"

export interface RankedFinding {
  readonly rank?: number
  readonly lineStart?: number
  readonly lineEnd?: number
  readonly lines?: ReadonlyArray<string>
  readonly message?: string
}

export interface PlantedHit {
  readonly kind: PlantedFailure["kind"]
  readonly line: number
  /** 1-based position in destill's output, or null when none of the first `depth` findings points at it. */
  readonly rank: number | null
}

// Same cleaning as ../shared/eval/score.py: a line matches whatever timestamp or colour it was printed with.
const timestamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z /
const colour = /\x1b\[[0-9;?]*[ -/]*[@-~]/g
export const cleanLine = (line: string): string => line.replace(timestamp, "").replace(colour, "").trim()

const pointsAt = (finding: RankedFinding, failure: PlantedFailure): boolean => {
  const wanted = cleanLine(failure.text)
  const own = finding.lines ?? (finding.message === undefined ? [] : [finding.message])
  if (own.some((line) => line.split("\r").some((segment) => cleanLine(segment) === wanted))) return true
  // Any line of the failure's block counts (`npm ERR! code ELIFECYCLE` names the npm failure as well as
  // `npm ERR! Failed at ...`); line numbers are `\n`-separated lines, as destill numbers them.
  const { lineStart, lineEnd } = finding
  return (
    lineStart !== undefined &&
    lineEnd !== undefined &&
    lineStart <= failure.lineEnd &&
    failure.lineStart <= lineEnd
  )
}

export const locatePlanted = (
  findings: ReadonlyArray<RankedFinding>,
  failures: ReadonlyArray<PlantedFailure>,
  depth = 10,
): ReadonlyArray<PlantedHit> =>
  failures.map((failure) => {
    const index = findings.slice(0, depth).findIndex((finding) => pointsAt(finding, failure))
    return { kind: failure.kind, line: failure.line, rank: index < 0 ? null : index + 1 }
  })
