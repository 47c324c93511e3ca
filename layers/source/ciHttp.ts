// The HTTP client the CI sources share: global fetch wrapped in Effect, retries with exponential backoff that
// honour Retry-After, and redirects followed by hand so a token is only ever sent to the host it belongs to.
import { Config, Duration, Effect, Option, Redacted, Schema } from "effect"
import { InputError } from "../../src/domain/errors.js"
import { HttpStatusError, HttpUnreachable, type HttpFailure } from "./errors.js"

export interface RetryPolicy {
  /** Extra attempts after the first for 429, 5xx and network failures. */
  readonly retries: number
  /** Backoff before retry n is baseDelay * 2^n, unless the server names a wait. */
  readonly baseDelay: Duration.DurationInput
  /** No single wait is longer than this, whatever the server asks for. */
  readonly maxDelay: Duration.DurationInput
  /** How long to wait for the response headers of one attempt. */
  readonly timeout: Duration.DurationInput
}

export const defaultRetryPolicy: RetryPolicy = {
  retries: 3,
  baseDelay: "1 second",
  maxDelay: "60 seconds",
  timeout: "60 seconds",
}

/** What a CI source may be given instead of reading the environment. */
export interface CiSourceOptions {
  /** Default: the token variable of the service (BUILDKITE_API_TOKEN; GITHUB_TOKEN, then GH_TOKEN). */
  readonly token?: Redacted.Redacted<string>
  /** Default: BUILDKITE_API_URL / GITHUB_API_URL, else the public API. */
  readonly apiUrl?: string
  /** Job logs fetched at the same time; default 4. */
  readonly concurrency?: number
  readonly retry?: RetryPolicy
}

export interface HttpGet {
  readonly url: string
  /** Sent as a Bearer token, and only to the origin of `url` (never to a redirect target elsewhere). */
  readonly token?: Redacted.Redacted<string> | undefined
  /** Sent with the token, to the origin of `url` only. */
  readonly headers?: Readonly<Record<string, string>>
  readonly retry: RetryPolicy
}

/** What an adapter tells the user for the statuses that need their action. */
export interface FailureAdvice {
  readonly unauthorized: string
  readonly forbidden: string
  readonly notFound: string
}

const maxRedirects = 5

/** origin + path: signed log URLs carry credentials in their query, which must never reach a message. */
export const publicUrl = (url: string | URL): string => {
  try {
    const parsed = new URL(url)
    return `${parsed.origin}${parsed.pathname}`
  } catch {
    return "(malformed URL)"
  }
}

const isRateLimited = (status: number, headers: Headers): boolean =>
  status === 429 || (status === 403 && headers.get("x-ratelimit-remaining") === "0")

const isRetryable = (status: number, headers: Headers): boolean =>
  isRateLimited(status, headers) || (status >= 500 && status !== 501)

/** The wait before retry `attempt` (0-based): the server's Retry-After or rate-limit reset, else backoff. */
export const retryDelay = (
  attempt: number,
  headers: Headers | undefined,
  policy: RetryPolicy,
  now: number = Date.now(),
): Duration.Duration => {
  const backoff = Duration.times(Duration.decode(policy.baseDelay), 2 ** attempt)
  const wait = Option.getOrElse(serverWait(headers, now), () => backoff)
  return Duration.min(wait, Duration.decode(policy.maxDelay))
}

const serverWait = (headers: Headers | undefined, now: number): Option.Option<Duration.Duration> => {
  const retryAfter = headers?.get("retry-after")
  if (retryAfter) {
    const seconds = Number(retryAfter)
    if (Number.isFinite(seconds)) return Option.some(Duration.seconds(Math.max(0, seconds)))
    const at = Date.parse(retryAfter)
    if (Number.isFinite(at)) return Option.some(Duration.millis(Math.max(0, at - now)))
  }
  const reset = Number(headers?.get("x-ratelimit-reset") ?? NaN)
  if (headers?.get("x-ratelimit-remaining") === "0" && Number.isFinite(reset)) {
    return Option.some(Duration.millis(Math.max(0, reset * 1000 - now)))
  }
  return Option.none()
}

