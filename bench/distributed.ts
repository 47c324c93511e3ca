// Distributed mode end to end: the same generated log through `destill analyze` locally and through Kafka with one
// and two analyze agents (ingest → analyze → persist into PostgreSQL), plus the persist agent's findings/s.
import { spawn, type ChildProcess } from "node:child_process"
import { SqlClient } from "@effect/sql"
import { Effect, ManagedRuntime } from "effect"
import { make as makeKafkaBroker } from "../layers/broker/kafka/KafkaBroker.js"
import { PostgresClientLive } from "../layers/store/postgres.js"
import { ChunkFindings, Finding } from "../src/domain/Finding.js"
import { RequestId } from "../src/domain/Request.js"
import { Topics } from "../src/domain/topics.js"
import { startServers, type Servers } from "./distributedServers.js"
import { ensureLog } from "./generateLog.js"
import { BenchError, type BenchContext, type BenchSection, numberSetting, type Row } from "./section.js"

const MB = 1024 * 1024
const targetLinesPerSec = 300_000
const targetFindingsPerSec = 20_000

interface Output {
  readonly requestId: string
  readonly stats: { readonly lines: number }
  readonly findings: ReadonlyArray<Record<string, unknown>>
}

const fail = (message: string) => (error: unknown) =>
  new BenchError({ message: `${message}: ${error instanceof Error ? error.message : String(error)}` })

const sameFindings = (a: Output, b: Output) =>
  JSON.stringify(a.findings.map(({ id: _i, requestId: _r, ...rest }) => rest)) ===
  JSON.stringify(b.findings.map(({ id: _i, requestId: _r, ...rest }) => rest))

