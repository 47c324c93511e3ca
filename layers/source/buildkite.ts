// The Buildkite source: a build URL becomes its script jobs (outcome from state, exit status and soft fail),
// each log streamed from raw_log_url; and `--baseline auto` finds the last passed build of the same branch.
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
  sameOrigin,
  readJson,
  readToken,
  type RetryPolicy,
} from "./ciHttp.js"
import { defaultJobConcurrency, type PlannedJob, type ResolvedCiSource, streamJobLogs } from "./http.js"

export interface BuildkiteBuildRef {
  readonly org: string
  readonly pipeline: string
  readonly number: number
  /** A single job picked in the web UI (`#<uuid>` or `?jid=<uuid>`). */
  readonly jobId?: string
}

const buildPath = /^\/([^/]+)\/([^/]+)\/builds\/(\d+)(?:\/|$)/

/** True for the web UI's buildkite.com URLs, build page or not, so a malformed one gets Buildkite's error. */
export const isBuildkiteUrl = (reference: string): boolean =>
  URL.canParse(reference) && /^(www\.)?buildkite\.com$/.test(new URL(reference).hostname)

export const parseBuildkiteUrl = (reference: string): Effect.Effect<BuildkiteBuildRef, InputError> => {
  const url = URL.canParse(reference) ? new URL(reference) : undefined
  const match = url === undefined ? null : buildPath.exec(url.pathname)
  if (url === undefined || match === null) {
    return Effect.fail(
      new InputError({
        message: `not a Buildkite build URL: expected https://buildkite.com/{org}/{pipeline}/builds/{number}`,
      }),
    )
  }
  const jobId = url.searchParams.get("jid") ?? (url.hash.length > 1 ? url.hash.slice(1) : undefined)
  return Effect.succeed({
    org: pathSegment(match[1]!),
    pipeline: pathSegment(match[2]!),
    number: Number(match[3]),
    ...(jobId === undefined ? {} : { jobId }),
  })
}

const BuildkiteJob = Schema.Struct({
  id: Schema.String,
  type: Schema.String,
  name: Schema.optional(Schema.NullOr(Schema.String)),
  command: Schema.optional(Schema.NullOr(Schema.String)),
  step_key: Schema.optional(Schema.NullOr(Schema.String)),
  state: Schema.optional(Schema.NullOr(Schema.String)),
  exit_status: Schema.optional(Schema.NullOr(Schema.Number)),
  soft_failed: Schema.optional(Schema.NullOr(Schema.Boolean)),
  started_at: Schema.optional(Schema.NullOr(Schema.String)),
  raw_log_url: Schema.optional(Schema.NullOr(Schema.String)),
})
type BuildkiteJob = typeof BuildkiteJob.Type

const BuildkiteBuild = Schema.Struct({
  number: Schema.Number,
  state: Schema.String,
  branch: Schema.optional(Schema.NullOr(Schema.String)),
  web_url: Schema.optional(Schema.NullOr(Schema.String)),
  jobs: Schema.optionalWith(Schema.Array(BuildkiteJob), { default: () => [] }),
})

/** What a job contributes: a log with an outcome, nothing (never ran, or broken), or nothing yet. */
export type BuildkiteJobFate = JobOutcome | "skip" | "not-started"

export const buildkiteJobFate = (job: BuildkiteJob): BuildkiteJobFate => {
  const state = job.state ?? ""
  const failedUnlessSoft: JobOutcome = job.soft_failed === true ? "passed" : "failed"
  switch (state) {
    case "passed":
      return "passed"
    case "failed":
    case "timed_out":
    case "timing_out":
      return failedUnlessSoft
    case "canceled":
    case "canceling":
      return (job.started_at ?? null) === null ? "skip" : failedUnlessSoft
    case "finished":
      if ((job.exit_status ?? null) === null) return "unknown"
      return job.exit_status === 0 ? "passed" : failedUnlessSoft
    case "running":
      return "unknown"
    case "broken":
    case "skipped":
    case "expired":
    case "not_run":
    case "waiting_failed":
    case "blocked_failed":
    case "unblocked_failed":
      return "skip"
    default:
      return "not-started"
  }
}

const stillRunning = new Set(["running", "scheduled", "creating", "failing", "canceling"])

interface BuildkiteContext {
  readonly ref: BuildkiteBuildRef
  readonly api: string
  readonly token: Redacted.Redacted<string>
  readonly retry: RetryPolicy
}

const tokenHelp =
  "create an API access token at https://buildkite.com/user/api-access-tokens with the read_builds and read_build_logs scopes, then export BUILDKITE_API_TOKEN"

const adviceFor = (ref: BuildkiteBuildRef): FailureAdvice => ({
  unauthorized: `Buildkite rejected BUILDKITE_API_TOKEN (HTTP 401): the token is invalid or revoked; ${tokenHelp}`,
  forbidden: `BUILDKITE_API_TOKEN may not read this build (HTTP 403): the token needs the read_builds and read_build_logs scopes and access to the organization ${ref.org}`,
  notFound: `Buildkite build ${ref.org}/${ref.pipeline}#${ref.number} was not found (HTTP 404): check the URL, and that BUILDKITE_API_TOKEN has access to the organization ${ref.org}`,
})

