// `destill analyze --explain` and `destill explain` as a user runs them: the built binary, a scripted or a
// loopback OpenAI-compatible provider, the embedded store in a temp dir.
import { writeFileSync } from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { json, type Loopback, startLoopback } from "../provider/loopback.js"
import { runCli, tempDir } from "../support/cli.js"
import { exampleAnswer as grounded, exampleLog as example } from "../support/exampleInsight.js"

const tmp = tempDir("destill-insight-cli-")
const token = "ghp_Zx9QwErTyUiOpAsDfGhJkLzXcVbNm1234567"
let server: Loopback
beforeAll(async () => {
  server = await startLoopback()
})
afterAll(async () => {
  await server.close()
  tmp.remove()
})

const file = (name: string, content: string) => {
  const p = path.join(tmp.dir, name)
  writeFileSync(p, content)
  return p
}

const goodScript = file("good.json", JSON.stringify([{ value: grounded }]))
const badScript = file("bad.json", JSON.stringify([{ text: "I think it is flaky." }]))
/** Each explain test starts the embedded store several times; a busy machine makes that slow. */
const slow = 180_000

const scripted = (script: string) => ({ DESTILL_SCRIPT: script })

/** Triage a log into the store; the request id. */
const analyzeInto = async (dataDir: string, log: string, ...extra: Array<string>): Promise<string> => {
  const r = await runCli(["analyze", log, "--data-dir", dataDir, "-f", "json", ...extra])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout).requestId
}

describe("destill analyze --explain", () => {
  it("prints the insight above the findings", async () => {
    const r = await runCli(
      ["analyze", example, "--no-store", "--format", "text", "--explain", "--provider", "scripted"],
      { env: scripted(goodScript) },
    )
    expect(r.code).toBe(0)
    const insightAt = r.stdout.indexOf("insight · test · confidence 0.80 · scripted scripted, 1 attempt")
    expect(insightAt).toBeGreaterThan(0)
    expect(r.stdout.indexOf("#1 ")).toBeGreaterThan(insightAt)
    expect(r.stdout).toContain("root cause: computeTotals applies the WINTER10 discount after tax")
    expect(r.stdout).toMatch(/lines 51–52 +Expected: 107\.99/)
  })

  it("puts insights beside findings in JSON, in the contract's field order", async () => {
    const r = await runCli(
      ["analyze", example, "--no-store", "-f", "json", "--explain", "--provider", "scripted"],
      {
        env: scripted(goodScript),
      },
    )
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(Object.keys(report)).toEqual(expect.arrayContaining(["findings", "insights"]))
    expect(report.insights).toHaveLength(1)
    expect(Object.keys(report.insights[0])).toEqual([
      "id",
      "status",
      "summary",
      "rootCause",
      "category",
      "evidence",
      "suggestedFix",
      "confidence",
      "provider",
      "model",
      "attempts",
      "reasons",
    ])
    expect(report.insights[0]).toMatchObject({ status: "accepted", evidence: grounded.evidence, attempts: 1 })
  })

  it("without a provider, still prints the triage and says which settings to set", async () => {
    const r = await runCli(["analyze", example, "--no-store", "-f", "json", "--explain"], {
      env: { DESTILL_PROVIDER: "", DESTILL_MODEL: "" },
    })
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0)
    expect(
      r.stderr
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("destill: no insight")),
    ).toEqual([
      "destill: no insight: no LLM provider configured: set DESTILL_PROVIDER (ollama, openai or scripted) and DESTILL_MODEL, or pass --provider and --model",
    ])
  })

  it("shows a rejected answer only as the reasons it was rejected", async () => {
    const r = await runCli(
      ["analyze", example, "--no-store", "-f", "text", "--explain", "--provider", "scripted"],
      {
        env: scripted(badScript),
      },
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("no insight: no answer from scripted scripted passed validation in 3 attempts")
    expect(r.stdout).toMatch(/- attempt 3: the answer does not match the schema: not valid JSON/)
    expect(r.stdout).not.toContain("insight · ")
  })
})

