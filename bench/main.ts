// `npm run bench`: runs the chosen sections, prints one table, and writes every figure with the machine it
// ran on to bench/out/results.json.
import { existsSync } from "node:fs"
import { mkdir, writeFile } from "node:fs/promises"
import { availableParallelism, cpus, loadavg, totalmem } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { knownSettings, readSettings, usage } from "./benchSettings.js"
import { BenchError, type BenchContext, type Row } from "./section.js"
import { sections } from "./sections.js"

const repoRootFrom = (start: string): string => {
  let dir = start
  // dist/bench/main.js and bench/main.ts both sit below the repo's package.json.
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir)
    if (parent === dir) return start
    dir = parent
  }
  return dir
}

const destillCommand = (repoRoot: string, override: string | undefined) =>
  Effect.suspend(() => {
    if (override !== undefined) return Effect.succeed(override.trim().split(/\s+/))
    const bin = join(repoRoot, "dist/bundle/cli.js")
    // Run the bin as a user's shell does, through its shebang, so its Node flags (the heap cap) apply.
    return existsSync(bin)
      ? Effect.succeed([bin])
      : Effect.fail(
          new BenchError({
            message: `${bin} is missing: run npm run build, or point BENCH_DESTILL at a command`,
          }),
        )
  })

const table = (rows: ReadonlyArray<Row>): string => {
  const cells = rows.map((r) => [
    r.metric,
    r.value,
    r.target ?? "",
    r.met === undefined ? "" : r.met ? "ok" : "MISSED",
  ])
  const widths = [0, 1, 2].map((c) => Math.max(...cells.map((row) => (row[c] ?? "").length)))
  return cells
    .map(
      (row) =>
        "  " +
        row
          .map((cell, c) => cell.padEnd(widths[c] ?? 0))
          .join("  ")
          .trimEnd(),
    )
    .join("\n")
}

const machine = () => ({
  cpus: availableParallelism(),
  cpuModel: cpus()[0]?.model ?? "unknown",
  memoryMb: Math.round(totalmem() / 1024 / 1024),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  loadAverage: loadavg().map((n) => Number(n.toFixed(2))),
})

const program = Effect.gen(function* () {
  const known = knownSettings(sections)
  const settings = readSettings(process.argv.slice(2), process.env, known)
  if (settings.has("help")) return yield* Effect.sync(() => console.log(usage(sections)))
  const unknown = [...settings.keys()].filter((name) => !known.includes(name))
  if (unknown.length > 0)
    return yield* new BenchError({ message: `unknown flag --${unknown[0]}\n${usage(sections)}` })
  const repoRoot = repoRootFrom(dirname(fileURLToPath(import.meta.url)))
  const only = settings
    .get("only")
    ?.split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
  const chosen = only === undefined ? sections : sections.filter((s) => only.includes(s.name))
  const missing = only?.filter((name) => !sections.some((s) => s.name === name)) ?? []
  if (missing.length > 0) {
    return yield* new BenchError({
      message: `no bench section ${missing.join(", ")}; there are: ${sections.map((s) => s.name).join(", ")}`,
    })
  }
  const ctx: BenchContext = {
    repoRoot,
    outDir: resolve(repoRoot, "bench/out"),
    destill: yield* destillCommand(repoRoot, settings.get("destill")),
    settings,
  }
  const results: Record<string, unknown> = {}
  let failed = 0
  console.log(`destill bench — ${chosen.map((s) => s.name).join(", ")} — ${ctx.destill.join(" ")}`)
  for (const section of chosen) {
    console.log(`\n${section.name}: ${section.description}`)
    const started = performance.now()
    const outcome = yield* Effect.either(section.run(ctx))
    const seconds = Number(((performance.now() - started) / 1000).toFixed(1))
    if (outcome._tag === "Left") {
      failed++
      console.log(`  could not run: ${outcome.left.message}`)
      results[section.name] = { error: outcome.left.message, seconds }
      continue
    }
    console.log(table(outcome.right.rows))
    for (const note of outcome.right.notes) console.log(`  · ${note}`)
    console.log(`  (${seconds} s)`)
    results[section.name] = { ...outcome.right.figures, seconds }
  }
  const file = join(ctx.outDir, "results.json")
  const report = {
    finishedAt: new Date().toISOString(),
    machine: machine(),
    settings: Object.fromEntries(settings),
    destill: ctx.destill,
    sections: results,
  }
  yield* Effect.tryPromise({
    try: async () => {
      await mkdir(ctx.outDir, { recursive: true })
      await writeFile(file, JSON.stringify(report, null, 2) + "\n")
    },
    catch: (error) => new BenchError({ message: `cannot write ${file}: ${String(error)}` }),
  })
  console.log(`\nwrote ${file}`)
  if (failed > 0) return yield* new BenchError({ message: `${failed} section(s) could not run` })
})

Effect.runPromise(Effect.either(program)).then((outcome) => {
  if (outcome._tag === "Left") {
    console.error(`bench: ${outcome.left.message}`)
    process.exitCode = 1
  }
})
