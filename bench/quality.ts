// Quality: hit@k of destill's ranking on ../shared/data/triage-eval through the reference scorer
// (../shared/eval/score.py), beside keyword grep ranked from the bottom, against the issue's targets.
import { execFile } from "node:child_process"
import { existsSync } from "node:fs"
import { resolve } from "node:path"
import { Effect } from "effect"
import { BenchError, type BenchContext, type BenchSection, numberSetting, type Row } from "./section.js"

export interface Score {
  readonly cases: number
  readonly hit1: number
  readonly hit3: number
  readonly hit5: number
  readonly hit10: number
  readonly mrr10: number
  readonly medianLinesTop5: number
  readonly failures: number
  readonly seconds: number
}

export interface ScoreRun extends Score {
  /** Case folders where the command crashed or printed no JSON (score.py counts them as misses). */
  readonly failedCases: ReadonlyArray<string>
}

interface Target {
  readonly hit1?: number
  readonly hit5?: number
  readonly maxMedianLines?: number
}

const sets: ReadonlyArray<{ readonly name: string; readonly target: Target }> = [
  { name: "cidiff-breakages", target: { hit1: 0.85 } },
  { name: "logchunks-dev", target: { hit1: 0.5, hit5: 0.8, maxMedianLines: 40 } },
]

const scoreLine =
  /n=(\d+) hit@1=([\d.]+) hit@3=([\d.]+) hit@5=([\d.]+) hit@10=([\d.]+) MRR@10=([\d.]+) median_lines_top5=([\d.]+) failures=(\d+) seconds=([\d.]+)/

/** Reads the one summary line score.py prints. */
export const parseScore = (output: string): Score | undefined => {
  const m = scoreLine.exec(output)
  if (m === null) return undefined
  const [cases, hit1, hit3, hit5, hit10, mrr10, medianLinesTop5, failures, seconds] = m.slice(1).map(Number)
  return {
    cases: cases ?? 0,
    hit1: hit1 ?? 0,
    hit3: hit3 ?? 0,
    hit5: hit5 ?? 0,
    hit10: hit10 ?? 0,
    mrr10: mrr10 ?? 0,
    medianLinesTop5: medianLinesTop5 ?? 0,
    failures: failures ?? 0,
    seconds: seconds ?? 0,
  }
}

/** ../shared beside the repo (as in CI), unless BENCH_SHARED_DIR / --shared-dir says otherwise. */
export const sharedDir = (ctx: BenchContext): string =>
  resolve(ctx.repoRoot, ctx.settings.get("shared-dir") ?? "../shared")

const shellQuote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)

/**
 * The scorer's command template. `baselineArgs` is the hook for issue 4's `--baseline` variant: the analyze
 * arguments that pass the passing build (with `{pass}`), which also switch score.py to `--baseline`.
 */
export const destillTemplate = (destill: ReadonlyArray<string>, baselineArgs?: string): string =>
  `cmd:${destill.map(shellQuote).join(" ")} analyze {log} --format json --no-store${baselineArgs === undefined ? "" : ` ${baselineArgs}`}`

/** The case folders score.py names on stderr as `failed on CASE: why`. */
export const failedCases = (stderr: string): ReadonlyArray<string> =>
  [...stderr.matchAll(/failed on (\S+?):/g)].map((m) => (m[1] ?? "").split("/").slice(-2).join("/"))

interface ScoreRequest {
  readonly scorer: string
  readonly set: string
  readonly method: string
  readonly baseline: boolean
  readonly limit: number | undefined
}

const score = ({ scorer, set, method, baseline, limit }: ScoreRequest) =>
  Effect.async<ScoreRun, BenchError>((resume) => {
    const args = [
      scorer,
      set,
      method,
      ...(baseline ? ["--baseline"] : []),
      ...(limit === undefined ? [] : ["--limit", String(limit)]),
    ]
    const child = execFile("python3", args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const parsed = parseScore(stdout)
      if (parsed !== undefined) return resume(Effect.succeed({ ...parsed, failedCases: failedCases(stderr) }))
      const why = error === null ? stderr.trim().split("\n").slice(-2).join(" ") : error.message
      resume(
        Effect.fail(
          new BenchError({ message: `score.py ${set} ${method.slice(0, 40)} printed no score: ${why}` }),
        ),
      )
    })
    return Effect.sync(() => child.kill())
  })

const fixed = (n: number) => n.toFixed(3)

