// Throughput and memory: destill analyze and `grep -ciE` on the same generated log in the same run, with
// wall time, lines/s, MB/s, peak RSS, the destill/grep ratio and whether the planted failures rank high.
import { createReadStream } from "node:fs"
import { availableParallelism, loadavg } from "node:os"
import { Effect } from "effect"
import { ensureLog, type GeneratedLog } from "./generateLog.js"
import { type MeasuredRun, runMeasured } from "./measuredProcess.js"
import { locatePlanted, type RankedFinding } from "./plantedCheck.js"
import {
  BenchError,
  type BenchContext,
  type BenchSection,
  medianBy,
  numberSetting,
  type Row,
} from "./section.js"

const MB = 1024 * 1024
const grepPattern = "error|fail|exception|fatal|panic"
const targetLinesPerSec = 1_500_000
const targetPeakRssMb = 300

interface AnalyzeOutput {
  readonly stats?: {
    readonly lines?: number
    readonly bytes?: number
    readonly chunks?: number
    readonly durationMs?: number
  }
  readonly findings: ReadonlyArray<RankedFinding>
}

const prepareLog = (
  ctx: BenchContext,
  sizeMb: number,
  seed: number,
): Effect.Effect<GeneratedLog, BenchError> =>
  Effect.tryPromise({
    try: async () => {
      const log = await ensureLog({ sizeBytes: Math.round(sizeMb * MB), seed }, ctx.outDir)
      // Read once so neither contender pays for a cold page cache.
      for await (const _ of createReadStream(log.path, { highWaterMark: 4 * MB }));
      return log
    },
    catch: (error) =>
      new BenchError({ message: `cannot generate a ${sizeMb} MB log in ${ctx.outDir}: ${String(error)}` }),
  })

/** The line of a command's stderr that says what went wrong (a crash's first Error line, else the last line). */
const errorLine = (stderr: string): string => {
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
  return (lines.find((line) => /error/i.test(line)) ?? lines.at(-1) ?? "(no stderr)").slice(0, 300)
}

const analyze = (ctx: BenchContext, log: GeneratedLog) =>
  Effect.gen(function* () {
    const run = yield* runMeasured([...ctx.destill, "analyze", log.path, "--no-store", "--format", "json"])
    const output = yield* Effect.try({
      try: () => JSON.parse(run.stdout) as AnalyzeOutput,
      catch: () =>
        new BenchError({
          message: `${ctx.destill.join(" ")} analyze exited ${run.exitCode} without JSON on stdout: ${errorLine(run.stderrTail)}`,
        }),
    })
    if (!Array.isArray(output.findings)) {
      return yield* new BenchError({
        message: "destill's JSON has no findings array: check the JSON contract",
      })
    }
    return { run, output }
  })

const grep = (log: GeneratedLog) =>
  Effect.gen(function* () {
    const run = yield* runMeasured(["grep", "-ciE", grepPattern, log.path])
    // grep exits 1 when nothing matches; that is still a measurement.
    if (run.exitCode > 1) return yield* new BenchError({ message: `grep failed: ${run.stderrTail}` })
    return { run, matches: Number(run.stdout.trim()) }
  })

const speed = (run: MeasuredRun, log: GeneratedLog) => ({
  wallMs: Math.round(run.wallMs),
  peakRssMb: run.peakRssBytes === undefined ? null : Math.round(run.peakRssBytes / MB),
  linesPerSec: Math.round(log.lines / (run.wallMs / 1000)),
  mbPerSec: Number((log.bytes / MB / (run.wallMs / 1000)).toFixed(1)),
  exitCode: run.exitCode,
  cpuMs: run.cpuMs === undefined ? null : Math.round(run.cpuMs),
  linesPerCpuSec:
    run.cpuMs === undefined || run.cpuMs === 0 ? null : Math.round(log.lines / (run.cpuMs / 1000)),
})

const fmt = (n: number) => n.toLocaleString("en-US")
const cpu = (s: ReturnType<typeof speed>) =>
  s.cpuMs === null ? "n/a" : `${(s.cpuMs / 1000).toFixed(2)} s, ${fmt(s.linesPerCpuSec ?? 0)} lines per CPU-s`