const networkReason = (error: unknown): string => {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined
  if (typeof cause?.code === "string") return cause.code
  if (typeof cause?.message === "string") return cause.message
  return error instanceof Error ? error.message : String(error)
}

const discard = (response: Response) =>
  Effect.tryPromise(() => response.body?.cancel() ?? Promise.resolve()).pipe(Effect.ignore)

const sendOnce = (url: URL, headers: Record<string, string>, policy: RetryPolicy) =>
  Effect.tryPromise({
    try: (signal) => fetch(url, { headers, redirect: "manual", signal }),
    catch: networkReason,
  }).pipe(
    Effect.timeoutFail({
      duration: policy.timeout,
      onTimeout: () => `no answer within ${Duration.format(Duration.decode(policy.timeout))}`,
    }),
  )

const sendWithRetry = (
  url: URL,
  headers: Record<string, string>,
  policy: RetryPolicy,
): Effect.Effect<Response, HttpFailure> => {
  const attempt = (n: number): Effect.Effect<Response, HttpFailure> =>
    sendOnce(url, headers, policy).pipe(
      Effect.matchEffect({
        onFailure: (reason) =>
          n < policy.retries
            ? Effect.sleep(retryDelay(n, undefined, policy)).pipe(Effect.zipRight(attempt(n + 1)))
            : Effect.fail(new HttpUnreachable({ url: publicUrl(url), reason, attempts: n + 1 })),
        onSuccess: (response) => {
          if (!isRetryable(response.status, response.headers)) return Effect.succeed(response)
          const failure = new HttpStatusError({
            status: response.status,
            url: publicUrl(url),
            attempts: n + 1,
            rateLimited: isRateLimited(response.status, response.headers),
          })
          return discard(response).pipe(
            Effect.zipRight(
              n < policy.retries
                ? Effect.sleep(retryDelay(n, response.headers, policy)).pipe(Effect.zipRight(attempt(n + 1)))
                : Effect.fail(failure),
            ),
          )
        },
      }),
    )
  return attempt(0)
}

/**
 * GET `request.url` and answer the first 2xx response, its body unread. Redirects are followed by hand: the
 * token and headers go to the first URL's origin only, so a signed log URL on a blob store never sees them.
 */
export const httpGet = (request: HttpGet): Effect.Effect<Response, HttpFailure> => {
  const start = URL.canParse(request.url) ? new URL(request.url) : undefined
  if (start === undefined) {
    return Effect.fail(
      new HttpUnreachable({ url: publicUrl(request.url), reason: "malformed URL", attempts: 0 }),
    )
  }
  const origin = start.origin
  const hop = (url: URL, hops: number): Effect.Effect<Response, HttpFailure> => {
    const ownHost = url.origin === origin
    const headers: Record<string, string> = ownHost ? { ...request.headers } : {}
    if (ownHost && request.token !== undefined) {
      headers["authorization"] = `Bearer ${Redacted.value(request.token)}`
    }
    return sendWithRetry(url, headers, request.retry).pipe(
      Effect.flatMap((response) => {
        if (response.ok) return Effect.succeed(response)
        const location = response.headers.get("location")
        const next =
          location !== null && response.status >= 300 && response.status < 400
            ? safeUrl(location, url)
            : undefined
        const failure = new HttpStatusError({
          status: response.status,
          url: publicUrl(url),
          attempts: 1,
          rateLimited: isRateLimited(response.status, response.headers),
        })
        return discard(response).pipe(
          Effect.zipRight(
            next !== undefined && hops < maxRedirects ? hop(next, hops + 1) : Effect.fail(failure),
          ),
        )
      }),
    )
  }
  return Effect.suspend(() => hop(start, 0))
}

