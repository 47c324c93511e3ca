// `destill agent insight` on real servers: beside the triage agents it explains each completed request once,
// publishes the insight on destill.insights and stores it, where `destill view` shows it; without a provider it
// refuses to start with one line naming the settings.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Topics } from "../../src/domain/topics.js"
import { kafkaMockAvailable } from "../support/kafkaMock.js"
import { exampleAnswer as answer, exampleLog as example } from "../support/exampleInsight.js"
import { startCluster, type Cluster } from "./cluster.js"

const eventually = async (check: () => Promise<boolean>) => {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 100))
}

describe.runIf(kafkaMockAvailable())("destill agent insight", { timeout: 120_000 }, () => {
  let cluster: Cluster
  let dir: string
  let scripted: Record<string, string>

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "destill-insight-agent-"))
    const script = path.join(dir, "script.json")
    writeFileSync(script, JSON.stringify([{ value: answer }]))
    scripted = { DESTILL_PROVIDER: "scripted", DESTILL_SCRIPT: script }
    cluster = await startCluster()
  })

  afterAll(async () => {
    await cluster?.teardown()
    rmSync(dir, { recursive: true, force: true })
  })

  it("explains a completed request once and publishes the insight that destill view then shows", async () => {
    cluster.startAgent("ingest")
    cluster.startAgent("analyze")
    cluster.startAgent("persist")
    const agent = cluster.startAgent("insight", [], scripted)
    const submitted = await cluster.cli(["submit", example])
    expect(submitted.code, submitted.stderr).toBe(0)
    const requestId = submitted.stdout.trim()

    await eventually(async () => (await cluster.topicEnd(Topics.insights.name)) >= 1)
    await eventually(async () => agent.stderr().includes(`insight for ${requestId.slice(0, 8)}: test`))
    const viewed = await cluster.cli(["view", requestId, "--format", "json"])
    expect(viewed.code, viewed.stderr).toBe(0)
    const report = JSON.parse(viewed.stdout)
    expect(report.status).toBe("complete")
    expect(report.insights).toHaveLength(1)
    expect(report.insights[0]).toMatchObject({
      status: "accepted",
      summary: answer.summary,
      provider: "scripted",
      attempts: 1,
    })
    const rows = await cluster.query<{ count: string }>(
      "SELECT count(*) AS count FROM insights WHERE request_id = $1",
      [requestId],
    )
    expect(Number(rows[0]?.count)).toBe(1)
    // SIGTERM drains and exits cleanly; one insight was published for the request's chunk messages.
    expect(await agent.stop()).toBe(0)
    expect(await cluster.topicEnd(Topics.insights.name)).toBe(1)
    await cluster.stopAgents()
  })

  it("refuses to start without a provider, naming the settings", async () => {
    const agent = cluster.startAgent("insight", [], { DESTILL_PROVIDER: "" })
    const code = await new Promise<number | null>((resolve) => agent.child.once("exit", resolve))
    expect(code).not.toBe(0)
    expect(agent.stderr()).toBe(
      "destill: no LLM provider configured: set DESTILL_PROVIDER (ollama, openai or scripted) and DESTILL_MODEL, or pass --provider and --model\n",
    )
  })
})
