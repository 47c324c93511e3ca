import { gzipSync } from "node:zlib"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, ConfigProvider, Effect, Redacted, Stream } from "effect"
import { findBaselineGitHub, isGitHubActionsUrl, resolveGitHub } from "../../layers/source/github.js"
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

const runUrl = "https://github.com/acme/web/actions/runs/42"
const actions = "/repos/acme/web/actions"

const ghJob = (id: number, name: string, conclusion: string | null, state = "completed") => ({
  id,
  run_id: 42,
  name,
  status: state,
  conclusion,
})

/** A short-lived log host: what GitHub's 302 points at. */
const blobStore = () =>
  loopback((request, response) => {
    const id = pathOf(request).slice(1)
    return id === "zipped"
      ? text(response, gzipSync("gzipped log\n"), { "content-encoding": "gzip" })
      : text(response, `log of job ${id}\n`)
  })

/** The Actions API: a run's jobs in pages of two, each job's logs a 302 to the blob store; `gone` answers 410. */
const gitHub = (
  blob: Loopback,
  jobs: ReadonlyArray<ReturnType<typeof ghJob>>,
  gone: ReadonlyArray<number> = [],
) =>
  loopback((request, response, server) => {
    const url = new URL(request.url ?? "/", server.url)
    if (url.pathname === `${actions}/runs/42/jobs`) {
      const page = Number(url.searchParams.get("page") ?? "1")
      const last = Math.ceil(jobs.length / 2)
      const link =
        page < last
          ? { link: `<${server.url}${actions}/runs/42/jobs?per_page=100&page=${page + 1}>; rel="next"` }
          : {}
      return json(response, { total_count: jobs.length, jobs: jobs.slice((page - 1) * 2, page * 2) }, link)
    }
    const single = new RegExp(`^${actions}/jobs/(\\d+)(/logs)?$`).exec(url.pathname)
    const found = jobs.find((j) => j.id === Number(single?.[1]))
    if (single === null || found === undefined) return status(response, 404)
    if (single[2] === undefined) return json(response, found)
    if (gone.includes(found.id)) return status(response, 410)
    response.writeHead(302, {
      location: `${blob.url}/${found.name === "zipped" ? "zipped" : found.id}?sig=abc`,
    })
    response.end()
  })

const options = (server: Loopback) => ({ token, apiUrl: server.url, retry: quickRetry })

const collect = (source: {
  jobs: Stream.Stream<import("../../src/services/LogSource.js").SourceJob, unknown>
}) => Effect.map(Stream.runCollect(source.jobs), Chunk.toArray)