const rowsFor = (set: string, target: Target, destill: Score, keyword: Score): Array<Row> => {
  const ratio = keyword.hit1 === 0 ? "∞" : `${(destill.hit1 / keyword.hit1).toFixed(1)}×`
  const row = (metric: string, value: string, goal: number | undefined, met?: boolean): Row =>
    goal === undefined || met === undefined
      ? { metric: `${set} ${metric}`, value }
      : { metric: `${set} ${metric}`, value, target: `${metric.startsWith("hit") ? "≥" : "≤"} ${goal}`, met }
  const median = destill.medianLinesTop5
  return [
    row("hit@1", fixed(destill.hit1), target.hit1, destill.hit1 >= (target.hit1 ?? 0)),
    row("hit@3", fixed(destill.hit3), undefined),
    row("hit@5", fixed(destill.hit5), target.hit5, destill.hit5 >= (target.hit5 ?? 0)),
    row("hit@10", fixed(destill.hit10), undefined),
    row("MRR@10", fixed(destill.mrr10), undefined),
    row(
      "median lines top5",
      String(median),
      target.maxMedianLines,
      median <= (target.maxMedianLines ?? Infinity),
    ),
    { metric: `${set} keyword-bottom hit@1`, value: `${fixed(keyword.hit1)} (destill ${ratio})` },
  ]
}

export const qualitySection: BenchSection = {
  name: "quality",
  settings: ["shared-dir", "baseline-args", "quality-limit"],
  description: "hit@k on ../shared/data/triage-eval with the reference scorer, beside keyword-bottom",
  run: (ctx) =>
    Effect.gen(function* () {
      const shared = sharedDir(ctx)
      const scorer = resolve(shared, "eval/score.py")
      if (!existsSync(scorer)) {
        return yield* new BenchError({
          message: `no scorer at ${scorer}: put ../shared beside the repo or set BENCH_SHARED_DIR`,
        })
      }
      const baselineArgs = ctx.settings.get("baseline-args")
      const limit = yield* numberSetting(ctx, "quality-limit", 0)
      const partial = limit === 0 ? undefined : limit
      const template = destillTemplate(ctx.destill, baselineArgs)
      const rows: Array<Row> = []
      const figures: Record<string, unknown> = { template, baseline: baselineArgs !== undefined }
      const notes: Array<string> = []
      for (const { name, target } of sets) {
        // The keyword ranking is a cheap Python loop, so it runs beside destill's scoring.
        const [destill, keyword] = yield* Effect.all(
          [
            score({
              scorer,
              set: name,
              method: template,
              baseline: baselineArgs !== undefined,
              limit: partial,
            }),
            score({ scorer, set: name, method: "keyword-bottom", baseline: false, limit: partial }),
          ],
          { concurrency: 2 },
        )
        rows.push(...rowsFor(name, target, destill, keyword))
        figures[name] = { destill, keywordBottom: keyword, target }
        if (destill.failures > 0) {
          const named = destill.failedCases.slice(0, 3).join(", ")
          notes.push(
            `${name}: destill failed on ${destill.failures} of ${destill.cases} logs (misses): ${named}`,
          )
        }
      }
      // Issue 4: the same set with the passing build of each case as --baseline, beside the plain run above.
      if (baselineArgs === undefined) {
        const plain = figures["cidiff-breakages"] as { destill: Score } | undefined
        const compared = yield* score({
          scorer,
          set: "cidiff-breakages",
          method: destillTemplate(ctx.destill, "--baseline {pass}"),
          baseline: true,
          limit: partial,
        })
        figures["cidiff-breakages+baseline"] = compared
        const delta = (a: number, b: number | undefined) =>
          b === undefined ? "" : ` (${a >= b ? "+" : ""}${(a - b).toFixed(3)} vs without)`
        rows.push(
          {
            metric: "cidiff-breakages --baseline hit@1",
            value: `${fixed(compared.hit1)}${delta(compared.hit1, plain?.destill.hit1)}`,
          },
          {
            metric: "cidiff-breakages --baseline hit@5",
            value: `${fixed(compared.hit5)}${delta(compared.hit5, plain?.destill.hit5)}`,
          },
          {
            metric: "cidiff-breakages --baseline MRR@10",
            value: `${fixed(compared.mrr10)}${delta(compared.mrr10, plain?.destill.mrr10)}`,
          },
        )
      }
      if (partial !== undefined) notes.push(`only the first ${partial} cases of each set (--quality-limit)`)
      return { rows, figures, notes }
    }),
}
