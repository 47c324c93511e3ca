// Failures of one HTTP exchange with a CI API or log host, before an adapter turns them into one InputError
// line with advice for its service. URLs in them carry no query string (signed log URLs hold secrets).
import { Data } from "effect"

/** The host answered with a status that is not success, after any retries. */
export class HttpStatusError extends Data.TaggedError("HttpStatusError")<{
  readonly status: number
  /** origin + path of the request, never the query. */
  readonly url: string
  /** How many times the request was sent. */
  readonly attempts: number
  /** A 403 that is GitHub's rate limit rather than a missing permission. */
  readonly rateLimited: boolean
}> {}

/** The host could not be reached, or did not answer in time, after any retries. */
export class HttpUnreachable extends Data.TaggedError("HttpUnreachable")<{
  readonly url: string
  readonly reason: string
  readonly attempts: number
}> {}

export type HttpFailure = HttpStatusError | HttpUnreachable