const safeUrl = (location: string, base: URL): URL | undefined => {
  try {
    return new URL(location, base)
  } catch {
    return undefined
  }
}

/** Turns a failed exchange into the one line a user can act on. */
export const describeFailure = (failure: HttpFailure, advice: FailureAdvice): InputError => {
  const host = hostOf(failure.url)
  if (failure._tag === "HttpUnreachable") {
    const tries = failure.attempts > 1 ? ` (${failure.attempts} attempts)` : ""
    return new InputError({
      message: `cannot reach ${host}: ${failure.reason}${tries}; check the URL and your network`,
    })
  }
  const { status, attempts } = failure
  if (failure.rateLimited) {
    return new InputError({
      message: `${host} is rate limiting requests (HTTP ${status}) and still was after ${attempts} attempts; wait a few minutes and try again`,
    })
  }
  if (status === 401) return new InputError({ message: advice.unauthorized })
  if (status === 403) return new InputError({ message: advice.forbidden })
  if (status === 404) return new InputError({ message: advice.notFound })
  if (status >= 500) {
    return new InputError({
      message: `${host} answered HTTP ${status} to ${attempts} attempts at ${failure.url}; the service may be down, try again later`,
    })
  }
  return new InputError({ message: `${host} answered HTTP ${status} to ${failure.url}` })
}

const hostOf = (url: string): string => {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

/** Reads a JSON body and checks its shape; `what` names the thing for the error line. */
export const readJson = <A, I>(response: Response, schema: Schema.Schema<A, I>, what: string) =>
  Effect.tryPromise(() => response.json()).pipe(
    Effect.flatMap(Schema.decodeUnknown(schema)),
    Effect.mapError(
      () =>
        new InputError({
          message: `${what}: ${hostOf(response.url)} did not answer with the expected JSON; is the API base URL right?`,
        }),
    ),
  )

/** The first of `variables` that is set and not empty; the first one named is the one users are told about. */
export const readToken = (
  given: Redacted.Redacted<string> | undefined,
  variables: readonly [string, ...Array<string>],
  help: string,
): Effect.Effect<Redacted.Redacted<string>, InputError> => {
  if (given !== undefined) return Effect.succeed(given)
  const lookups = variables.map((name) =>
    Config.option(Config.redacted(name)).pipe(
      Config.map(Option.filter((token) => Redacted.value(token).trim() !== "")),
    ),
  )
  return Effect.forEach(lookups, (lookup) => lookup).pipe(
    Effect.orElseSucceed(() => [] as Array<Option.Option<Redacted.Redacted<string>>>),
    Effect.flatMap((found) => Option.firstSomeOf(found)),
    Effect.mapError(() => new InputError({ message: `${variables[0]} is not set: ${help}` })),
  )
}

/** An API base URL from `given`, else the variable, else the public default; without a trailing slash. */
export const readApiUrl = (
  given: string | undefined,
  variable: string,
  fallback: string,
): Effect.Effect<string, InputError> =>
  (given !== undefined
    ? Effect.succeed(given)
    : Config.string(variable).pipe(
        Config.withDefault(fallback),
        Effect.orElseSucceed(() => fallback),
      )
  ).pipe(
    Effect.flatMap((raw) => {
      const base = raw.trim().replace(/\/+$/, "")
      return /^https?:\/\/[^/]/.test(base) && URL.canParse(base)
        ? Effect.succeed(base)
        : Effect.fail(new InputError({ message: `${variable} is not an http(s) URL: ${publicUrl(base)}` }))
    }),
  )

export const sameOrigin = (url: string, base: string): boolean =>
  URL.canParse(url) && URL.canParse(base) && new URL(url).origin === new URL(base).origin

/** A percent-encoded path segment, decoded; left as it is when it is not valid percent-encoding. */
export const pathSegment = (raw: string): string => {
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}
