// `destill analyze` as a user runs it: the built binary, real files, stdin, and every kind of bad input.
import { spawnSync } from "node:child_process"
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { availableParallelism } from "node:os"
import * as path from "node:path"
import { gzipSync } from "node:zlib"
import { afterAll, describe, expect, it } from "vitest"
import { writeLog } from "../../bench/generateLog.js"
import { binary, runCli, tempDir } from "../support/cli.js"

const example = path.resolve(import.meta.dirname, "../../examples/failing-build.log")
const tmp = tempDir("destill-cli-")
afterAll(() => tmp.remove())

const file = (name: string, content: string | Buffer) => {
  const p = path.join(tmp.dir, name)
  writeFileSync(p, content)
  return p
}

/**
 * Runs the bin's analyze on a generated log under `node --cpu-prof`: its result, and for each thread (the main
 * thread's profile, then one per scoring thread) the names of the functions it ran.
 */
const profiledRun = async (name: string, sizeMb: number, seed: number, args: ReadonlyArray<string>) => {
  const log = path.join(tmp.dir, `${name}.log`)
  await writeLog({ sizeBytes: sizeMb * 1024 * 1024, seed }, log)
  const profiles = path.join(tmp.dir, `${name}-profiles`)
  const flags = ["--cpu-prof", "--cpu-prof-dir", profiles]
  const result = spawnSync(
    process.execPath,
    [...flags, binary, "analyze", log, "--no-store", "--format", "json", ...args],
    { encoding: "utf8" },
  )
  const threads = (result.status === 0 ? readdirSync(profiles) : [])
    .filter((file) => file.endsWith(".cpuprofile"))
    .map((file) => {
      const profile = JSON.parse(readFileSync(path.join(profiles, file), "utf8")) as {
        readonly nodes: ReadonlyArray<{ readonly callFrame: { readonly functionName: string } }>
      }
      return profile.nodes.map((node) => node.callFrame.functionName)
    })
  return { log, result, threads }
}

/** A failed command must say one thing, on one line, with no stack trace. */
const expectOneLineError = (stderr: string, pattern: RegExp) => {
  const lines = stderr.trim().split("\n")
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^destill: /)
  expect(lines[0]).toMatch(pattern)
  expect(stderr).not.toMatch(/\n\s+at /)
}

