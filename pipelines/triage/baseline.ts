// Reads a passing build's log into a template set, and re-ranks a failed log's findings against it.
import { Effect, Stream } from "effect"
import { InputError } from "../../src/domain/errors.js"
import { Finding } from "../../src/domain/Finding.js"
import type { ResolvedSource } from "../../src/services/LogSource.js"
import { BaselineTemplates, baselineVerdict } from "../../src/triage/baseline.js"
import { LineSplitter, SplitRejection } from "../../src/triage/split.js"

/** Every job of the baseline source, streamed line by line into one bounded template set. */
export const readBaseline = (source: ResolvedSource) =>
  Effect.gen(function* () {
    const templates = new BaselineTemplates()
    const take = (lines: Array<string> | SplitRejection, name: string) =>
      lines instanceof SplitRejection
        ? Effect.fail(new InputError({ message: `baseline ${name}: ${lines.reason}` }))
        : Effect.sync(() => templates.add(lines))
    yield* Stream.runForEach(source.jobs, (job) =>
      Effect.gen(function* () {
        const splitter = new LineSplitter()
        yield* Stream.runForEach(job.bytes, (bytes) =>
          Effect.suspend(() => take(splitter.push(bytes), job.name)),
        )
        yield* Effect.suspend(() => take(splitter.end(), job.name))
      }),
    )
    return templates
  })

/** The outcome band a confidence lives in: failed-job findings stay above every passed-job finding. */
const band = (outcome: Finding["jobOutcome"]): readonly [number, number] =>
  outcome === "failed" ? [0.5, 0.999] : outcome === "passed" ? [0, 0.49] : [0, 0.999]

/**
 * Moves each finding within its outcome band by the baseline's verdict, then ranks again. Takes more candidates
 * than it returns: a finding below the cut can rise above the noise the baseline pushes down.
 */
export const rerankWithBaseline = (
  candidates: ReadonlyArray<Finding>,
  baseline: BaselineTemplates,
  options: { readonly top: number; readonly minConfidence: number },
): Array<Finding> => {
  const adjusted = candidates.map((f) => {
    const verdict = baselineVerdict(baseline, f)
    const [lo, hi] = band(f.jobOutcome)
    const confidence = Math.min(hi, Math.max(lo, lo + (f.confidence - lo) * (1 + verdict.delta)))
    return { finding: f, confidence: Math.round(confidence * 1000) / 1000, signal: verdict.signal }
  })
  adjusted.sort(
    (a, b) =>
      b.confidence - a.confidence ||
      a.finding.rank - b.finding.rank ||
      a.finding.lineStart - b.finding.lineStart,
  )
  return adjusted
    .filter((a) => a.confidence >= options.minConfidence)
    .slice(0, options.top)
    .map(
      (a, i) =>
        new Finding({
          ...a.finding,
          rank: i + 1,
          confidence: a.confidence,
          signals: [...a.finding.signals, a.signal],
        }),
    )
}
