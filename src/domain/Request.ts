// A request to triage one source (a file, stdin, a URL, a CI build), and its lifecycle in the store.
import { Schema } from "effect"

export const RequestId = Schema.String.pipe(Schema.brand("RequestId"))
export type RequestId = typeof RequestId.Type

export const JobOutcome = Schema.Literal("failed", "passed", "unknown")
export type JobOutcome = typeof JobOutcome.Type

export const RequestStatus = Schema.Literal("pending", "running", "complete", "failed", "cancelled")
export type RequestStatus = typeof RequestStatus.Type

export class Request extends Schema.Class<Request>("Request")({
  id: RequestId,
  /** What the user named: a path, "-" for stdin, a URL. */
  source: Schema.String,
  /** The build the chunks are keyed by (a path hash for files, the CI build id for CI sources). */
  buildId: Schema.String,
  outcome: JobOutcome,
  createdAt: Schema.Number,
  options: Schema.Struct({
    top: Schema.Number,
    context: Schema.Number,
    minConfidence: Schema.Number,
  }),
}) {}
