// Kill the real CLI with SIGKILL at random moments of a job and resume it: the output must end with every
// accepted sample exactly once, no torn line, and the store's attempts numbered without gaps.
import { execFileSync, spawn, type ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { tempDir } from "./fixtures.js"

const repoRoot = path.resolve(import.meta.dirname, "../..")
const cli = path.join(repoRoot, "dist/bundle/cli.js")
const dir = tempDir("destill-kill-")
const dataDir = path.join(dir, "data")
const target = 400
const children = new Set<ChildProcess>()

afterAll(() => {
  for (const child of children) child.kill("SIGKILL")
})

fs.writeFileSync(
  path.join(dir, "job.yaml"),
  `name: kill-test
template: simple
target: ${target}
seeds: { topics: [billing, shipping, refunds] }
providers:
  - { type: scripted, script: ${path.join(repoRoot, "examples/distill/teacher.mjs")}, latencyMs: 25 }
concurrency: 8
maxAttempts: 3
validators: { nearDuplicate: 0.8 }
output: out/kill-test.jsonl
`,
)
const output = path.join(dir, "out/kill-test.jsonl")

/** A little deterministic randomness, so a failure can be replayed. */
let state = 20261122
const random = () => {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0
  return state / 2 ** 32
}

const lineCount = () => (fs.existsSync(output) ? fs.readFileSync(output, "utf8").split("\n").length - 1 : 0)

/** Run the CLI; SIGKILL it once the output has `killAtLines` lines (or never). Resolves with its exit. */
const runCli = (args: ReadonlyArray<string>, killAtLines: number | undefined) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, ...args, "--data-dir", dataDir, "--no-dashboard"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    })
    children.add(child)
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    const timer =
      killAtLines === undefined
        ? undefined
        : setInterval(() => {
            if (lineCount() >= killAtLines) child.kill("SIGKILL")
          }, 5)
    child.on("exit", (code, signal) => {
      if (timer !== undefined) clearInterval(timer)
      children.delete(child)
      resolve({ code, signal, stderr })
    })
  })

describe("a job killed with SIGKILL", () => {
  it("resumes to exactly-once output", { timeout: 300_000 }, async () => {
    expect(fs.existsSync(cli), `${cli} is missing: run npm run build first`).toBe(true)
    let kills = 0
    let last = await runCli(["distill", "run", "job.yaml"], Math.floor(5 + random() * 40))
    while (last.signal === "SIGKILL" && kills < 6) {
      kills++
      const done = lineCount()
      const killAt = kills < 5 ? done + Math.floor(5 + random() * 40) : undefined
      last = await runCli(["distill", "resume", "kill-test"], killAt)
    }
    expect(kills).toBeGreaterThanOrEqual(3)
    expect(last.code, last.stderr).toBe(0)

    const text = fs.readFileSync(output, "utf8")
    expect(text.endsWith("\n")).toBe(true)
    const ids = text
      .trimEnd()
      .split("\n")
      .map((line) => (JSON.parse(line) as { id: string }).id)
    expect(ids).toHaveLength(target)
    expect(new Set(ids).size).toBe(target)

    const exported = execFileSync(
      process.execPath,
      [cli, "distill", "export", "kill-test", "--data-dir", dataDir],
      {
        encoding: "utf8",
      },
    )
    expect(
      new Set(
        exported
          .trimEnd()
          .split("\n")
          .map((l) => (JSON.parse(l) as { id: string }).id),
      ),
    ).toEqual(new Set(ids))
    const status = JSON.parse(
      execFileSync(
        process.execPath,
        [cli, "distill", "status", "kill-test", "--json", "--data-dir", dataDir],
        {
          encoding: "utf8",
        },
      ),
    ) as { status: string; accepted: number; attempts: number }
    expect(status.status).toBe("done")
    expect(status.accepted).toBe(target)
    // Each kill loses at most the generations in flight (8) and the batch being committed, never more: paid ones are stored first.
    expect(status.attempts).toBeLessThan(target * 1.5)
  })
})