const context = (reference: string, options: CiSourceOptions) =>
  Effect.gen(function* () {
    const ref = yield* parseBuildkiteUrl(reference)
    const token = yield* readToken(options.token, ["BUILDKITE_API_TOKEN"], tokenHelp)
    const api = yield* readApiUrl(options.apiUrl, "BUILDKITE_API_URL", "https://api.buildkite.com")
    return { ref, api, token, retry: options.retry ?? defaultRetryPolicy } satisfies BuildkiteContext
  })

const get = (ctx: BuildkiteContext, url: string) =>
  Effect.mapError(httpGet({ url, token: ctx.token, retry: ctx.retry }), (f) =>
    describeFailure(f, adviceFor(ctx.ref)),
  )

const pipelineUrl = (ctx: BuildkiteContext) =>
  `${ctx.api}/v2/organizations/${encodeURIComponent(ctx.ref.org)}/pipelines/${encodeURIComponent(ctx.ref.pipeline)}`

const fetchBuild = (ctx: BuildkiteContext) =>
  get(ctx, `${pipelineUrl(ctx)}/builds/${ctx.ref.number}`).pipe(
    Effect.flatMap((response) =>
      readJson(
        response,
        BuildkiteBuild,
        `Buildkite build ${ctx.ref.org}/${ctx.ref.pipeline}#${ctx.ref.number}`,
      ),
    ),
  )

const jobName = (job: BuildkiteJob) => job.name ?? job.step_key ?? job.command?.split("\n")[0] ?? job.id

/** Buildkite's log endpoints answer 404 for a log that expired, which then skips its job with a notice. */
export const resolveBuildkite = (
  reference: string,
  options: CiSourceOptions = {},
): Effect.Effect<ResolvedCiSource, InputError> =>
  Effect.gen(function* () {
    const ctx = yield* context(reference, options)
    const { org, pipeline, number, jobId } = ctx.ref
    const build = yield* fetchBuild(ctx)
    const scripts = build.jobs.filter(
      (job) => job.type === "script" && (jobId === undefined || job.id === jobId),
    )
    if (jobId !== undefined && scripts.length === 0) {
      return yield* new InputError({
        message: `job ${jobId} is not a command step of Buildkite build ${org}/${pipeline}#${number}`,
      })
    }
    const notices: Array<string> = []
    const planned: Array<PlannedJob> = []
    let notStarted = 0
    for (const job of scripts) {
      const fate = buildkiteJobFate(job)
      if (fate === "not-started") notStarted += 1
      if (fate === "skip" || fate === "not-started" || !job.raw_log_url) continue
      // raw_log_url comes from the API; the token still only goes to the API's own host.
      const token = sameOrigin(job.raw_log_url, ctx.api) ? ctx.token : undefined
      const open = httpGet({
        url: job.raw_log_url,
        token,
        retry: ctx.retry,
        headers: { accept: "text/plain" },
      })
      planned.push({ id: job.id, name: jobName(job), outcome: fate, open })
    }
    if (stillRunning.has(build.state)) {
      notices.push(
        `Buildkite build ${org}/${pipeline}#${number} is still ${build.state}: analyzed the ${planned.length} jobs with logs so far` +
          (notStarted > 0 ? `; ${notStarted} have not started yet` : "") +
          "; run again when it has finished for the full picture",
      )
    }
    const jobs = streamJobLogs(planned, {
      concurrency: options.concurrency ?? defaultJobConcurrency,
      notices,
      onFailure: (failure) => describeFailure(failure, adviceFor(ctx.ref)),
    })
    return { buildId: `buildkite:${org}/${pipeline}/${number}`, jobs, notices }
  })

const BuildList = Schema.Array(BuildkiteBuild)

/** The web URL of the most recent passed build of the same pipeline and branch, other than this build. */
export const findBaselineBuildkite = (
  reference: string,
  options: CiSourceOptions = {},
): Effect.Effect<string, InputError> =>
  Effect.gen(function* () {
    const ctx = yield* context(reference, options)
    const { org, pipeline, number } = ctx.ref
    const build = yield* fetchBuild(ctx)
    const branch = build.branch ?? undefined
    if (branch === undefined) {
      return yield* new InputError({
        message: `Buildkite build ${org}/${pipeline}#${number} has no branch to compare on; pass --baseline with a build URL or a file`,
      })
    }
    const query = new URLSearchParams({ branch, state: "passed", per_page: "2" })
    const passed = yield* get(ctx, `${pipelineUrl(ctx)}/builds?${query}`).pipe(
      Effect.flatMap((response) => readJson(response, BuildList, `passed builds of ${org}/${pipeline}`)),
    )
    const baseline = passed.find((candidate) => candidate.number !== number)
    if (baseline === undefined) {
      return yield* new InputError({
        message: `no passed build of ${org}/${pipeline} on branch ${branch} to compare with; pass --baseline with a build URL or a file`,
      })
    }
    return baseline.web_url ?? `https://buildkite.com/${org}/${pipeline}/builds/${baseline.number}`
  })
