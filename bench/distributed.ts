// Distributed mode end to end: the same generated log through `destill analyze` locally and through Kafka with one
// and two analyze agents (ingest → analyze → persist into PostgreSQL), plus the persist agent's findings/s, with
// the CPU seconds each side spent (the machine is shared: wall time alone misleads).
import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { startServers } from "./distributedServers.js"
import { ensureLog } from "./generateLog.js"
import { persistRate } from "./persistRate.js"
import { cpuAccounting, cpuMeter } from "./processCpu.js"
import {
  BenchError,
  type BenchContext,
  type BenchSection,
  medianBy,
  numberSetting,
  type Row,
} from "./section.js"

const MB = 1024 * 1024
const targetLinesPerSec = 300_000
const targetFindingsPerSec = 20_000
const gnuTime = "/usr/bin/time"

interface Output {
  readonly requestId: string
  readonly stats: { readonly lines: number; readonly durationMs: number }
  readonly findings: ReadonlyArray<Record<string, unknown>>
}

interface Timed {
  readonly output: Output
  readonly wallMs: number
  /** User + system seconds of the destill process itself, when GNU time is there to say. */
  readonly cpuSeconds: number | undefined
}

const fail = (message: string) => (error: unknown) =>
  new BenchError({ message: `${message}: ${error instanceof Error ? error.message : String(error)}` })

const sameFindings = (a: Output, b: Output) =>
  JSON.stringify(a.findings.map(({ id: _i, requestId: _r, ...rest }) => rest)) ===
  JSON.stringify(b.findings.map(({ id: _i, requestId: _r, ...rest }) => rest))

/** Runs destill with `args` (under GNU time when there is one), and parses its JSON report. */
const destillJson = (ctx: BenchContext, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) =>
  Effect.tryPromise({
    try: () =>
      new Promise<Timed>((resolve, reject) => {
        const timeDir = cpuAccounting() ? mkdtempSync(join(tmpdir(), "destill-bench-")) : undefined
        const timeFile = timeDir === undefined ? undefined : join(timeDir, "cpu")
        const argv = [...ctx.destill, ...args]
        const [command, ...rest] =
          timeFile === undefined ? argv : [gnuTime, "-f", "%U %S", "-o", timeFile, ...argv]
        const started = performance.now()
        const child = spawn(command!, rest, { env, stdio: ["ignore", "pipe", "pipe"] })
        const stdout: Array<Buffer> = []
        let stderr = ""
        child.stdout.on("data", (d: Buffer) => stdout.push(d))
        child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-2000)))
        child.once("error", reject)
        child.once("close", (code) => {
          const wallMs = performance.now() - started
          let cpuSeconds: number | undefined
          if (timeFile !== undefined && timeDir !== undefined) {
            const times = /([\d.]+) ([\d.]+)\s*$/.exec(readFileSync(timeFile, "utf8"))
            cpuSeconds = times === null ? undefined : Number(times[1]) + Number(times[2])
            rmSync(timeDir, { recursive: true, force: true })
          }
          try {
            const output = JSON.parse(Buffer.concat(stdout).toString("utf8")) as Output
            resolve({ output, wallMs, cpuSeconds })
          } catch {
            reject(new Error(`exited ${code} without a report: ${stderr.trim().split("\n").at(-1) ?? ""}`))
          }
        })
      }),
    catch: fail(`destill ${args.join(" ")}`),
  })

/** Agent processes, each stopped (SIGTERM, then SIGKILL) when the section's scope closes. */
const agent = (ctx: BenchContext, role: string, env: NodeJS.ProcessEnv) =>
  Effect.acquireRelease(
    Effect.sync(() =>
      spawn(ctx.destill[0]!, [...ctx.destill.slice(1), "agent", role], { env, stdio: "ignore" }),
    ),
    (child: ChildProcess) =>
      Effect.promise(
        () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve()
            child.once("exit", () => resolve())
            child.kill("SIGTERM")
            setTimeout(() => child.kill("SIGKILL"), 10_000).unref()
          }),
      ),
  )

const pidsOf = (children: ReadonlyArray<ChildProcess>) => () =>
  children.flatMap((child) => (child.pid === undefined ? [] : [child.pid]))

const round1 = (n: number) => Math.round(n * 10) / 10
const fmt = (n: number) => Math.round(n).toLocaleString("en-US")
const cpuText = (parts: Readonly<Record<string, number>>) =>
  Object.entries(parts)
    .map(([name, seconds]) => `${name} ${seconds.toFixed(1)}`)
    .join(", ")