describe("destill explain", () => {
  const dataDir = path.join(tmp.dir, "data")

  it(
    "explains a stored request, then reuses the stored insight without asking the model",
    async () => {
      const id = await analyzeInto(dataDir, example)
      const first = await runCli(
        ["explain", id.slice(0, 8), "--data-dir", dataDir, "--provider", "scripted"],
        {
          env: scripted(goodScript),
        },
      )
      expect(first.stderr).toBe("")
      expect(first.code).toBe(0)
      expect(first.stdout).toContain(`request ${id}`)
      expect(first.stdout).toContain("insight · test · confidence 0.80")
      // This script would fail validation: an answer means the stored insight was reused.
      const again = await runCli(
        ["explain", id, "--data-dir", dataDir, "-f", "json", "--provider", "scripted"],
        {
          env: scripted(badScript),
        },
      )
      expect(again.code).toBe(0)
      const [insight] = JSON.parse(again.stdout).insights
      expect(insight).toMatchObject({ status: "accepted", summary: grounded.summary })

      // destill view shows the stored insight beside the findings, in JSON and above them in text.
      const viewed = await runCli(["view", id, "--data-dir", dataDir, "-f", "json"])
      expect(viewed.code, viewed.stderr).toBe(0)
      const report = JSON.parse(viewed.stdout)
      expect(report.insights).toHaveLength(1)
      expect(report.insights[0]).toMatchObject({
        id: insight.id,
        status: "accepted",
        rootCause: grounded.rootCause,
      })
      expect(report.findings.length).toBeGreaterThan(0)
      const text = await runCli(["view", id, "--data-dir", dataDir, "-f", "text"])
      const insightAt = text.stdout.indexOf("insight · test · confidence 0.80")
      expect(insightAt).toBeGreaterThan(0)
      expect(text.stdout.indexOf("#1 ")).toBeGreaterThan(insightAt)
    },
    slow,
  )

  it(
    "fails with one line naming the settings when no provider is configured",
    async () => {
      const id = await analyzeInto(dataDir, example)
      const r = await runCli(["explain", id, "--data-dir", dataDir], { env: { DESTILL_PROVIDER: "" } })
      expect(r.code).toBe(1)
      expect(r.stderr).toBe(
        "destill: no LLM provider configured: set DESTILL_PROVIDER (ollama, openai or scripted) and DESTILL_MODEL, or pass --provider and --model\n",
      )
    },
    slow,
  )

  it(
    "keeps a secret in the log away from an OpenAI-compatible server unless --no-redact",
    async () => {
      const log = file(
        "publish.log",
        [
          "> storefront@2.4.0 publish",
          "> npm publish --registry https://npm.pkg.github.com",
          "npm notice Publishing to https://npm.pkg.github.com",
          "npm notice using a token from .npmrc",
          "npm ERR! code E401",
          `npm ERR! 401 Unauthorized - PUT https://npm.pkg.github.com/storefront - token ${token} was rejected`,
          "npm ERR! A complete log of this run can be found in: /home/runner/.npm/_logs/debug-0.log",
          "Error: Process completed with exit code 1.",
          "",
        ].join("\n"),
      )
      const reply = {
        summary: "Publishing failed: the registry rejected the token (401).",
        rootCause: "The npm token for npm.pkg.github.com is invalid or expired.",
        category: "configuration",
        evidence: [{ lineStart: 6, lineEnd: 6, quote: "401 Unauthorized" }],
        suggestedFix: "Renew the token in the repository secrets.",
        confidence: 0.9,
      }
      server.handle = (_request, response) =>
        json(response, 200, {
          model: "local-model",
          choices: [{ message: { content: JSON.stringify(reply) }, finish_reason: "stop" }],
          usage: { prompt_tokens: 400, completion_tokens: 80 },
        })
      const env = { OPENAI_BASE_URL: `${server.url}/v1`, OPENAI_API_KEY: "" }
      const id = await analyzeInto(dataDir, log)
      const args = ["explain", id, "--data-dir", dataDir, "--provider", "openai", "--model", "local-model"]

      server.received.length = 0
      const redacted = await runCli([...args, "--show-prompt"], { env })
      expect(redacted.code).toBe(0)
      expect(server.received).toHaveLength(1)
      expect(JSON.stringify(server.received)).not.toContain(token)
      expect(redacted.stdout).toContain("what the model saw:")
      expect(redacted.stdout).toContain("token [REDACTED:token] was rejected")
      expect(redacted.stdout).not.toContain(token)

      server.received.length = 0
      const raw = await runCli([...args, "--no-redact"], { env })
      expect(raw.code).toBe(0)
      expect(JSON.stringify(server.received)).toContain(token)
    },
    slow,
  )

  it(
    "exits 1 with the reasons when no answer validates",
    async () => {
      const id = await analyzeInto(dataDir, example, "--top", "2")
      const r = await runCli(
        ["explain", id, "--data-dir", dataDir, "--provider", "scripted", "--attempts", "2"],
        {
          env: scripted(badScript),
        },
      )
      expect(r.code).toBe(1)
      expect(r.stdout).toContain("- attempt 2: the answer does not match the schema")
      expect(r.stderr).toMatch(
        /^destill: no insight: the model's answers failed validation in 2 attempt\(s\)/,
      )
    },
    slow,
  )
})
