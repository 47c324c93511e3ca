// What a bench section is: a named measurement that returns printable rows and raw figures. Sections are
// listed in sections.ts; main.ts runs the ones asked for and writes every figure to bench/out/results.json.
import { Data, Effect } from "effect"

/** A bench step could not run; the message says what to fix. */
export class BenchError extends Data.TaggedError("BenchError")<{ readonly message: string }> {}

export interface BenchContext {
  readonly repoRoot: string
  /** bench/out under the repo: generated logs and results.json. */
  readonly outDir: string
  /** The destill command as argv, e.g. ["node", "<repo>/dist/bundle/cli.js"]; BENCH_DESTILL overrides. */
  readonly destill: ReadonlyArray<string>
  /** Settings from flags and BENCH_* variables, by lower-case name (size-mb, seed, memory-gb, ...). */
  readonly settings: ReadonlyMap<string, string>
}

export interface Row {
  readonly metric: string
  readonly value: string
  /** What the issue asks for, e.g. "≥ 1.5M"; empty when the figure is informative only. */
  readonly target?: string
  readonly met?: boolean
}

export interface SectionReport {
  readonly rows: ReadonlyArray<Row>
  /** Everything measured, as plain JSON, for results.json. */
  readonly figures: Readonly<Record<string, unknown>>
  /** Lines worth reading beside the table (which runs were skipped and why, sanity warnings). */
  readonly notes: ReadonlyArray<string>
}

export interface BenchSection {
  readonly name: string
  readonly description: string
  /** Flags this section reads from `ctx.settings` (e.g. "size-mb"; BENCH_SIZE_MB is read for it too). */
  readonly settings?: ReadonlyArray<string>
  readonly run: (ctx: BenchContext) => Effect.Effect<SectionReport, BenchError>
}

/** A numeric setting, or `fallback` when it is absent; a malformed value is an error naming the setting. */
export const numberSetting = (
  ctx: BenchContext,
  name: string,
  fallback: number,
): Effect.Effect<number, BenchError> =>
  Effect.suspend(() => {
    const raw = ctx.settings.get(name)
    if (raw === undefined || raw === "") return Effect.succeed(fallback)
    const value = Number(raw)
    return Number.isFinite(value) && value >= 0
      ? Effect.succeed(value)
      : Effect.fail(
          new BenchError({ message: `--${name} / BENCH_${envName(name)} must be a number, got "${raw}"` }),
        )
  })

export const envName = (name: string): string => name.toUpperCase().replace(/-/g, "_")

/**
 * The middle of `values` sorted by `by`: for an even count the larger of the two middles, so a median time errs
 * slow.
 */
export const medianBy = <A>(values: ReadonlyArray<A>, by: (value: A) => number): A =>
  [...values].sort((a, b) => by(a) - by(b))[Math.floor(values.length / 2)]!