const sum = (parts: Readonly<Record<string, number>>) => Object.values(parts).reduce((a, b) => a + b, 0)

const run = (ctx: BenchContext) =>
  Effect.gen(function* () {
    const sizeMb = yield* numberSetting(ctx, "distributed-size-mb", 64)
    const warmRuns = Math.max(1, Math.round(yield* numberSetting(ctx, "distributed-runs", 3)))
    const seed = yield* numberSetting(ctx, "seed", 1)
    const [log, warmup] = yield* Effect.tryPromise({
      try: () =>
        Promise.all([
          ensureLog({ sizeBytes: Math.round(sizeMb * MB), seed }, ctx.outDir),
          ensureLog({ sizeBytes: 1 * MB, seed: seed + 1 }, ctx.outDir),
        ]),
      catch: fail(`cannot generate the ${sizeMb} MB log`),
    })
    // Local mode must not pick up a broker from the bench's own environment.
    const { KAFKA_BROKERS: _k, REDPANDA_BROKERS: _r, ...localEnv } = process.env
    const local = yield* destillJson(ctx, ["analyze", log.path, "--no-store", "--format", "json"], localEnv)
    const lines = local.output.stats.lines
    const servers = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => startServers(ctx.repoRoot, process.env),
        catch: fail("cannot start the servers"),
      }),
      (s) => Effect.promise(s.stop),
    )
    const env = { ...process.env, KAFKA_BROKERS: servers.brokers, DATABASE_URL: servers.databaseUrl }
    const submit = (path: string) => destillJson(ctx, ["submit", path, "--wait", "--format", "json"], env)
    const ingest = yield* agent(ctx, "ingest", env)
    const persist = yield* agent(ctx, "persist", env)
    const meter = (analyze: ReadonlyArray<ChildProcess>) =>
      cpuMeter({
        ingest: pidsOf([ingest]),
        analyze: pidsOf(analyze),
        persist: pidsOf([persist]),
        broker: servers.kafkaPids,
        postgres: servers.postgresPids,
      })
    // A small request first waits for every group to form. Agents are long-running services, so the figure that
    // counts is a warm one: the log once (fresh agents still compiling their hot code, reported beside it), then
    // the same log `warmRuns` times more, the median of those reported (one run on a shared 2-core machine swings
    // by ±15 %), with the CPU each side spent per run. Each analyze group starts whole (members joining a busy
    // group on the librdkafka mock can crash mid-rebalance).
    const distributed = (agents: number) =>
      Effect.scoped(
        Effect.gen(function* () {
          const analyze = yield* Effect.forEach(Array.from({ length: agents }), () =>
            agent(ctx, "analyze", env),
          )
          yield* submit(warmup.path)
          const first = yield* submit(log.path)
          const cpu = meter(analyze)
          const runs: Array<Timed> = []
          for (let run = 0; run < warmRuns; run++) runs.push(yield* submit(log.path))
          const perRun = Object.fromEntries(
            Object.entries({
              ...cpu(),
              client: runs.reduce((total, run) => total + (run.cpuSeconds ?? 0), 0),
            }).map(([name, seconds]) => [name, seconds / warmRuns]),
          )
          const median = medianBy(runs, (run) => run.output.stats.durationMs)
          return { ...median, runs, first, cpu: perRun }
        }),
      )
    const one = yield* distributed(1)
    const two = yield* distributed(2)
    const persistCpu = meter([])
    const persisted = yield* persistRate(servers, {
      requests: 8,
      chunksPerRequest: 50,
      findingsPerChunk: 100,
      maxLag: 64,
    })
    const { persist: persistSeconds = 0, postgres = 0 } = persistCpu()

    // Lines over the time destill itself reports (request created → findings ranked), the same measure on both
    // sides: it leaves out Node's start-up and the polling of `submit --wait`, neither of which is the pipeline.
    const rate = (timed: Timed) => lines / (timed.output.stats.durationMs / 1000)
    const [localRate, oneRate, twoRate] = [rate(local), rate(one), rate(two)]
    const accounted = cpuAccounting()
    const cpuRows: Array<Row> = accounted
      ? [
          { metric: "CPU s, local", value: (local.cpuSeconds ?? 0).toFixed(1) },
          { metric: "CPU s, kafka 1 agent", value: `${sum(one.cpu).toFixed(1)} (${cpuText(one.cpu)})` },
          { metric: "CPU s, kafka 2 agents", value: `${sum(two.cpu).toFixed(1)} (${cpuText(two.cpu)})` },
          {
            metric: "CPU s, persisting the findings",
            value: `${(persistSeconds + postgres).toFixed(1)} (persist ${persistSeconds.toFixed(1)}, postgres ${postgres.toFixed(1)})`,
          },
        ]
      : []
    const rows: Array<Row> = [
      { metric: "local lines/s (analyze --no-store)", value: fmt(localRate) },
      {
        metric: "kafka lines/s, 1 analyze agent",
        value: fmt(oneRate),
        target: `≥ ${fmt(targetLinesPerSec)}`,
        met: oneRate >= targetLinesPerSec,
      },
      { metric: "kafka lines/s, 2 analyze agents", value: fmt(twoRate) },
      {
        metric: `kafka lines/s, each of the ${warmRuns} warm runs`,
        value: `${one.runs.map((run) => fmt(rate(run))).join(", ")} (1 agent); ${two.runs.map((run) => fmt(rate(run))).join(", ")} (2 agents)`,
      },
      {
        metric: "kafka lines/s, fresh agents",
        value: `${fmt(rate(one.first))} (1 agent), ${fmt(rate(two.first))} (2 agents)`,
      },
      { metric: "kafka / local (1 agent)", value: `${(oneRate / localRate).toFixed(2)}×` },
      { metric: "kafka / local (2 agents)", value: `${(twoRate / localRate).toFixed(2)}×` },
      {
        metric: "findings/s persisted to PostgreSQL",
        value: fmt(persisted.findingsPerSec),
        target: `≥ ${fmt(targetFindingsPerSec)}`,
        met: persisted.findingsPerSec >= targetFindingsPerSec,
      },
      ...cpuRows,
    ]
    const equal = [...one.runs, one.first, ...two.runs, two.first].every((run) =>
      sameFindings(local.output, run.output),
    )
    const wallRate = (timed: Timed) => lines / (timed.wallMs / 1000)
    return {
      rows,
      figures: {
        logMb: sizeMb,
        lines,
        localLinesPerSec: localRate,
        kafkaLinesPerSec1: oneRate,
        kafkaLinesPerSec2: twoRate,
        freshAgentsLinesPerSec: { kafka1: rate(one.first), kafka2: rate(two.first) },
        warmRunsLinesPerSec: { kafka1: one.runs.map(rate), kafka2: two.runs.map(rate) },
        wallLinesPerSec: { local: wallRate(local), kafka1: wallRate(one), kafka2: wallRate(two) },
        cpuSeconds: accounted
          ? {
              local: local.cpuSeconds,
              kafka1: Object.fromEntries(Object.entries(one.cpu).map(([k, v]) => [k, round1(v)])),
              kafka2: Object.fromEntries(Object.entries(two.cpu).map(([k, v]) => [k, round1(v)])),
              persist: { persist: round1(persistSeconds), postgres: round1(postgres) },
            }
          : undefined,
        findingsPerSec: persisted.findingsPerSec,
        findingsPersisted: persisted.findings,
        findingsEqualLocal: equal,
      },
      notes: [
        `${sizeMb} MB log, ${fmt(lines)} lines; end to end = submit → ingest → analyze → persist → ranked in PostgreSQL; ` +
          `agents measured warm (the median of ${warmRuns} requests of this log after a first one; CPU s per request), ` +
          "local mode cold (each run is a new process)",
        "lines/s over the duration destill reports (request created → findings ranked) on both sides; wall-clock " +
          `including start-up and --wait polling: local ${fmt(wallRate(local))}, kafka ${fmt(wallRate(one))} / ${fmt(wallRate(two))}`,
        `findings/s: ${fmt(persisted.findings)} findings of 8 requests published as fast as the persist group takes them (lag ≤ 64 messages), until all are in PostgreSQL`,
        equal
          ? "distributed findings equal local mode's exactly"
          : "WARNING: distributed findings differ from local mode",
        `servers: ${process.env["KAFKA_BROKERS"] ? "KAFKA_BROKERS / DATABASE_URL" : "librdkafka mock cluster + embedded PostgreSQL"}; CPU s of broker and database only when the bench started them`,
      ],
    }
  }).pipe(Effect.scoped)

export const distributedSection: BenchSection = {
  name: "distributed",
  description:
    "lines/s through Kafka with 1 and 2 analyze agents and findings/s into PostgreSQL, beside local mode",
  settings: ["distributed-size-mb", "distributed-runs"],
  run,
}
