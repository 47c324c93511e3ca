// The built CLI end to end: templates, a job file with a mistake, run, pause from another process, resume,
// status, rejections and the three export formats.
import { execFile, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"
import { tempDir } from "./fixtures.js"

const repoRoot = path.resolve(import.meta.dirname, "../..")
const cli = path.join(repoRoot, "dist/bundle/cli.js")
const dir = tempDir("destill-cli-")
const dataDir = path.join(dir, "data")
const running = new Set<ReturnType<typeof spawn>>()
afterAll(() => running.forEach((child) => child.kill("SIGKILL")))

const destill = async (...args: ReadonlyArray<string>) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [cli, ...args, ...(args[1] === "templates" ? [] : ["--data-dir", dataDir])],
      { cwd: dir },
    )
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

const job = (name: string, target: number, latencyMs: number) => `name: ${name}
template: simple
target: ${target}
seeds: { topics: [billing, shipping, refunds] }
providers:
  - { type: scripted, script: ${path.join(repoRoot, "examples/distill/teacher.mjs")}, latencyMs: ${latencyMs} }
concurrency: 4
maxAttempts: 3
output: out/${name}.jsonl
`

describe("destill distill", () => {
  it("lists the templates with their schemas", async () => {
    const { stdout } = await destill("distill", "templates", "--json")
    const templates = JSON.parse(stdout) as Array<{ id: string; schema: { required: Array<string> } }>
    expect(templates.map((t) => t.id)).toEqual(["simple", "reasoning", "moe", "tool-trace", "ci-triage"])
    expect(templates.find((t) => t.id === "ci-triage")!.schema.required).toEqual([
      "rootCause",
      "evidence",
      "fix",
    ])
  })

  it("points at the line of a mistake in the job file", async () => {
    fs.writeFileSync(
      path.join(dir, "bad.yaml"),
      job("bad", 10, 0).replace("concurrency: 4", "concurrency: many"),
    )
    const { code, stderr } = await destill("distill", "run", "bad.yaml")
    expect(code).toBe(1)
    expect(stderr).toContain("bad.yaml:7: concurrency: Expected")
  })

  it("runs, pauses on request, resumes, reports and exports", { timeout: 180_000 }, async () => {
    fs.writeFileSync(
      path.join(dir, "demo.yaml"),
      job("demo", 300, 50).replace("concurrency: 4", "concurrency: 2"),
    )
    const child = spawn(
      process.execPath,
      [cli, "distill", "run", "demo.yaml", "--data-dir", dataDir, "--no-dashboard"],
      { cwd: dir },
    )
    running.add(child)
    const exited = new Promise((resolve) => child.on("exit", resolve))
    let stdout = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    const output = path.join(dir, "out/demo.jsonl")
    while (!fs.existsSync(output) || fs.readFileSync(output, "utf8").split("\n").length < 10)
      await new Promise((r) => setTimeout(r, 50))
    const paused = await destill("distill", "pause", "demo")
    expect(paused.stdout).toContain("asked demo to pause")
    const code = await exited
    running.delete(child)
    expect(code).toBe(0)
    expect(stdout).toMatch(/demo: paused — \d+ accepted/)

    const before = JSON.parse((await destill("distill", "status", "demo", "--json")).stdout) as {
      status: string
      accepted: number
    }
    expect(before.status).toBe("paused")
    expect(before.accepted).toBeLessThan(300)

    const resumed = await destill("distill", "resume", "demo", "--no-dashboard")
    expect(resumed.stdout).toMatch(/demo: done — 300 accepted/)
    expect(resumed.stderr).toMatch(/demo: 300\/300 \(100%\)/)

    const list = await destill("distill", "status")
    expect(list.stdout).toMatch(/demo\s+done\s+simple\s+300\/300 accepted/)
    const lines = fs.readFileSync(output, "utf8").trimEnd().split("\n")
    expect(new Set(lines.map((l) => (JSON.parse(l) as { id: string }).id)).size).toBe(300)

    const chat = (await destill("distill", "export", "demo", "--format", "chatml")).stdout
      .trimEnd()
      .split("\n")
    expect(chat).toHaveLength(300)
    expect(JSON.parse(chat[0]!)).toMatchObject({ messages: [{ role: "user" }, { role: "assistant" }] })
    const alpaca = JSON.parse(
      (await destill("distill", "export", "demo", "-f", "alpaca")).stdout.split("\n")[0]!,
    ) as Record<string, string>
    expect(Object.keys(alpaca)).toEqual(["id", "instruction", "input", "output"])
    expect((await destill("distill", "rejections", "demo")).stdout).toContain("demo has no rejected tasks")
  })
})
