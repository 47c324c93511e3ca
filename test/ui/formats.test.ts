// What destill prints off a terminal. The formatters are held to golden files (test/golden/*) rendered from one
// fixed report (test/golden/report.json), so a scoring change does not churn them; the binary is then checked to
// print exactly what the formatters make of its own JSON, for analyze and for view of a stored request.
// UPDATE_GOLDEN=1 rewrites the golden files after a deliberate change to a format.
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { escapeData, escapeProperty, reportGithub } from "../../src/cli/format/github.js"
import { reportMarkdown } from "../../src/cli/format/markdown.js"
import { findingJsonl, type Report, reportJson } from "../../src/cli/format/report.js"
import { reportText } from "../../src/cli/format/text.js"
import { runCli, tempDir } from "../support/cli.js"

const root = path.resolve(import.meta.dirname, "../..")
const golden = (name: string) => path.join(root, "test/golden", name)
const example = "examples/failing-build.log"
const tmp = tempDir("destill-formats-")
afterAll(() => tmp.remove())

const render: Record<string, (r: Report) => string> = {
  text: (r) => reportText(r, { color: false, maxLines: 30 }),
  markdown: reportMarkdown,
  github: reportGithub,
  json: reportJson,
  jsonl: (r) => r.findings.map(findingJsonl).join("\n"),
}

const expectGolden = (name: string, actual: string) => {
  const file = golden(name)
  if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(file)) writeFileSync(file, actual)
  expect(actual).toBe(readFileSync(file, "utf8"))
}

/** The run-to-run differences: the request id (and finding ids derived from it) and durations. */
const normalise = (text: string): string =>
  text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<request-id>")
    .replace(/"durationMs": ?\d+/g, '"durationMs": 0')
    .replace(/"id": ?"[0-9a-f]{16,}"/g, (m) => m.replace(/"[0-9a-f]+"$/, '"<finding-id>"'))
    .replace(/ in \d+\.\d+s/g, " in 0.00s")
    .replace(/ · \d+\.\d+ s · /g, " · 0.00 s · ")

const analyze = async (format: string, env: Record<string, string> = {}) => {
  const r = await runCli(["analyze", example, "--no-store", "--quiet", "--format", format, "--top", "5"], {
    env,
  })
  expect(r.stderr).toBe("")
  expect(r.code).toBe(0)
  return r.stdout
}

describe("formats against golden files", () => {
  const report = JSON.parse(readFileSync(golden("report.json"), "utf8")) as Report
  it.each([
    ["text", "report.txt"],
    ["markdown", "report.md"],
    ["github", "report.github"],
    ["json", "report.out.json"],
    ["jsonl", "report.jsonl"],
  ])("%s", (format, file) => {
    expectGolden(file, `${render[format]!(report)}\n`)
  })

  it("github: one workflow command per finding, GitHub's characters escaped", () => {
    const lines = reportGithub(report).split("\n")
    expect(lines).toHaveLength(report.findings.length)
    for (const line of lines)
      expect(line).toMatch(/^::(error|warning|notice) title=[^:,]*,line=\d+,endLine=\d+::[^\n\r]*$/)
    expect(lines.at(-1)).toContain("::npm warn disk 95%25 full: cache at /tmp/npm, retrying%0A")
    expect(escapeData("50% done\r\nnext")).toBe("50%25 done%0D%0Anext")
    expect(escapeProperty("a: b, c%\n")).toBe("a%3A b%2C c%25%0A")
  })
})

describe("the binary prints what the formatters make of its report", () => {
  it.each(["text", "markdown", "jsonl"])("analyze --format %s", async (format) => {
    const report = JSON.parse(await analyze("json")) as Report
    expect(normalise(await analyze(format))).toBe(normalise(`${render[format]!(report)}\n`))
  })

  it("analyze --format github writes annotations and appends the job summary to $GITHUB_STEP_SUMMARY", async () => {
    const report = JSON.parse(await analyze("json")) as Report
    const summary = path.join(tmp.dir, "summary.md")
    writeFileSync(summary, "earlier step\n")
    const out = await analyze("github", { GITHUB_STEP_SUMMARY: summary })
    expect(out).toBe(`${reportGithub(report)}\n`)
    expect(out).toMatch(/^::error title=destill #1 /)
    expect(normalise(readFileSync(summary, "utf8"))).toBe(
      normalise(`earlier step\n${reportMarkdown(report)}\n`),
    )
  })

  it("view <id> --format … prints a stored request the same ways", async () => {
    const dataDir = path.join(tmp.dir, "data")
    const run = await runCli([
      "analyze",
      example,
      "-q",
      "--data-dir",
      dataDir,
      "--format",
      "json",
      "--top",
      "5",
    ])
    expect(run.code).toBe(0)
    const stored = JSON.parse(run.stdout) as Report
    for (const format of ["github", "markdown", "text", "json"]) {
      const shown = await runCli([
        "view",
        stored.requestId.slice(0, 8),
        "--data-dir",
        dataDir,
        "--format",
        format,
      ])
      expect(shown.code).toBe(0)
      const expected = render[format]!({ ...stored, status: "complete" })
      expect(normalise(shown.stdout)).toBe(normalise(`${expected}\n`))
    }
    const list = await runCli(["view", "--data-dir", dataDir])
    expect(list.stdout).toContain(stored.requestId.slice(0, 8))
    expect(list.stdout).toContain("complete")
  }, 240_000)
})
