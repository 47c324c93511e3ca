// Distributed triage end to end on real servers: agents as processes over a Kafka-protocol broker and PostgreSQL
// give exactly the findings local mode gives, share work, survive SIGKILL and park poison messages.
import { mkdtempSync, rmSync } from "node:fs"
import { freePort } from "../../bench/embeddedPostgres.js"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { writeLog } from "../../bench/generateLog.js"
import { runCli } from "../support/cli.js"
import { Topics } from "../../src/domain/topics.js"
import { kafkaMockAvailable } from "../support/kafkaMock.js"
import { startCluster, type Cluster } from "./cluster.js"

interface Report {
  readonly requestId: string
  readonly stats: { readonly lines: number; readonly chunks: number }
  readonly findings: ReadonlyArray<Record<string, unknown>>
}

/** Polls until the check holds; the suite's timeout bounds it. */
const eventually = async (check: () => Promise<boolean>) => {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 100))
}

/** A finding as a user compares it across runs: everything but the ids, which include the request id. */
const comparable = (report: Report) =>
  report.findings.map(({ id: _id, requestId: _requestId, ...rest }) => rest)

describe.runIf(kafkaMockAvailable())("distributed triage", { timeout: 120_000 }, () => {
  let cluster: Cluster
  let dir: string
  let log: string
  let local: Report

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "destill-kafka-test-"))
    log = path.join(dir, "build.log")
    // ~6 chunks of 500 KB: enough for two agents to share, small enough for two cores.
    await writeLog({ sizeBytes: 3 * 1024 * 1024, seed: 7 }, log)
    const result = await runCli(["analyze", log, "--no-store", "--format", "json"])
    expect(result.code, result.stderr).toBe(0)
    local = JSON.parse(result.stdout) as Report
    cluster = await startCluster()
  })

  afterEach(async () => {
    await cluster?.stopAgents()
  })

  afterAll(async () => {
    await cluster?.teardown()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Waits for the request to complete in the store, then reads it back the way a user does. */
  const completed = async (requestId: string): Promise<Report> => {
    await eventually(async () => {
      const rows = await cluster.query<{ status: string }>("SELECT status FROM requests WHERE id = $1", [
        requestId,
      ])
      return rows[0]?.status === "complete"
    })
    const result = await cluster.cli(["view", requestId, "--format", "json"])
    expect(result.code, result.stderr).toBe(0)
    return JSON.parse(result.stdout) as Report
  }

  it("two analyze agents in one group share a request and find exactly what local mode finds", async () => {
    cluster.startAgent("ingest")
    const first = cluster.startAgent("analyze")
    const second = cluster.startAgent("analyze")
    cluster.startAgent("persist")
    const result = await cluster.cli(["submit", log, "--wait", "--format", "json"])
    expect(result.code, result.stderr + first.stderr() + second.stderr()).toBe(0)
    const remote = JSON.parse(result.stdout) as Report
    expect(local.findings.length).toBeGreaterThan(0)
    expect(comparable(remote)).toEqual(comparable(local))
    expect(remote.stats.lines).toBe(local.stats.lines)
    expect(remote.stats.chunks).toBe(local.stats.chunks)
    // SIGTERM drains each agent; each says how much of the request it took.
    const handled = await Promise.all(
      [first, second].map(async (agent) => {
        await agent.stop()
        const match = /analyze agent stopped after (\d+) message/.exec(agent.stderr())
        expect(match, agent.stderr()).not.toBeNull()
        return Number(match?.[1])
      }),
    )
    expect(handled.every((count) => count > 0)).toBe(true)
    expect(handled[0]! + handled[1]!).toBeGreaterThanOrEqual(local.stats.chunks)
  })

  it("loses and duplicates nothing when an analyze agent is killed mid-request and another takes over", async () => {
    const before = await cluster.topicEnd(Topics.findings.name)
    cluster.startAgent("ingest")
    // With no persist agent and a lag limit of 2, the analyze agent stops mid-request with chunks in hand.
    const doomed = cluster.startAgent("analyze", [], { DESTILL_MAX_LAG: "2" })
    const submitted = await cluster.cli(["submit", log])
    expect(submitted.code, submitted.stderr).toBe(0)
    const requestId = submitted.stdout.trim()
    await eventually(async () => (await cluster.topicEnd(Topics.findings.name)) - before >= 1)
    await doomed.kill()
    expect((await cluster.topicEnd(Topics.findings.name)) - before).toBeLessThan(local.stats.chunks)

    cluster.startAgent("analyze")
    cluster.startAgent("persist")
    const remote = await completed(requestId)
    expect(comparable(remote)).toEqual(comparable(local))
    expect(remote.stats.chunks).toBe(local.stats.chunks)
    // stored once each, and the staged chunks cleared once the ranked result was written
    const stored = await cluster.query<{ n: string }>(
      "SELECT count(*) AS n FROM findings WHERE request_id = $1",
      [requestId],
    )
    expect(Number(stored[0]?.n)).toBe(local.findings.length)
    const staged = await cluster.query<{ n: string }>(
      "SELECT count(*) AS n FROM triage_chunks WHERE request_id = $1",
      [requestId],
    )
    expect(Number(staged[0]?.n)).toBe(0)
  })

  it("holds the analyze agents at a bounded lag while persist is down, and completes once it runs", async () => {
    const before = await cluster.topicEnd(Topics.findings.name)
    cluster.startAgent("ingest")
    cluster.startAgent("analyze", [], { DESTILL_MAX_LAG: "2" })
    const submitted = await cluster.cli(["submit", log])
    expect(submitted.code, submitted.stderr).toBe(0)
    const requestId = submitted.stdout.trim()
    await eventually(async () => (await cluster.topicEnd(Topics.findings.name)) - before >= 2)
    // Give the agent every chance to run ahead; it must stay within the limit plus the chunks it had in hand.
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    const published = (await cluster.topicEnd(Topics.findings.name)) - before
    expect(published).toBeLessThanOrEqual(2 + 2)
    expect(published).toBeLessThan(local.stats.chunks)

    cluster.startAgent("persist")
    const remote = await completed(requestId)
    expect(comparable(remote)).toEqual(comparable(local))
  })

  it("parks poison messages on destill.dlq with their topic, key and error, and keeps working", async () => {
    cluster.startAgent("ingest")
    const analyzer = cluster.startAgent("analyze")
    const persister = cluster.startAgent("persist")
    await cluster.publishRaw(Topics.logsRaw.name, "poison-build", "{not json")
    await cluster.publishRaw(Topics.findings.name, "poison-request", JSON.stringify({ requestId: 42 }))

    // KAFKA_BROKERS makes `destill analyze` distributed; --wait follows the request to its findings.
    const result = await cluster.cli(["analyze", log, "--wait", "--format", "json"])
    expect(result.code, result.stderr).toBe(0)
    expect(comparable(JSON.parse(result.stdout) as Report)).toEqual(comparable(local))

    let letters: Array<{ topic: string; key: string; value: string; error: string }> = []
    await eventually(async () => {
      const listed = await cluster.cli(["dlq", "list", "--format", "json"])
      expect(listed.code, listed.stderr).toBe(0)
      letters = JSON.parse(listed.stdout) as typeof letters
      return letters.length >= 2
    })
    expect(letters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          topic: Topics.logsRaw.name,
          key: "poison-build",
          value: "{not json",
          error: expect.stringMatching(/^not JSON/),
        }),
        expect.objectContaining({
          topic: Topics.findings.name,
          key: "poison-request",
          error: expect.stringContaining("not a destill.analysis.findings message"),
        }),
      ]),
    )
    expect(analyzer.child.exitCode).toBeNull()
    expect(persister.child.exitCode).toBeNull()

    const replayed = await cluster.cli(["dlq", "replay"])
    expect(replayed.code, replayed.stderr).toBe(0)
    expect(replayed.stdout.trim()).toBe("replayed 2 dead letter(s)")
  })

  it("says in one line which broker or database it cannot reach", async () => {
    const port = await freePort() // nobody listens there
    const noBroker = await cluster.cli(["agent", "analyze"], { KAFKA_BROKERS: `127.0.0.1:${port}` })
    expect(noBroker.code).toBe(1)
    expect(noBroker.stderr).toMatch(
      new RegExp(
        `^destill: cannot reach the Kafka broker at 127\\.0\\.0\\.1:${port} \\(KAFKA_BROKERS\\): .+\\n$`,
      ),
    )

    const noDatabase = await cluster.cli(["agent", "persist"], {
      DATABASE_URL: `postgres://postgres:secret-pw@127.0.0.1:${port}/destill`,
    })
    expect(noDatabase.code).toBe(1)
    expect(noDatabase.stderr).toMatch(
      new RegExp(`^destill: cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port} \\(DATABASE_URL\\): .+\\n$`),
    )
    expect(noDatabase.stderr).not.toContain("secret-pw")

    const unset = await cluster.cli(["agent", "analyze"], { KAFKA_BROKERS: "" })
    expect(unset.code).toBe(1)
    expect(unset.stderr).toContain("needs a Kafka broker: set KAFKA_BROKERS (or REDPANDA_BROKERS)")

    const missing = await cluster.cli(["submit", path.join(dir, "no-such.log")])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("cannot read")
  })
})
