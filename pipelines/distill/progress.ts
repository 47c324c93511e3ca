// A running job's live figures, shared by the pipeline (which counts) and the dashboard or progress line
// (which read them a few times a second). Plain counters: reading is free and never blocks the job.
import type { Attempt } from "../../src/domain/Distill.js"

export type RunState = "running" | "pausing" | "paused" | "done" | "failed"

/** Reasons differ in their quoted parts; grouping ignores those so "top reasons" are meaningful. */
export const reasonKind = (reason: string): string =>
  reason
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+(\.\d+)?/g, "N")
    .slice(0, 100)

const maxReasonKinds = 200
const recentTasks = 20

export class JobProgress {
  state: RunState = "running"
  accepted = 0
  rejected = 0
  inFlight = 0
  attempts = 0
  failedChecks = 0
  passedChecks = 0
  acceptedThisRun = 0
  readonly startedAt = Date.now()
  readonly reasons = new Map<string, number>()
  /** The last tasks settled, newest first, for the dashboard to open. */
  recent: ReadonlyArray<{
    readonly taskIndex: number
    readonly outcome: "accepted" | "rejected"
    readonly attempts: number
  }> = []
  private listeners = new Set<() => void>()

  constructor(
    readonly jobId: string,
    readonly target: number,
  ) {}

  checked(reasons: ReadonlyArray<string>): void {
    if (reasons.length === 0) {
      this.passedChecks++
      return
    }
    this.failedChecks++
    for (const reason of reasons) {
      const kind = reasonKind(reason)
      const seen = this.reasons.get(kind)
      if (seen !== undefined) this.reasons.set(kind, seen + 1)
      else if (this.reasons.size < maxReasonKinds) this.reasons.set(kind, 1)
    }
  }

  settled(taskIndex: number, outcome: "accepted" | "rejected", attempts: number): void {
    if (outcome === "accepted") {
      this.accepted++
      this.acceptedThisRun++
    } else this.rejected++
    this.recent = [{ taskIndex, outcome, attempts }, ...this.recent.slice(0, recentTasks - 1)]
  }

  /** Samples accepted per second since this run started. */
  rate(now = Date.now()): number {
    const seconds = (now - this.startedAt) / 1000
    return seconds <= 0 ? 0 : this.acceptedThisRun / seconds
  }

  /** Seconds to the target at the current rate; undefined before the first sample. */
  etaSeconds(now = Date.now()): number | undefined {
    const rate = this.rate(now)
    return rate === 0 ? undefined : Math.max(0, this.target - this.accepted) / rate
  }

  passRate(): number {
    const total = this.passedChecks + this.failedChecks
    return total === 0 ? 0 : this.passedChecks / total
  }

  topReasons(limit: number): ReadonlyArray<readonly [string, number]> {
    return [...this.reasons.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit)
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  changed(): void {
    for (const listener of this.listeners) listener()
  }
}

export type AttemptsOf = (taskIndex: number) => Promise<ReadonlyArray<Attempt>>

/** The one-line progress report written to stderr when there is no terminal for the dashboard. */
export const progressLine = (progress: JobProgress, now = Date.now()): string => {
  const eta = progress.etaSeconds(now)
  const percent = Math.floor((100 * progress.accepted) / progress.target)
  return [
    `${progress.jobId}: ${progress.accepted}/${progress.target} (${percent}%)`,
    `rejected ${progress.rejected}`,
    `in flight ${progress.inFlight}`,
    `${progress.rate(now).toFixed(1)} samples/s`,
    `pass ${(100 * progress.passRate()).toFixed(0)}%`,
    eta === undefined ? "eta —" : `eta ${Math.ceil(eta)}s`,
    progress.state === "running" ? "" : progress.state,
  ]
    .filter((part) => part !== "")
    .join(" · ")
}
