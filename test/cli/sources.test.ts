// `destill analyze` on a GitHub Actions run URL and with --baseline, through the built binary, against a
// loopback server that answers like the Actions API (pagination aside: see test/source for the adapter itself).
import { readFileSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../support/cli.js"

const example = path.resolve(import.meta.dirname, "../../examples/failing-build.log")
const failingLog = readFileSync(example, "utf8")
// The lint job passed but printed a deprecation and a handled error: it must rank below the failed job.
const passingLog = [
  "> storefront@2.4.0 lint",
  "npm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory.",
  "Error: ENOENT: no such file or directory, open '.eslintcache' (ignored, cache rebuilt)",
  "✔ 0 errors, 0 warnings",
].join("\n")

let server: Server
let blobs: Server
let api = ""
let blobHost = ""
const seen: Array<{ path: string; auth: string | undefined }> = []

const listen = async (s: Server) => {
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve))
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`
}

beforeAll(async () => {
  // The short-lived log URLs GitHub redirects to live on another host: the token must not follow.
  blobs = createServer((request, response) => {
    seen.push({ path: request.url ?? "", auth: request.headers.authorization })
    response.writeHead(200, { "content-type": "text/plain" })
    response.end(request.url?.startsWith("/blob/1") ? passingLog : failingLog)
  })
  blobHost = await listen(blobs)
  server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://x")
    seen.push({ path: url.pathname, auth: request.headers.authorization })
    const send = (code: number, body: string, type = "application/json", headers = {}) => {
      response.writeHead(code, { "content-type": type, ...headers })
      response.end(body)
    }
    if (url.pathname === "/repos/acme/shop/actions/runs/42/jobs") {
      return send(
        200,
        JSON.stringify({
          total_count: 2,
          jobs: [
            { id: 1, run_id: 42, name: "lint", status: "completed", conclusion: "success" },
            { id: 2, run_id: 42, name: "test", status: "completed", conclusion: "failure" },
          ],
        }),
      )
    }
    const logs = /^\/repos\/acme\/shop\/actions\/jobs\/(\d+)\/logs$/.exec(url.pathname)
    if (logs) return send(302, "", "text/plain", { location: `${blobHost}/blob/${logs[1]}?sig=secret` })
    return send(404, JSON.stringify({ message: "Not Found" }))
  })
  api = await listen(server)
})

afterAll(async () => {
  for (const s of [server, blobs]) {
    s.closeAllConnections()
    await new Promise((resolve) => s.close(resolve))
  }
})

const tmp = tempDir("destill-sources-")
afterAll(() => tmp.remove())

describe("destill analyze on CI sources", () => {
  it("analyzes every job of a GitHub Actions run and ranks the failed job first", async () => {
    const r = await runCli(
      ["analyze", "https://github.com/acme/shop/actions/runs/42", "--no-store", "--format", "json"],
      { env: { GITHUB_API_URL: api, GITHUB_TOKEN: "ghp_testtoken123" } },
    )
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report.findings[0]).toMatchObject({ jobName: "test", jobOutcome: "failed" })
    expect(report.findings[0].lines.join("\n")).toContain("Expected: 107.99")
    const outcomes = report.findings.map((f: { jobOutcome: string }) => f.jobOutcome)
    const firstPassed = outcomes.indexOf("passed")
    if (firstPassed !== -1) expect(outcomes.slice(firstPassed)).not.toContain("failed")
    // The token went to the API, never to the host the logs were redirected to.
    expect(
      seen.filter((s) => s.path.startsWith("/repos/")).every((s) => s.auth === "Bearer ghp_testtoken123"),
    ).toBe(true)
    expect(seen.filter((s) => s.path.startsWith("/blob/")).every((s) => s.auth === undefined)).toBe(true)
  })

  it("names the missing token", async () => {
    const r = await runCli(["analyze", "https://github.com/acme/shop/actions/runs/42", "--no-store"], {
      env: { GITHUB_API_URL: api, GITHUB_TOKEN: "", GH_TOKEN: "" },
    })
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split("\n")).toHaveLength(1)
    expect(r.stderr).toMatch(/GITHUB_TOKEN/)
  })

  it("lowers what the passing build also printed when given --baseline", async () => {
    // The baseline printed the same jest console noise and exit line; only the assertion is new.
    const baseline = failingLog
      .split("\n")
      .filter((l) => !/FAIL|●\s+checkout|Expected|Received|107\.99|toBe|\^/.test(l))
      .join("\n")
    const pass = path.join(tmp.dir, "pass.log")
    writeFileSync(pass, baseline)
    const plain = JSON.parse((await runCli(["analyze", example, "--no-store", "--format", "json"])).stdout)
    const r = await runCli(["analyze", example, "--no-store", "--format", "json", "--baseline", pass])
    expect(r.code).toBe(0)
    const compared = JSON.parse(r.stdout)
    expect(compared.findings[0].lines.join("\n")).toContain("Expected: 107.99")
    expect(compared.findings[0].signals.join(" ")).toMatch(/baseline: .*new/)
    const shared = compared.findings.find((f: { signals: string[] }) =>
      f.signals.some((s) => /also in the passing build/.test(s)),
    )
    expect(shared).toBeDefined()
    const before = plain.findings.find((f: { hash: string }) => f.hash === shared.hash)
    expect(shared.confidence).toBeLessThan(before.confidence)
  })

  it("refuses --baseline auto for a file", async () => {
    const r = await runCli(["analyze", example, "--no-store", "--baseline", "auto"])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--baseline auto needs a Buildkite or GitHub Actions URL/)
  })
})
