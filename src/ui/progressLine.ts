// Progress for runs without a terminal view: a line on stderr every few seconds, so a long run is not silent.
import { Clock, Duration, Effect, Ref } from "effect"
import type { TriageProgress } from "../../pipelines/triage/run.js"
import type { IngestProgress } from "../../pipelines/triage/ingest.js"
import { count, formatBytes, formatElapsed, formatRate } from "./theme.js"

/** Total bytes when every job started so far had a size and the count has not run past it (gzip). */
export const knownTotal = (p: IngestProgress): number | undefined =>
  p.unsizedJobs === 0 && p.expectedBytes > 0 && p.bytes <= p.expectedBytes ? p.expectedBytes : undefined

export const progressLine = (p: IngestProgress, elapsedMs: number): string => {
  const total = knownTotal(p)
  const read =
    total === undefined
      ? `${formatBytes(p.bytes)} read`
      : `${formatBytes(p.bytes)} of ${formatBytes(total)} (${Math.floor((100 * p.bytes) / total)}%)`
  const rate = formatRate(p.lines / (Math.max(elapsedMs, 1) / 1000))
  return `destill: ${read} · ${count(p.lines)} lines · ${rate} lines/s · ${formatElapsed(elapsedMs)}`
}

/** Runs until interrupted: the first line after `every`, so short runs print nothing. */
export const reportProgress = (
  progress: TriageProgress,
  write: (line: string) => Effect.Effect<void>,
  every: Duration.DurationInput = Duration.seconds(3),
) =>
  Effect.gen(function* () {
    const started = yield* Clock.currentTimeMillis
    while (true) {
      yield* Effect.sleep(every)
      const now = yield* Clock.currentTimeMillis
      yield* write(progressLine(yield* Ref.get(progress.ingest), now - started))
    }
  })