describe("destill analyze", () => {
  it("ranks the failing test's assertion first in the readable report", async () => {
    const r = await runCli(["analyze", example, "--no-store", "--top", "3"])
    expect(r.code).toBe(0)
    const first = r.stdout.split(/\n(?=#2 )/)[0] ?? ""
    expect(first).toMatch(/#1 /)
    expect(first).toContain("Expected: 107.99")
    expect(first).toContain("Received: 109.07")
  })

  it("prints the JSON contract", async () => {
    const r = await runCli(["analyze", example, "--no-store", "--format", "json", "--top", "5"])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report.source).toBe(example)
    expect(report.stats).toMatchObject({ lines: 68, chunks: 1 })
    expect(report.stats.bytes).toBeGreaterThan(4000)
    expect(report.findings.length).toBeGreaterThan(0)
    expect(report.findings.length).toBeLessThanOrEqual(5)
    const first = report.findings[0]
    expect(Object.keys(first)).toEqual([
      "id",
      "rank",
      "severity",
      "confidence",
      "lineStart",
      "lineEnd",
      "lines",
      "message",
      "context",
      "occurrences",
      "hash",
      "category",
      "signals",
      "jobName",
      "jobOutcome",
    ])
    expect(report.findings.map((f: { rank: number }) => f.rank)).toEqual(
      report.findings.map((_: unknown, i: number) => i + 1),
    )
    const confidences = report.findings.map((f: { confidence: number }) => f.confidence)
    expect([...confidences].sort((a, b) => b - a)).toEqual(confidences)
    expect(first.lines.length).toBe(first.lineEnd - first.lineStart + 1)
    expect(first.lines.join("\n")).toContain("Expected: 107.99")
    expect(first.jobOutcome).toBe("failed")
  })

  it("reads a gzip log from stdin and gives the same findings as the plain file", async () => {
    const plain = await runCli(["analyze", example, "--no-store", "--format", "json"])
    const { readFileSync } = await import("node:fs")
    const piped = await runCli(["analyze", "-", "--no-store", "--format", "json"], {
      stdin: gzipSync(readFileSync(example)),
    })
    expect(piped.code).toBe(0)
    const strip = (out: string) =>
      JSON.parse(out).findings.map((f: { lines: string[]; lineStart: number }) => [f.lineStart, f.lines])
    expect(strip(piped.stdout)).toEqual(strip(plain.stdout))
  })

  it("finds the same failures with and without scoring threads, on a log long enough for them to join", async () => {
    // ~30 chunks: the first are scored on the main thread while the threads start, the rest on the threads
    const log = path.join(tmp.dir, "long.log")
    await writeLog({ sizeBytes: 16 * 1024 * 1024, seed: 11 }, log)
    const run = async (jobs: string) => {
      const r = await runCli(["analyze", log, "--no-store", "--format", "json", "--top", "50", "-j", jobs])
      expect(r.code, r.stderr).toBe(0)
      return JSON.parse(r.stdout) as { findings: Array<Record<string, unknown>> }
    }
    const [alone, threaded] = await Promise.all([run("0"), run("2")])
    const comparable = (report: typeof alone) => report.findings.map(({ id: _i, ...rest }) => rest)
    expect(alone.findings).toHaveLength(50)
    expect(comparable(threaded)).toEqual(comparable(alone))
  })

  it("ships its scoring threads: the built bin scores a long log on two of them, in WebAssembly where it can", async () => {
    // Without its worker file beside it the bin would still be right, only 2-4x slower: count the threads that ran
    // by the CPU profile Node writes for each one (the main thread's, then one per scoring thread).
    const { result: r, threads } = await profiledRun("threads", 16, 5, ["-j", "2"])
    expect(r.status, r.stderr).toBe(0)
    expect(threads).toHaveLength(3)
    // and the bundle's scoring threads run the WebAssembly loops, not their JavaScript fallbacks
    const ranWasm = threads.filter((ran) => ran.some((name) => name.startsWith("wasm-function")))
    expect(ranWasm.length).toBeGreaterThanOrEqual(2)
  })

  it("starts its scoring threads while it loads for a big file, and they score it", async () => {
    // Without --jobs the bin starts the threads before loading the program (scoringThreads.ts): the pool must take
    // those threads, not start more, and the findings must be the ones scoring on this thread gives.
    const { log, result: early, threads: profiled } = await profiledRun("early", 6, 7, [])
    expect(early.status, early.stderr).toBe(0)
    const threads = Math.min(4, availableParallelism())
    // the main thread's profile, then one per scoring thread: none started twice, none left out
    expect(profiled).toHaveLength(1 + threads)
    const scored = profiled.filter((ran) => ran.includes("analyzeChunkFields"))
    expect(scored.length).toBeGreaterThanOrEqual(threads)
    const alone = await runCli(["analyze", log, "--no-store", "--format", "json", "-j", "0"])
    const comparable = (out: string) =>
      (JSON.parse(out) as { findings: Array<Record<string, unknown>> }).findings.map(
        ({ id: _i, ...rest }) => rest,
      )
    expect(comparable(early.stdout)).toEqual(comparable(alone.stdout))
  })

  it("exits with its one-line error when an option is bad, though it had started threads for a big file", async () => {
    const log = path.join(tmp.dir, "early-bad.log")
    await writeLog({ sizeBytes: 2 * 1024 * 1024, seed: 8 }, log)
    const r = await runCli(["analyze", log, "--no-store", "--top", "0"])
    expect(r.code).not.toBe(0)
    expectOneLineError(r.stderr, /--top must be between 1 and 10000/)
  })

  it("streams one finding per line with --format jsonl", async () => {
    const r = await runCli(["analyze", example, "--no-store", "--format", "jsonl", "--top", "2"])
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split("\n")
    expect(lines).toHaveLength(2)
    expect(JSON.parse(lines[0] as string).rank).toBe(1)
  })

  it("writes a markdown report for a pull-request comment", async () => {
    const r = await runCli(["analyze", example, "--no-store", "--format", "markdown", "--top", "1"])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^## destill: 1 finding in `/)
    expect(r.stdout).toContain("```text")
    expect(r.stdout).toContain("Expected: 107.99")
  })

  it("gives an empty result for an empty log", async () => {
    const r = await runCli(["analyze", file("empty.log", ""), "--no-store", "--format", "json"])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ stats: { lines: 0, chunks: 0 }, findings: [] })
  })

  it("says so when a file is missing", async () => {
    const r = await runCli(["analyze", path.join(tmp.dir, "nope.log"), "--no-store"])
    expect(r.code).toBe(1)
    expectOneLineError(r.stderr, /nope\.log: no such file/)
  })

  it("refuses a directory", async () => {
    const r = await runCli(["analyze", tmp.dir, "--no-store"])
    expect(r.code).toBe(1)
    expectOneLineError(r.stderr, /is a directory/)
  })

  it("refuses binary data", async () => {
    const elf = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0])
    const r = await runCli(["analyze", file("a.out", elf), "--no-store"])
    expect(r.code).toBe(1)
    expectOneLineError(r.stderr, /binary data/)
  })

  it("refuses text that is not UTF-8", async () => {
    const latin1 = Buffer.from("Fehler: Datei f\xfcr \xc4nderung nicht gefunden\n".repeat(3), "latin1")
    const r = await runCli(["analyze", file("latin1.log", latin1), "--no-store"])
    expect(r.code).toBe(1)
    expectOneLineError(r.stderr, /not UTF-8/)
  })

  it("refuses a truncated gzip file", async () => {
    const gz = gzipSync(Buffer.from("line\n".repeat(10_000)))
    const r = await runCli(["analyze", file("cut.log.gz", gz.subarray(0, gz.length / 2)), "--no-store"])
    expect(r.code).toBe(1)
    expectOneLineError(r.stderr, /truncated gzip/)
  })

  it("refuses a 100 MB single line without running out of memory", async () => {
    const huge = file("one-line.log", Buffer.alloc(100 * 1024 * 1024, 0x61))
    const r = await runCli(["analyze", huge, "--no-store"])
    expect(r.code).toBe(1)
    expectOneLineError(r.stderr, /line 1 is longer than 8 MiB/)
  })

  it("says stdin is closed when nothing is attached", async () => {
    const r = await runCli(["analyze", "-", "--no-store"], { stdin: "closed" })
    expect(r.code).toBe(1)
    expectOneLineError(r.stderr, /stdin is closed/)
  })

  it("treats an empty pipe as an empty log", async () => {
    const r = await runCli(["analyze", "-", "--no-store", "--format", "json"], { stdin: "" })
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).findings).toEqual([])
  })

  it("rejects an out-of-range option with a usage error", async () => {
    const r = await runCli(["analyze", example, "--no-store", "--min-confidence", "2"])
    expect(r.code).toBe(2)
    expectOneLineError(r.stderr, /--min-confidence must be between 0 and 1/)
  })

  it("documents every option in --help", async () => {
    const r = await runCli(["analyze", "--help"])
    expect(r.code).toBe(0)
    for (const option of [
      "--format",
      "--top",
      "--context",
      "--outcome",
      "--min-confidence",
      "--no-store",
      "--data-dir",
    ]) {
      expect(r.stdout).toContain(option)
    }
  })
})
