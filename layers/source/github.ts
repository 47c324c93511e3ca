// The GitHub Actions source: a run (or one job) URL becomes its jobs, outcome from `conclusion`, each log
// fetched through the API's 302 to a short-lived URL; and `--baseline auto` finds the last successful run.
import { Effect, type Redacted, Schema } from "effect"
import { InputError } from "../../src/domain/errors.js"
import type { JobOutcome } from "../../src/domain/Request.js"
import {
  type CiSourceOptions,
  defaultRetryPolicy,
  describeFailure,
  type FailureAdvice,
  httpGet,
  pathSegment,
  readApiUrl,
  readJson,
  readToken,
  type RetryPolicy,
  sameOrigin,
} from "./ciHttp.js"
import { defaultJobConcurrency, type PlannedJob, type ResolvedCiSource, streamJobLogs } from "./http.js"

export interface GitHubRunRef {
  readonly owner: string
  readonly repo: string
  readonly runId: number
  readonly attempt?: number
  readonly jobId?: number
}

const runPath = /^\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)(?:\/attempts\/(\d+))?(?:\/job\/(\d+))?\/?$/

/** github.com Actions URLs (so a malformed one gets this source's error), and run URLs on any host (GHE). */
export const isGitHubActionsUrl = (reference: string): boolean => {
  if (!URL.canParse(reference)) return false
  const url = new URL(reference)
  return (
    (/^(www\.)?github\.com$/.test(url.hostname) && url.pathname.includes("/actions/")) ||
    runPath.test(url.pathname)
  )
}

export const parseGitHubUrl = (reference: string): Effect.Effect<GitHubRunRef, InputError> => {
  const match = URL.canParse(reference) ? runPath.exec(new URL(reference).pathname) : null
  if (match === null) {
    return Effect.fail(
      new InputError({
        message: `not a GitHub Actions run URL: expected https://github.com/{owner}/{repo}/actions/runs/{id} or …/runs/{id}/job/{job_id}`,
      }),
    )
  }
  return Effect.succeed({
    owner: pathSegment(match[1]!),
    repo: pathSegment(match[2]!),
    runId: Number(match[3]),
    ...(match[4] === undefined ? {} : { attempt: Number(match[4]) }),
    ...(match[5] === undefined ? {} : { jobId: Number(match[5]) }),
  })
}

const GitHubJob = Schema.Struct({
  id: Schema.Number,
  name: Schema.String,
  status: Schema.String,
  conclusion: Schema.optional(Schema.NullOr(Schema.String)),
})
type GitHubJob = typeof GitHubJob.Type

const JobPage = Schema.Struct({ jobs: Schema.Array(GitHubJob) })

const GitHubRun = Schema.Struct({
  id: Schema.Number,
  workflow_id: Schema.Number,
  head_branch: Schema.optional(Schema.NullOr(Schema.String)),
  html_url: Schema.optional(Schema.NullOr(Schema.String)),
})

const RunPage = Schema.Struct({ workflow_runs: Schema.Array(GitHubRun) })

/** What a job contributes: a log with an outcome, nothing (skipped), or nothing yet (not finished). */
export const gitHubJobFate = (job: GitHubJob): JobOutcome | "skip" | "unfinished" => {
  if (job.status !== "completed") return "unfinished"
  switch (job.conclusion) {
    case "success":
    case "neutral":
      return "passed"
    case "failure":
    case "timed_out":
    case "cancelled":
    case "startup_failure":
      return "failed"
    default:
      return "skip"
  }
}

interface GitHubContext {
  readonly ref: GitHubRunRef
  readonly api: string
  readonly token: Redacted.Redacted<string>
  readonly retry: RetryPolicy
}

const tokenHelp =
  "GitHub serves Actions logs only to authenticated clients; export GITHUB_TOKEN with a token that has actions:read (classic tokens: repo, for private repositories)"

const adviceFor = (ref: GitHubRunRef): FailureAdvice => ({
  unauthorized: `GitHub rejected GITHUB_TOKEN (HTTP 401): the token is invalid or expired; create one with actions:read`,
  forbidden: `GITHUB_TOKEN may not read the Actions of ${ref.owner}/${ref.repo} (HTTP 403): give the token actions:read on this repository (classic tokens: the repo scope)`,
  notFound: `GitHub run ${ref.owner}/${ref.repo}#${ref.runId}${ref.jobId === undefined ? "" : ` job ${ref.jobId}`} was not found (HTTP 404): check the URL, and that GITHUB_TOKEN can see ${ref.owner}/${ref.repo} (GitHub answers 404 when it cannot)`,
})

const logHostAdvice: FailureAdvice = {
  unauthorized: "the short-lived log URL GitHub redirected to refused the download (HTTP 401); try again",
  forbidden: "the short-lived log URL GitHub redirected to refused the download (HTTP 403); try again",
  notFound: "the short-lived log URL GitHub redirected to has no log (HTTP 404); try again",
}

