import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { ensureLog, type LogSummary, logText } from "../../bench/generateLog.js"

const render = (sizeBytes: number, seed: number): { text: string; summary: LogSummary } => {
  const batches: Array<string> = []
  const gen = logText({ sizeBytes, seed })
  let step = gen.next()
  while (step.done !== true) {
    batches.push(step.value)
    step = gen.next()
  }
  return { text: batches.join(""), summary: step.value }
}

const stampless = (line: string) => line.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z /, "")
const size = 256 * 1024
const { text, summary } = render(size, 42)
const lines = text.split("\n").slice(0, -1)

describe("generated CI log", () => {
  it("is the same bytes for the same seed and different bytes for another seed", () => {
    expect(render(size, 42).text).toBe(text)
    expect(render(size, 43).text).not.toBe(text)
  })

  it("has about the requested size and reports its own size and line count", () => {
    expect(summary.bytes).toBe(Buffer.byteLength(text))
    expect(summary.bytes).toBeGreaterThanOrEqual(size)
    expect(summary.bytes).toBeLessThan(size + 100 * 1024)
    expect(summary.lines).toBe(lines.length)
  })

  it("puts each planted failure where it says, late in the log, ending with the exit code", () => {
    expect(summary.failures.map((f) => f.kind)).toEqual([
      "java-stack-trace",
      "pytest-assertion",
      "tsc-error",
      "npm-err",
      "exit-code",
    ])
    for (const failure of summary.failures) {
      expect(stampless(lines[failure.line - 1] ?? "")).toBe(failure.text)
      expect(failure.lineStart).toBeLessThanOrEqual(failure.line)
      expect(failure.line).toBeLessThanOrEqual(failure.lineEnd)
      expect(failure.line).toBeGreaterThan(lines.length * 0.8)
    }
    expect(summary.failures.at(-1)?.line).toBe(lines.length)
    expect(lines.filter((l) => l.includes("Caused by: ")).length).toBe(2)
  })

  it("mixes tools, progress redraws, colours, timestamps and innocent error/fail lines", () => {
    expect(text).toMatch(/[^\n]\r[^\n]/) // lone carriage return of a progress bar
    expect(text).toContain("\x1b[")
    expect(lines.some((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z /.test(l))).toBe(true)
    expect(lines.some((l) => !/^\d{4}-/.test(l))).toBe(true)
    for (const marker of [
      "npm WARN deprecated",
      "Downloading from central",
      "> Task :",
      "DONE",
      "PASSED",
      "--- PASS:",
      "warning:",
      "Failures: 0, Errors: 0",
      "0 Error(s)",
      "error on last attempt",
    ]) {
      expect(text).toContain(marker)
    }
    const firstFailure = summary.failures[0]?.lineStart ?? 0
    const innocent = lines.slice(0, firstFailure - 1).filter((l) => /error|fail/i.test(l))
    expect(innocent.length).toBeGreaterThan(50)
  })
})

describe("cached log file", () => {
  const dirs: Array<string> = []
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))))

  it("writes the same bytes as the generator and reuses the file on the next run", async () => {
    const dir = await mkdtemp(join(tmpdir(), "destill-bench-test-"))
    dirs.push(dir)
    const first = await ensureLog({ sizeBytes: size, seed: 42 }, dir)
    expect(first.cached).toBe(false)
    expect(await readFile(first.path, "utf8")).toBe(text)
    expect(first.failures).toEqual(summary.failures)
    const second = await ensureLog({ sizeBytes: size, seed: 42 }, dir)
    expect(second.cached).toBe(true)
    expect(second.path).toBe(first.path)
    expect(second.failures).toEqual(summary.failures)
  })
})