const mb = (n: number | null) => (n === null ? "n/a" : `${n} MB`)

/** "1,234 (median of 3: 1,100–1,300)", or just the figure for one run. */
const spread = (median: number, all: ReadonlyArray<number>): string =>
  all.length === 1
    ? fmt(median)
    : `${fmt(median)} (median of ${all.length}: ${fmt(Math.min(...all))}–${fmt(Math.max(...all))})`

/** What a user compares between runs: each finding's rank, place and message (ids differ per request). */
const findingsKey = (output: AnalyzeOutput): string =>
  JSON.stringify(output.findings.map((f) => [f.rank, f.lineStart, f.lineEnd, f.message]))

const throughputRun = (ctx: BenchContext) =>
  Effect.gen(function* () {
    const sizeMb = yield* numberSetting(ctx, "size-mb", 1024)
    const seed = yield* numberSetting(ctx, "seed", 1)
    const runs = Math.max(1, Math.round(yield* numberSetting(ctx, "throughput-runs", 3)))
    const log = yield* prepareLog(ctx, sizeMb, seed)
    // grep and destill take turns, so each pair sees the machine at about the same speed: on a shared machine
    // one run can be 30 % off another minutes later, and the median of the turns is the figure.
    const pairs: Array<{
      readonly grepped: Effect.Effect.Success<ReturnType<typeof grep>>
      readonly analyzed: Effect.Effect.Success<ReturnType<typeof analyze>>
    }> = []
    for (let k = 0; k < runs; k++)
      pairs.push({ grepped: yield* grep(log), analyzed: yield* analyze(ctx, log) })
    const { analyzed } = medianBy(pairs, (pair) => pair.analyzed.run.wallMs)
    const { grepped } = medianBy(pairs, (pair) => pair.grepped.run.wallMs)
    const destill = speed(analyzed.run, log)
    const baseline = speed(grepped.run, log)
    const perRun = pairs.map((pair) => ({
      destill: speed(pair.analyzed.run, log),
      grep: speed(pair.grepped.run, log),
      ratioWallDestillToGrep: Number((pair.analyzed.run.wallMs / pair.grepped.run.wallMs).toFixed(2)),
    }))
    const ratio = medianBy(perRun, (run) => run.ratioWallDestillToGrep).ratioWallDestillToGrep
    const peakRssMb = perRun.some((run) => run.destill.peakRssMb === null)
      ? null
      : Math.max(...perRun.map((run) => run.destill.peakRssMb ?? 0))
    const sameFindings = pairs.every(
      (pair) => findingsKey(pair.analyzed.output) === findingsKey(analyzed.output),
    )
    const planted = locatePlanted(analyzed.output.findings, log.failures)
    const inTop5 = planted.filter((hit) => hit.rank !== null && hit.rank <= 5).length
    const figures = {
      log: {
        path: log.path,
        bytes: log.bytes,
        lines: log.lines,
        seed,
        cached: log.cached,
        generationMs: Math.round(log.generationMs),
      },
      runs: perRun,
      destill: {
        ...destill,
        peakRssMb,
        stats: analyzed.output.stats ?? null,
        findings: analyzed.output.findings.length,
      },
      grep: { ...baseline, matches: grepped.matches },
      ratioWallDestillToGrep: ratio,
      sameFindingsEveryRun: sameFindings,
      rssMethod: analyzed.run.rssMethod,
      planted,
      plantedInTop5: inTop5,
    }
    const rows: Array<Row> = [
      {
        metric: `log (${log.cached ? "cached" : "generated"})`,
        value: `${(log.bytes / MB).toFixed(0)} MB, ${fmt(log.lines)} lines`,
      },
      {
        metric: "destill lines/s",
        value: spread(
          destill.linesPerSec,
          perRun.map((run) => run.destill.linesPerSec),
        ),
        target: `≥ ${fmt(targetLinesPerSec)}`,
        met: destill.linesPerSec >= targetLinesPerSec,
      },
      { metric: "destill MB/s", value: String(destill.mbPerSec) },
      { metric: "destill wall", value: `${(destill.wallMs / 1000).toFixed(2)} s` },
      { metric: "destill CPU (user+sys)", value: cpu(destill) },
      { metric: "destill peak RSS", value: mb(peakRssMb) },
      {
        metric: "grep lines/s",
        value: spread(
          baseline.linesPerSec,
          perRun.map((run) => run.grep.linesPerSec),
        ),
      },
      { metric: "grep MB/s", value: String(baseline.mbPerSec) },
      { metric: "grep wall", value: `${(baseline.wallMs / 1000).toFixed(2)} s` },
      { metric: "grep CPU (user+sys)", value: cpu(baseline) },
      { metric: "grep peak RSS", value: mb(baseline.peakRssMb) },
      {
        metric: "wall ratio destill/grep",
        value: `${ratio}×${runs > 1 ? ` (median of ${runs} turns)` : ""}`,
      },
      {
        metric: "planted failures in top 5",
        value: `${inTop5}/${planted.length}`,
        target: `${planted.length}/${planted.length}`,
        met: inTop5 === planted.length,
      },
    ]
    const [load] = loadavg()
    const busy = (load ?? 0) > availableParallelism()
    const notes = [
      ...(busy
        ? [
            `load average ${load?.toFixed(1)} on ${availableParallelism()} CPUs: wall times are inflated, CPU times less so`,
          ]
        : []),
      ...(runs > 1
        ? [
            `${runs} turns of grep then destill; each figure is its median turn's, peak RSS the highest` +
              (sameFindings ? "" : "; the runs' findings DIFFER (nondeterminism: look into it)"),
          ]
        : []),
      `peak RSS measured by ${analyzed.run.rssMethod}; grep counted ${fmt(grepped.matches)} matching lines`,
      `planted: ${planted.map((hit) => `${hit.kind} (line ${hit.line}) → ${hit.rank === null ? "not in top 10" : `rank ${hit.rank}`}`).join("; ")}`,
    ]
    return { rows, figures, notes }
  })

