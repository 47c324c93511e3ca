import { describe, expect, it } from "@effect/vitest"
import { Chunk, ConfigProvider, Effect, Redacted, Stream } from "effect"
import { findBaselineBuildkite, isBuildkiteUrl, resolveBuildkite } from "../../layers/source/buildkite.js"
import {
  json,
  type Loopback,
  loopback,
  logText,
  pathOf,
  quickRetry,
  status,
  text,
  token,
} from "./loopback.js"

const buildUrl = "https://buildkite.com/acme/web/builds/123"
const buildPath = "/v2/organizations/acme/pipelines/web/builds/123"

const job = (server: Loopback, id: string, fields: Record<string, unknown>) => ({
  id,
  type: "script",
  name: `:test: ${id}`,
  started_at: "2026-01-01T00:00:00Z",
  raw_log_url: `${server.url}${buildPath}/jobs/${id}/raw`,
  ...fields,
})

const build = (server: Loopback, state = "failed") => ({
  number: 123,
  state,
  branch: "main",
  web_url: buildUrl,
  jobs: [
    job(server, "lint", { state: "passed", exit_status: 0 }),
    { id: "wait", type: "waiter", state: "passed" },
    job(server, "flaky", { state: "failed", exit_status: 1, soft_failed: true }),
    job(server, "unit", { state: "failed", exit_status: 2, soft_failed: false }),
    job(server, "agentless", { state: "broken", raw_log_url: null }),
    job(server, "e2e", { state: "timed_out", exit_status: -1 }),
  ],
})

/** A Buildkite API that serves `builds` and a log per job, `gone` answering 404 on its log. */
const buildkite = (body: (server: Loopback) => unknown, gone: ReadonlyArray<string> = []) =>
  loopback((request, response, server) => {
    const path = pathOf(request)
    if (path === buildPath) return json(response, body(server))
    const log = /\/jobs\/([^/]+)\/raw$/.exec(path)?.[1]
    if (log !== undefined)
      return gone.includes(log) ? status(response, 404) : text(response, `log of ${log}\n`)
    status(response, 404)
  })

const options = (server: Loopback) => ({ token, apiUrl: server.url, retry: quickRetry })

