// Dataset distillation as data: the job a file describes, its tasks, accepted samples and rejections.
import { Data, Schema } from "effect"

export const ProviderEntry = Schema.Struct({
  type: Schema.Literal("ollama", "openai", "scripted"),
  model: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  host: Schema.optional(Schema.String),
  baseUrl: Schema.optional(Schema.String),
  weight: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
  concurrency: Schema.optional(Schema.Int.pipe(Schema.positive())),
  requestsPerMinute: Schema.optional(Schema.Number.pipe(Schema.positive())),
  tokensPerMinute: Schema.optional(Schema.Number.pipe(Schema.positive())),
  timeoutMs: Schema.optional(Schema.Int.pipe(Schema.positive())),
  /** scripted only: a JSON file of replies, or an .mjs/.js module whose default export answers each request. */
  script: Schema.optional(Schema.String),
  /** scripted only: fixed latency of every reply. */
  latencyMs: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
})
export type ProviderEntry = typeof ProviderEntry.Type

export const SeedSource = Schema.Union(
  Schema.Struct({ topics: Schema.NonEmptyArray(Schema.String) }),
  Schema.Struct({ file: Schema.String }),
  Schema.Struct({
    store: Schema.Literal("findings"),
    limit: Schema.optional(Schema.Int.pipe(Schema.positive())),
    category: Schema.optional(Schema.String),
  }),
)
export type SeedSource = typeof SeedSource.Type

export const FewShot = Schema.Struct({
  input: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  output: Schema.Unknown,
})

export const CustomTemplate = Schema.Struct({
  id: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  schema: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  system: Schema.String,
  user: Schema.String,
  examples: Schema.optional(Schema.Array(FewShot)),
})
export type CustomTemplate = typeof CustomTemplate.Type

export const JudgeSettings = Schema.Struct({
  threshold: Schema.Number.pipe(Schema.between(0, 1)),
  criteria: Schema.optional(Schema.String),
})

export const ValidatorSettings = Schema.Struct({
  /** Jaccard similarity over word shingles at or above which a sample is a near duplicate; false turns it off. */
  nearDuplicate: Schema.optional(
    Schema.Union(Schema.Number.pipe(Schema.between(0, 1)), Schema.Literal(false)),
  ),
  exactDuplicate: Schema.optional(Schema.Boolean),
  minChars: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  maxChars: Schema.optional(Schema.Int.pipe(Schema.positive())),
  judge: Schema.optional(JudgeSettings),
})
export type ValidatorSettings = typeof ValidatorSettings.Type

export const JobSpec = Schema.Struct({
  name: Schema.String.pipe(
    Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
      message: () => "a name of letters, digits, '.', '_' or '-'",
    }),
  ),
  template: Schema.Union(Schema.String, CustomTemplate),
  target: Schema.Int.pipe(Schema.positive()),
  seeds: SeedSource,
  providers: Schema.NonEmptyArray(ProviderEntry),
  strategy: Schema.optional(Schema.Literal("round-robin", "weighted", "capability")),
  concurrency: Schema.optional(Schema.Int.pipe(Schema.positive())),
  maxAttempts: Schema.optional(Schema.Int.pipe(Schema.positive())),
  validators: Schema.optional(ValidatorSettings),
  output: Schema.String,
  randomSeed: Schema.optional(Schema.Int),
  temperature: Schema.optional(Schema.Number.pipe(Schema.between(0, 2))),
  maxTokens: Schema.optional(Schema.Int.pipe(Schema.positive())),
})
export type JobSpec = typeof JobSpec.Type

export const JobStatus = Schema.Literal("planned", "running", "paused", "done", "failed")
export type JobStatus = typeof JobStatus.Type

export const TaskStatus = Schema.Literal("pending", "accepted", "rejected")
export type TaskStatus = typeof TaskStatus.Type

/** One generation request of a job: which seed fills the template, and which variation of it. */
export interface Task {
  readonly jobId: string
  readonly index: number
  readonly seed: Readonly<Record<string, unknown>>
  readonly status: TaskStatus
  readonly attempts: number
}

/** What one call to the model returned (or how it failed), stored before it is validated. */
export interface Attempt {
  readonly jobId: string
  readonly taskIndex: number
  readonly attempt: number
  readonly provider: string
  readonly model: string
  readonly text: string
  readonly finish: "stop" | "truncated" | "invalid" | "error"
  readonly promptTokens: number
  readonly completionTokens: number
  /** Why it failed validation; empty when it passed; undefined before it was validated. */
  readonly reasons?: ReadonlyArray<string>
}

export interface Sample {
  /** Stable across runs and resumes: derived from the job and the task. */
  readonly id: string
  readonly jobId: string
  readonly taskIndex: number
  /** The accepted attempt. */
  readonly attempt: number
  readonly template: string
  readonly seed: Readonly<Record<string, unknown>>
  readonly value: unknown
  readonly provider: string
  readonly model: string
}

export interface Rejection {
  readonly jobId: string
  readonly taskIndex: number
  readonly seed: Readonly<Record<string, unknown>>
  /** Every reason, one per failed attempt, in order. */
  readonly reasons: ReadonlyArray<string>
}

export interface JobCounts {
  readonly tasks: number
  readonly pending: number
  readonly accepted: number
  readonly rejected: number
  readonly attempts: number
}

export interface JobRecord {
  readonly id: string
  readonly spec: JobSpec
  readonly status: JobStatus
  readonly createdAt: number
  readonly updatedAt: number
}

/** The job file cannot be read or does not describe a job; names the field and the line. */
export class JobFileError extends Data.TaggedError("JobFileError")<{ readonly message: string }> {}

/** A job cannot run or continue as asked (unknown job, output missing, finished already). */
export class DistillError extends Data.TaggedError("DistillError")<{ readonly message: string }> {}