const memoryRun = (ctx: BenchContext) =>
  Effect.gen(function* () {
    const memoryGb = yield* numberSetting(ctx, "memory-gb", 0)
    if (memoryGb === 0) {
      return {
        rows: [],
        figures: { skipped: true },
        notes: ["memory run (peak RSS on a 2 GB log): off; BENCH_MEMORY_GB=2 or --memory-gb 2 turns it on"],
      }
    }
    const seed = yield* numberSetting(ctx, "seed", 1)
    const log = yield* prepareLog(ctx, memoryGb * 1024, seed)
    const analyzed = yield* analyze(ctx, log)
    const destill = speed(analyzed.run, log)
    const met = destill.peakRssMb !== null && destill.peakRssMb < targetPeakRssMb
    return {
      rows: [
        { metric: `memory run log`, value: `${(log.bytes / MB).toFixed(0)} MB, ${fmt(log.lines)} lines` },
        {
          metric: "memory run peak RSS",
          value: mb(destill.peakRssMb),
          target: `< ${targetPeakRssMb} MB`,
          met,
        },
        { metric: "memory run lines/s", value: fmt(destill.linesPerSec) },
      ],
      figures: {
        skipped: false,
        log: { path: log.path, bytes: log.bytes, lines: log.lines },
        destill,
        rssMethod: analyzed.run.rssMethod,
      },
      notes: [`memory run on a ${memoryGb} GB log: on`],
    }
  })

export const throughputSection: BenchSection = {
  name: "throughput",
  settings: ["size-mb", "seed", "throughput-runs", "memory-gb"],
  description: "destill analyze vs grep on a generated CI log; peak RSS on a 2 GB log when asked",
  run: (ctx) =>
    Effect.gen(function* () {
      const speedReport = yield* throughputRun(ctx)
      const memoryReport = yield* memoryRun(ctx)
      return {
        rows: [...speedReport.rows, ...memoryReport.rows],
        figures: { ...speedReport.figures, memory: memoryReport.figures },
        notes: [...speedReport.notes, ...memoryReport.notes],
      }
    }),
}