describe("resolveBuildkite", () => {
  it.scopedLive(
    "streams every script job with its outcome, failed jobs first, logs fetched with the token",
    () =>
      Effect.gen(function* () {
        const server = yield* buildkite((self) => build(self))
        const source = yield* resolveBuildkite(buildUrl, { ...options(server), concurrency: 1 })
        expect(source.buildId).toBe("buildkite:acme/web/123")
        const jobs = Chunk.toArray(yield* Stream.runCollect(source.jobs))
        expect(jobs.map((j) => [j.id, j.outcome])).toEqual([
          ["unit", "failed"],
          ["e2e", "failed"],
          ["lint", "passed"],
          ["flaky", "passed"],
        ])
        expect(yield* logText(jobs[0]!)).toBe("log of unit\n")
        expect(
          server.requests.every((r) => r.headers.authorization === `Bearer ${Redacted.value(token)}`),
        ).toBe(true)
        expect(source.notices).toEqual([])
      }),
  )

  it.scopedLive(
    "analyzes the jobs of a running build that have logs, and says the build is still running",
    () =>
      Effect.gen(function* () {
        const server = yield* buildkite((self) => ({
          ...build(self, "running"),
          jobs: [
            job(self, "unit", { state: "failed", exit_status: 1 }),
            job(self, "e2e", { state: "running" }),
            job(self, "deploy", { state: "scheduled" }),
          ],
        }))
        const source = yield* resolveBuildkite(buildUrl, options(server))
        const jobs = Chunk.toArray(yield* Stream.runCollect(source.jobs))
        expect(jobs.map((j) => [j.id, j.outcome])).toEqual([
          ["unit", "failed"],
          ["e2e", "unknown"],
        ])
        expect(source.notices).toEqual([
          "Buildkite build acme/web#123 is still running: analyzed the 2 jobs with logs so far; 1 have not started yet; run again when it has finished for the full picture",
        ])
      }),
  )

  it.scopedLive("skips a job whose log expired with a notice, and still analyzes the others", () =>
    Effect.gen(function* () {
      const server = yield* buildkite((self) => build(self), ["unit"])
      const source = yield* resolveBuildkite(buildUrl, options(server))
      const jobs = Chunk.toArray(yield* Stream.runCollect(source.jobs))
      expect(jobs.map((j) => j.id).sort()).toEqual(["e2e", "flaky", "lint"])
      expect(source.notices).toEqual([
        'skipped job ":test: unit": its log is no longer available (HTTP 404); CI services delete logs after their retention period',
      ])
    }),
  )

  it.scopedLive("opens no more logs at once than the concurrency allows", () =>
    Effect.gen(function* () {
      let open = 0
      let most = 0
      const server = yield* loopback((request, response, self) => {
        if (pathOf(request) === buildPath) {
          const jobs = Array.from({ length: 10 }, (_, n) =>
            job(self, `j${n}`, { state: "failed", exit_status: 1 }),
          )
          return json(response, { ...build(self), jobs })
        }
        open += 1
        most = Math.max(most, open)
        setTimeout(() => {
          open -= 1
          text(response, "log\n")
        }, 10)
      })
      const source = yield* resolveBuildkite(buildUrl, { ...options(server), concurrency: 2 })
      const logs = yield* Stream.runCollect(Stream.mapEffect(source.jobs, logText))
      expect(Chunk.size(logs)).toBe(10)
      expect(most).toBeLessThanOrEqual(2)
    }),
  )

  it.scopedLive("picks the one job a #job-id URL names", () =>
    Effect.gen(function* () {
      const server = yield* buildkite((self) => build(self))
      const source = yield* resolveBuildkite(`${buildUrl}#e2e`, options(server))
      const jobs = Chunk.toArray(yield* Stream.runCollect(source.jobs))
      expect(jobs.map((j) => j.id)).toEqual(["e2e"])
    }),
  )

  it.scopedLive("names the scopes a token needs on 401 and 403, and what was not found on 404", () =>
    Effect.gen(function* () {
      const messages: Array<string> = []
      for (const code of [401, 403, 404]) {
        const server = yield* loopback((_, response) => status(response, code))
        messages.push((yield* Effect.flip(resolveBuildkite(buildUrl, options(server)))).message)
      }
      expect(messages[0]).toContain("Buildkite rejected BUILDKITE_API_TOKEN (HTTP 401)")
      expect(messages[1]).toContain("read_builds and read_build_logs scopes")
      expect(messages[2]).toContain("Buildkite build acme/web#123 was not found (HTTP 404)")
      expect(messages.join("\n")).not.toContain(Redacted.value(token))
    }),
  )

  it.effect("names the variable when no token is set", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        resolveBuildkite(buildUrl).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))),
      )
      expect(error.message).toMatch(/^BUILDKITE_API_TOKEN is not set: .*read_builds and read_build_logs/)
    }),
  )

  it.effect("rejects a Buildkite URL that is not a build", () =>
    Effect.gen(function* () {
      expect(isBuildkiteUrl("https://buildkite.com/acme/web")).toBe(true)
      const error = yield* Effect.flip(resolveBuildkite("https://buildkite.com/acme/web", { token }))
      expect(error.message).toContain("expected https://buildkite.com/{org}/{pipeline}/builds/{number}")
    }),
  )
})

describe("findBaselineBuildkite", () => {
  const api = (passed: ReadonlyArray<unknown>) =>
    loopback((request, response, server) => {
      const url = new URL(request.url ?? "/", server.url)
      if (url.pathname === buildPath) return json(response, build(server))
      if (
        url.pathname === "/v2/organizations/acme/pipelines/web/builds" &&
        url.searchParams.get("branch") === "main"
      ) {
        return json(response, url.searchParams.get("state") === "passed" ? passed : [])
      }
      status(response, 404)
    })

  it.scopedLive("answers the URL of the last passed build on the same branch", () =>
    Effect.gen(function* () {
      const server = yield* api([
        { number: 121, state: "passed", web_url: "https://buildkite.com/acme/web/builds/121", jobs: [] },
      ])
      expect(yield* findBaselineBuildkite(buildUrl, options(server))).toBe(
        "https://buildkite.com/acme/web/builds/121",
      )
    }),
  )

  it.scopedLive("says so when the branch has no passed build", () =>
    Effect.gen(function* () {
      const server = yield* api([])
      const error = yield* Effect.flip(findBaselineBuildkite(buildUrl, options(server)))
      expect(error.message).toBe(
        "no passed build of acme/web on branch main to compare with; pass --baseline with a build URL or a file",
      )
    }),
  )
})