/** Runs destill with `args`, timing it, and parses its JSON report; fails with its stderr when there is none. */
const destillJson = (ctx: BenchContext, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) =>
  Effect.tryPromise({
    try: () =>
      new Promise<{ output: Output; wallMs: number }>((resolve, reject) => {
        const started = performance.now()
        const child = spawn(ctx.destill[0]!, [...ctx.destill.slice(1), ...args], {
          env: { ...process.env, ...env },
          stdio: ["ignore", "pipe", "pipe"],
        })
        const stdout: Array<Buffer> = []
        let stderr = ""
        child.stdout.on("data", (d: Buffer) => stdout.push(d))
        child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-2000)))
        child.once("error", reject)
        child.once("close", (code) => {
          const wallMs = performance.now() - started
          try {
            resolve({ output: JSON.parse(Buffer.concat(stdout).toString("utf8")) as Output, wallMs })
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
      spawn(ctx.destill[0]!, [...ctx.destill.slice(1), "agent", role], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "ignore", "ignore"],
      }),
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

/** Publishes `chunks` synthetic analysed chunks of `perChunk` findings and times the persist agent storing them. */
const persistRate = (servers: Servers, chunks: number, perChunk: number) =>
  Effect.gen(function* () {
    const requestId = RequestId.make(`bench-persist-${Date.now()}`)
    const batches = Array.from(
      { length: chunks },
      (_, chunk) =>
        new ChunkFindings({
          requestId,
          buildId: "bench",
          jobName: "bench",
          chunkIndex: chunk,
          lines: 5000,
          lastLine: (chunk + 1) * 5000,
          findings: Array.from({ length: perChunk }, (_, i) => {
            const line = chunk * 5000 + i * 40 + 1
            return new Finding({
              id: `${requestId}-${chunk}-${i}`,
              requestId,
              rank: 0,
              severity: "error",
              confidence: 0.5 + (i % 50) / 100,
              lineStart: line,
              lineEnd: line + 2,
              lines: [`error: step ${chunk}/${i} failed`, "  at run (/src/build.ts:10:5)", "  at main"],
              message: `step ${chunk}/${i} failed`,
              context: { before: ["running step"], after: ["exit code 1"] },
              occurrences: 1,
              hash: `${chunk}-${i}`,
              category: "build",
              signals: ["pattern:error +0.5"],
              jobName: "bench",
              jobOutcome: "failed",
            })
          }),
        }),
    )
    const database = ManagedRuntime.make(
      PostgresClientLive({ databaseUrl: servers.databaseUrl, poolSize: 1 }),
    )
    const stored = Effect.promise(() =>
      database.runPromise(
        Effect.flatMap(
          SqlClient.SqlClient,
          (sql) =>
            sql<{
              n: string
            }>`SELECT count(*) AS n FROM triage_chunk_findings WHERE request_id = ${requestId}`,
        ),
      ),
    ).pipe(Effect.map((rows) => Number(rows[0]?.n ?? 0)))
    // Waves of 20 chunks: one request's findings share a partition, and the mock broker keeps only ~5 MB of it.
    const started = performance.now()
    yield* Effect.scoped(
      Effect.gen(function* () {
        const { broker } = yield* makeKafkaBroker({ brokers: servers.brokers.split(",") })
        for (let from = 0; from < batches.length; from += 20) {
          const wave = batches.slice(from, from + 20)
          yield* broker.publish(
            Topics.findings,
            wave.map((value) => ({ key: requestId, value })),
          )
          const want = (from + wave.length) * perChunk
          for (let waited = 0; (yield* stored) < want; waited += 50) {
            if (waited > 60_000)
              return yield* new BenchError({ message: "the persist agent stopped storing findings" })
            yield* Effect.sleep("50 millis")
          }
        }
      }),
    ).pipe(Effect.catchTag("BrokerError", fail("cannot publish the synthetic findings")))
    const seconds = (performance.now() - started) / 1000
    yield* Effect.promise(() => database.dispose())
    return (chunks * perChunk) / seconds
  })

const run = (ctx: BenchContext) =>
  Effect.gen(function* () {
    const sizeMb = yield* numberSetting(ctx, "distributed-size-mb", 64)
    const seed = yield* numberSetting(ctx, "seed", 1)
    const [log, warmup] = yield* Effect.tryPromise({
      try: () =>
        Promise.all([
          ensureLog({ sizeBytes: Math.round(sizeMb * MB), seed }, ctx.outDir),
          ensureLog({ sizeBytes: 1 * MB, seed: seed + 1 }, ctx.outDir),
        ]),
      catch: fail(`cannot generate the ${sizeMb} MB log`),
    })
    const local = yield* destillJson(ctx, ["analyze", log.path, "--no-store", "--format", "json"], {})
    const lines = local.output.stats.lines
    const servers = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => startServers(ctx.repoRoot, process.env),
        catch: fail("cannot start the servers"),
      }),
      (s) => Effect.promise(s.stop),
    )
    const env = { KAFKA_BROKERS: servers.brokers, DATABASE_URL: servers.databaseUrl }
    const submit = (path: string) => destillJson(ctx, ["submit", path, "--wait", "--format", "json"], env)
    yield* agent(ctx, "ingest", env)
    yield* agent(ctx, "persist", env)
    // The first request waits for every group to form; time the ones after it. Each analyze group starts whole
    // (members joining a busy group on the librdkafka mock can crash mid-rebalance).
    const one = yield* Effect.scoped(
      Effect.gen(function* () {
        yield* agent(ctx, "analyze", env)
        yield* submit(warmup.path)
        return yield* submit(log.path)
      }),
    )
    const two = yield* Effect.scoped(
      Effect.gen(function* () {
        yield* agent(ctx, "analyze", env)
        yield* agent(ctx, "analyze", env)
        yield* submit(warmup.path)
        return yield* submit(log.path)
      }),
    )
    const findingsPerSec = yield* persistRate(servers, 200, 100)

    const rate = (wallMs: number) => lines / (wallMs / 1000)
    const localRate = rate(local.wallMs)
    const oneRate = rate(one.wallMs)
    const twoRate = rate(two.wallMs)
    const fmt = (n: number) => Math.round(n).toLocaleString("en-US")
    const rows: Array<Row> = [
      { metric: "local lines/s (analyze --no-store)", value: fmt(localRate) },
      {
        metric: "kafka lines/s, 1 analyze agent",
        value: fmt(oneRate),
        target: `≥ ${fmt(targetLinesPerSec)}`,
        met: oneRate >= targetLinesPerSec,
      },
      { metric: "kafka lines/s, 2 analyze agents", value: fmt(twoRate) },
      { metric: "kafka / local (1 agent)", value: `${(oneRate / localRate).toFixed(2)}×` },
      { metric: "kafka / local (2 agents)", value: `${(twoRate / localRate).toFixed(2)}×` },
      {
        metric: "findings/s persisted to PostgreSQL",
        value: fmt(findingsPerSec),
        target: `≥ ${fmt(targetFindingsPerSec)}`,
        met: findingsPerSec >= targetFindingsPerSec,
      },
    ]
    const equal = sameFindings(local.output, one.output) && sameFindings(local.output, two.output)
    return {
      rows,
      figures: {
        logMb: sizeMb,
        lines,
        localLinesPerSec: localRate,
        kafkaLinesPerSec1: oneRate,
        kafkaLinesPerSec2: twoRate,
        findingsPerSec,
        findingsEqualLocal: equal,
      },
      notes: [
        `${sizeMb} MB log, ${fmt(lines)} lines; end to end = submit → ingest → analyze → persist → ranked in PostgreSQL`,
        equal
          ? "distributed findings equal local mode's exactly"
          : "WARNING: distributed findings differ from local mode",
        `servers: ${process.env["KAFKA_BROKERS"] ? "KAFKA_BROKERS / DATABASE_URL" : "librdkafka mock cluster + embedded PostgreSQL"}`,
      ],
    }
  }).pipe(Effect.scoped)

export const distributedSection: BenchSection = {
  name: "distributed",
  description:
    "lines/s through Kafka with 1 and 2 analyze agents and findings/s into PostgreSQL, beside local mode",
  settings: ["distributed-size-mb"],
  run,
}