describe("resolveGitHub", () => {
  it.scopedLive(
    "follows the Link pages, maps conclusions, and fetches logs through the redirect without the token",
    () =>
      Effect.gen(function* () {
        const blob = yield* blobStore()
        const server = yield* gitHub(blob, [
          ghJob(1, "build", "success"),
          ghJob(2, "test", "failure"),
          ghJob(3, "lint", "skipped"),
          ghJob(4, "deploy", "cancelled"),
          ghJob(5, "zipped", "timed_out"),
        ])
        const source = yield* resolveGitHub(runUrl, { ...options(server), concurrency: 1 })
        expect(source.buildId).toBe("github:acme/web/42")
        // Read each log as its job arrives, the way the triage pipeline does.
        const read = yield* Stream.runCollect(
          Stream.mapEffect(source.jobs, (job) =>
            Effect.map(logText(job), (log) => [job.name, job.outcome, log]),
          ),
        )
        expect(Chunk.toArray(read)).toEqual([
          ["test", "failed", "log of job 2\n"],
          ["deploy", "failed", "log of job 4\n"],
          ["zipped", "failed", "gzipped log\n"],
          ["build", "passed", "log of job 1\n"],
        ])
        expect(server.requests.filter((r) => r.path.includes("/runs/42/jobs"))).toHaveLength(3)
        const sent = server.requests.map((r) => [r.headers.authorization, r.headers["x-github-api-version"]])
        expect(new Set(sent.map(String))).toEqual(new Set([`Bearer ${Redacted.value(token)},2022-11-28`]))
        expect(blob.requests).toHaveLength(4)
        expect(blob.requests.some((r) => r.headers.authorization !== undefined)).toBe(false)
      }),
  )

  it.scopedLive("reads just the job a /job/{id} URL names", () =>
    Effect.gen(function* () {
      const blob = yield* blobStore()
      const server = yield* gitHub(blob, [ghJob(1, "build", "success"), ghJob(2, "test", "failure")])
      const source = yield* resolveGitHub(`${runUrl}/job/2`, options(server))
      const jobs = yield* collect(source)
      expect(jobs.map((j) => [j.id, j.name, j.outcome])).toEqual([["2", "test", "failed"]])
      expect(yield* logText(jobs[0]!)).toBe("log of job 2\n")
    }),
  )

  it.scopedLive("analyzes the finished jobs of a run in progress and says so", () =>
    Effect.gen(function* () {
      const blob = yield* blobStore()
      const server = yield* gitHub(blob, [
        ghJob(1, "build", "failure"),
        ghJob(2, "test", null, "in_progress"),
      ])
      const source = yield* resolveGitHub(runUrl, options(server))
      expect((yield* collect(source)).map((j) => j.name)).toEqual(["build"])
      expect(source.notices).toEqual([
        "GitHub run acme/web#42 is still in progress: analyzed the 1 finished jobs; 1 have not finished yet; run again when it has finished for the full picture",
      ])
    }),
  )

  it.scopedLive("skips a job whose log expired (410) with a notice", () =>
    Effect.gen(function* () {
      const blob = yield* blobStore()
      const server = yield* gitHub(blob, [ghJob(1, "build", "failure"), ghJob(2, "test", "failure")], [1])
      const source = yield* resolveGitHub(runUrl, options(server))
      expect((yield* collect(source)).map((j) => j.name)).toEqual(["test"])
      expect(source.notices).toEqual([
        'skipped job "build": its log is no longer available (HTTP 410); CI services delete logs after their retention period',
      ])
    }),
  )

  it.scopedLive("names actions:read on 401 and 403, and what was not found on 404", () =>
    Effect.gen(function* () {
      const messages: Array<string> = []
      for (const code of [401, 403, 404]) {
        const server = yield* loopback((_, response) => status(response, code))
        messages.push((yield* Effect.flip(resolveGitHub(runUrl, options(server)))).message)
      }
      expect(messages[0]).toContain("GitHub rejected GITHUB_TOKEN (HTTP 401)")
      expect(messages[1]).toContain("give the token actions:read on this repository")
      expect(messages[2]).toContain("GitHub run acme/web#42 was not found (HTTP 404)")
      expect(messages.join("\n")).not.toContain(Redacted.value(token))
    }),
  )

  it.scopedLive("fails with a clear line when the API keeps answering 500", () =>
    Effect.gen(function* () {
      const server = yield* loopback((_, response) => status(response, 500))
      const error = yield* Effect.flip(resolveGitHub(runUrl, options(server)))
      expect(error.message).toMatch(/^127\.0\.0\.1:\d+ answered HTTP 500 to 4 attempts .* try again later$/)
    }),
  )

  it.effect("names the variable when no token is set", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        resolveGitHub(runUrl).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))),
      )
      expect(error.message).toMatch(/^GITHUB_TOKEN is not set: .*actions:read/)
    }),
  )

  it.effect("rejects an Actions URL that is not a run", () =>
    Effect.gen(function* () {
      const url = "https://github.com/acme/web/actions/workflows/ci.yml"
      expect(isGitHubActionsUrl(url)).toBe(true)
      expect(isGitHubActionsUrl("https://ghe.example/acme/web/actions/runs/7")).toBe(true)
      expect(isGitHubActionsUrl("https://example.com/build.log")).toBe(false)
      expect((yield* Effect.flip(resolveGitHub(url, { token }))).message).toContain(
        "not a GitHub Actions run URL",
      )
    }),
  )
})

describe("findBaselineGitHub", () => {
  const api = (runs: ReadonlyArray<unknown>) =>
    loopback((request, response, server) => {
      const url = new URL(request.url ?? "/", server.url)
      if (url.pathname === `${actions}/runs/42`)
        return json(response, { id: 42, workflow_id: 9, head_branch: "main" })
      const wanted = url.searchParams.get("branch") === "main" && url.searchParams.get("status") === "success"
      if (url.pathname === `${actions}/workflows/9/runs` && wanted) {
        return json(response, { total_count: runs.length, workflow_runs: runs })
      }
      status(response, 404)
    })

  it.scopedLive("answers the URL of the last successful run of the workflow on the same branch", () =>
    Effect.gen(function* () {
      const server = yield* api([
        {
          id: 40,
          workflow_id: 9,
          head_branch: "main",
          html_url: "https://github.com/acme/web/actions/runs/40",
        },
      ])
      expect(yield* findBaselineGitHub(runUrl, options(server))).toBe(
        "https://github.com/acme/web/actions/runs/40",
      )
    }),
  )

  it.scopedLive("says so when there is no successful run to compare with", () =>
    Effect.gen(function* () {
      const server = yield* api([])
      const error = yield* Effect.flip(findBaselineGitHub(runUrl, options(server)))
      expect(error.message).toContain("no successful run of this workflow in acme/web on branch main")
    }),
  )
})
