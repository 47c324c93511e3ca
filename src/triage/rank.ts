// Merges per-chunk findings into one ranking: dedup by hash across chunks, position in the job, job outcome,
// with a deterministic order whatever order the chunks arrive in, and bounded memory.
import { Finding, type ChunkFindings } from "../domain/Finding.js"
import type { JobOutcome } from "../domain/Request.js"
import { CONFIDENCE_SCALE, fullFinding } from "./analyzeChunk.js"

interface Group {
  best: Finding
  occurrences: number
  /** The latest line any occurrence ends on: repeats near the end of the log count as late. */
  lastLineEnd: number
}

const OUTCOME_ORDER: Record<JobOutcome, number> = { failed: 2, unknown: 1, passed: 0 }

/** Deterministic total order on candidate findings: higher score first, then the later one, then names. */
const compareCandidates = (a: Finding, b: Finding): number =>
  OUTCOME_ORDER[b.jobOutcome] - OUTCOME_ORDER[a.jobOutcome] ||
  b.confidence - a.confidence ||
  b.lineStart - a.lineStart ||
  (a.jobName < b.jobName ? -1 : a.jobName > b.jobName ? 1 : 0) ||
  (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * A copy whose texts own their memory. Lines cut from a chunk are V8 slices of the whole chunk text: a kept
 * finding holding one would pin ~500 KB per chunk for the rest of the run. One JSON round trip rebuilds them.
 */
const retained = (kept: Finding): Finding => {
  const finding = fullFinding(kept)
  const { lines, message, context, jobName } = finding
  const texts = JSON.parse(JSON.stringify({ lines, message, context, jobName })) as Pick<
    Finding,
    "lines" | "message" | "context" | "jobName"
  >
  // the fields were validated when the finding was made; only their storage changes
  return new Finding({ ...finding, ...texts }, true)
}

/**
 * A finding whose lines come within this many lines of a higher-scored finding's in the same job is most likely
 * the same failure seen again (a test's header, its assertion and its summary line; an exception and the build
 * tool's "Errors:" after it): it loses a little, so that a distinct failure a little below it is shown first.
 */
const NEIGHBOUR_GAP = 5
const NEIGHBOUR_PENALTY = 0.05

interface Scored {
  readonly group: Group
  readonly position: number
  score: number
  /** The higher-scored finding this one sits next to, if any. */
  neighbour?: Finding
}

const byScore = (a: Scored, b: Scored): number =>
  b.score - a.score ||
  (a.group.best.jobName < b.group.best.jobName ? -1 : a.group.best.jobName > b.group.best.jobName ? 1 : 0) ||
  a.group.best.lineStart - b.group.best.lineStart ||
  (a.group.best.hash < b.group.best.hash ? -1 : a.group.best.hash > b.group.best.hash ? 1 : 0)

/**
 * The candidates for the top `top`, in order, after demoting each finding of the sorted `scored` head (`top` × 4)
 * that sits next to a higher-scored one of its job. A demoted finding can fall below one past the head, so the
 * head is sorted again with the next `top` after it: nothing further down can reach the top. Nothing demoted,
 * nothing sorted again.
 */
const withNeighboursDemoted = (scored: Array<Scored>, top: number): ReadonlyArray<Scored> => {
  const head = Math.min(scored.length, top * 4)
  let demoted = false
  for (let i = 1; i < head; i++) {
    const finding = scored[i]!.group.best
    for (let j = 0; j < i; j++) {
      const higher = scored[j]!.group.best
      if (
        finding.jobName === higher.jobName &&
        finding.lineStart <= higher.lineEnd + NEIGHBOUR_GAP &&
        higher.lineStart <= finding.lineEnd + NEIGHBOUR_GAP
      ) {
        scored[i]!.neighbour = higher
        scored[i]!.score -= NEIGHBOUR_PENALTY
        demoted = true
        break
      }
    }
  }
  return demoted ? scored.slice(0, head + top).sort(byScore) : scored
}

/** Where the finding sits in its job: the last failing step of a failed log matters most. */
const positionBonus = (lineEnd: number, jobLastLine: number): number => {
  if (jobLastLine <= 0) return 0
  const fromEnd = Math.max(0, jobLastLine - lineEnd)
  const proximity = 1 - fromEnd / jobLastLine
  // a gentle slope over the whole log, and a step for the last screenful where the failing step usually is
  return 0.06 * proximity ** 4 + (fromEnd <= 200 ? 0.04 : 0)
}

/**
 * Job outcome, applied last so it dominates: a failed job's scores move toward 1 (into [0.5, 1)), a passed
 * job's shrink (below 0.5), so every failed-job finding outranks every passed-job finding; order is kept.
 */
export const applyOutcome = (score: number, outcome: JobOutcome): number => {
  const squashed = score / (score + 0.35)
  return outcome === "failed" ? 0.5 + 0.5 * squashed : outcome === "passed" ? 0.49 * squashed : squashed
}

export class FindingRanker {
  private readonly maxCandidates: number
  private readonly groups = new Map<string, Group>()
  /** Last line of each job: exact from its final chunk, else the furthest line seen so far. */
  private readonly jobLastLine = new Map<string, { line: number; final: boolean }>()

  private readonly keep: (finding: Finding) => Finding

  /**
   * `detached`: the findings come from another thread or a serialised message, so their texts already own their
   * memory and need no copy.
   */
  constructor(options?: { readonly maxCandidates?: number; readonly detached?: boolean }) {
    this.maxCandidates = Math.max(1, options?.maxCandidates ?? 5000)
    this.keep = options?.detached === true ? (finding) => finding : retained
  }

  add(batch: ChunkFindings): void {
    const known = this.jobLastLine.get(batch.jobName)
    if (batch.totalChunks !== undefined)
      this.jobLastLine.set(batch.jobName, { line: batch.lastLine, final: true })
    else if (known === undefined || (!known.final && batch.lastLine > known.line))
      this.jobLastLine.set(batch.jobName, { line: batch.lastLine, final: false })

    for (const finding of batch.findings) {
      const group = this.groups.get(finding.hash)
      if (group === undefined) {
        this.groups.set(finding.hash, {
          best: this.keep(finding),
          occurrences: finding.occurrences,
          lastLineEnd: finding.lineEnd,
        })
        continue
      }
      group.occurrences += finding.occurrences
      group.lastLineEnd = Math.max(group.lastLineEnd, finding.lineEnd)
      if (compareCandidates(finding, group.best) < 0) group.best = this.keep(finding)
    }
    if (this.groups.size > this.maxCandidates * 2) this.prune()
  }

  /** Keeps the best `maxCandidates` groups so memory stays bounded however long the log. */
  private prune(): void {
    const kept = [...this.groups.entries()].sort(([, a], [, b]) => compareCandidates(a.best, b.best))
    this.groups.clear()
    for (const [hash, group] of kept.slice(0, this.maxCandidates)) this.groups.set(hash, group)
  }

  ranked(options: { readonly top: number; readonly minConfidence: number }): Array<Finding> {
    // called for every live refresh: score all groups, but build signals only for the ones returned
    const scored: Array<Scored> = []
    for (const group of this.groups.values()) {
      const f = group.best
      const last = this.jobLastLine.get(f.jobName)?.line ?? group.lastLineEnd
      const position = positionBonus(group.lastLineEnd, last)
      const score = applyOutcome(f.confidence * CONFIDENCE_SCALE + position, f.jobOutcome)
      scored.push({ group, position, score })
    }
    scored.sort(byScore)
    const out: Array<Finding> = []
    for (const { group, position, score, neighbour } of withNeighboursDemoted(scored, options.top)) {
      if (out.length >= options.top) break
      if (score < options.minConfidence) continue
      // its texts may still be packed as a scoring thread sent them: only the findings returned are unpacked
      const finding = fullFinding(group.best)
      const signals = [...finding.signals]
      if (position > 0.005) signals.push(`position: near the end of the job +${position.toFixed(2)}`)
      if (group.occurrences > 1) signals.push(`occurrences: ${group.occurrences}`)
      if (neighbour !== undefined)
        signals.push(
          `neighbour: next to lines ${neighbour.lineStart}-${neighbour.lineEnd}, ranked higher -${NEIGHBOUR_PENALTY}`,
        )
      if (finding.jobOutcome !== "unknown") signals.push(`outcome: ${finding.jobOutcome}`)
      out.push(
        new Finding({
          ...finding,
          rank: out.length + 1,
          confidence: Math.round(score * 1000) / 1000,
          occurrences: group.occurrences,
          signals,
        }),
      )
    }
    return out
  }
}