const apiHeaders = { accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" }

const context = (reference: string, options: CiSourceOptions) =>
  Effect.gen(function* () {
    const ref = yield* parseGitHubUrl(reference)
    const token = yield* readToken(options.token, ["GITHUB_TOKEN", "GH_TOKEN"], tokenHelp)
    const api = yield* readApiUrl(options.apiUrl, "GITHUB_API_URL", "https://api.github.com")
    return { ref, api, token, retry: options.retry ?? defaultRetryPolicy } satisfies GitHubContext
  })

const open = (ctx: GitHubContext, url: string) =>
  httpGet({ url, token: ctx.token, retry: ctx.retry, headers: apiHeaders })

const get = (ctx: GitHubContext, url: string) =>
  Effect.mapError(open(ctx, url), (failure) => describeFailure(failure, adviceFor(ctx.ref)))

const repoUrl = (ctx: GitHubContext) =>
  `${ctx.api}/repos/${encodeURIComponent(ctx.ref.owner)}/${encodeURIComponent(ctx.ref.repo)}/actions`

/** The `rel="next"` target of a Link header. */
export const nextPage = (link: string | null): string | undefined =>
  link
    ?.split(",")
    .map((part) => /<([^>]+)>\s*;\s*rel="?next"?/.exec(part)?.[1])
    .find((url) => url !== undefined)

const maxPages = 50

const listJobs = (ctx: GitHubContext): Effect.Effect<ReadonlyArray<GitHubJob>, InputError> => {
  const { runId, attempt, jobId } = ctx.ref
  const what = `jobs of GitHub run ${ctx.ref.owner}/${ctx.ref.repo}#${runId}`
  if (jobId !== undefined) {
    return get(ctx, `${repoUrl(ctx)}/jobs/${jobId}`).pipe(
      Effect.flatMap((response) => readJson(response, GitHubJob, what)),
      Effect.map((job) => [job]),
    )
  }
  const first = `${repoUrl(ctx)}/runs/${runId}${attempt === undefined ? "" : `/attempts/${attempt}`}/jobs?per_page=100`
  const page = (
    url: string,
    pages: number,
    seen: ReadonlyArray<GitHubJob>,
  ): Effect.Effect<ReadonlyArray<GitHubJob>, InputError> =>
    get(ctx, url).pipe(
      Effect.flatMap((response) =>
        Effect.map(readJson(response, JobPage, what), (body) => ({
          jobs: body.jobs,
          next: nextPage(response.headers.get("link")),
        })),
      ),
      Effect.flatMap(({ jobs, next }) => {
        const all = [...seen, ...jobs]
        // A next page elsewhere would receive the token: only follow links on the API's own host.
        return next !== undefined && pages < maxPages && sameOrigin(next, ctx.api)
          ? page(next, pages + 1, all)
          : Effect.succeed(all)
      }),
    )
  return page(first, 1, [])
}

export const resolveGitHub = (
  reference: string,
  options: CiSourceOptions = {},
): Effect.Effect<ResolvedCiSource, InputError> =>
  Effect.gen(function* () {
    const ctx = yield* context(reference, options)
    const { owner, repo, runId } = ctx.ref
    const listed = yield* listJobs(ctx)
    const notices: Array<string> = []
    const planned: Array<PlannedJob> = []
    let unfinished = 0
    for (const job of listed) {
      const fate = gitHubJobFate(job)
      if (fate === "unfinished") unfinished += 1
      if (fate === "skip" || fate === "unfinished") continue
      // The API answers 302 to a short-lived log URL on another host, which httpGet follows without the token.
      planned.push({
        id: String(job.id),
        name: job.name,
        outcome: fate,
        open: open(ctx, `${repoUrl(ctx)}/jobs/${job.id}/logs`),
      })
    }
    if (unfinished > 0) {
      notices.push(
        `GitHub run ${owner}/${repo}#${runId} is still in progress: analyzed the ${planned.length} finished jobs; ${unfinished} have not finished yet; run again when it has finished for the full picture`,
      )
    }
    const jobs = streamJobLogs(planned, {
      concurrency: options.concurrency ?? defaultJobConcurrency,
      notices,
      // The token's advice does not fit a refusal from the host the log URL was redirected to.
      onFailure: (failure) =>
        describeFailure(failure, sameOrigin(failure.url, ctx.api) ? adviceFor(ctx.ref) : logHostAdvice),
    })
    return { buildId: `github:${owner}/${repo}/${runId}`, jobs, notices }
  })

/** The web URL of the most recent successful run of the same workflow and branch, other than this run. */
export const findBaselineGitHub = (
  reference: string,
  options: CiSourceOptions = {},
): Effect.Effect<string, InputError> =>
  Effect.gen(function* () {
    const ctx = yield* context(reference, options)
    const { owner, repo, runId } = ctx.ref
    const run = yield* get(ctx, `${repoUrl(ctx)}/runs/${runId}`).pipe(
      Effect.flatMap((response) => readJson(response, GitHubRun, `GitHub run ${owner}/${repo}#${runId}`)),
    )
    const branch = run.head_branch ?? undefined
    if (branch === undefined) {
      return yield* new InputError({
        message: `GitHub run ${owner}/${repo}#${runId} has no branch to compare on; pass --baseline with a run URL or a file`,
      })
    }
    const query = new URLSearchParams({ branch, status: "success", per_page: "2" })
    const runs = yield* get(ctx, `${repoUrl(ctx)}/workflows/${run.workflow_id}/runs?${query}`).pipe(
      Effect.flatMap((response) =>
        readJson(response, RunPage, `successful runs of workflow ${run.workflow_id}`),
      ),
    )
    const baseline = runs.workflow_runs.find((candidate) => candidate.id !== runId)
    if (baseline === undefined) {
      return yield* new InputError({
        message: `no successful run of this workflow in ${owner}/${repo} on branch ${branch} to compare with; pass --baseline with a run URL or a file`,
      })
    }
    return baseline.html_url ?? `https://github.com/${owner}/${repo}/actions/runs/${baseline.id}`
  })
