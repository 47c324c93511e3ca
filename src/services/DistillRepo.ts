// The DistillRepo port: dataset jobs, their planned tasks, every paid generation, accepted samples and
// rejections, kept so a job survives a crash and resumes without repeating paid work.
import { Context, type Effect, type Option } from "effect"
import type {
  Attempt,
  JobCounts,
  JobRecord,
  JobSpec,
  JobStatus,
  Rejection,
  Sample,
  Task,
} from "../domain/Distill.js"
import type { StoreError } from "../domain/errors.js"

export interface PendingTask extends Task {
  /** Attempts made so far, oldest first; the last may be stored but not yet validated. */
  readonly history: ReadonlyArray<Attempt>
}

/** What one group commit writes, in one transaction. */
export interface DistillCommit {
  readonly attempts: ReadonlyArray<Attempt>
  /** Verdicts for attempts stored earlier. */
  readonly verdicts: ReadonlyArray<{
    readonly jobId: string
    readonly taskIndex: number
    readonly attempt: number
    readonly reasons: ReadonlyArray<string>
  }>
  readonly accepted: ReadonlyArray<Sample>
  readonly rejected: ReadonlyArray<Rejection>
}

export interface FindingSeed {
  readonly log: string
  readonly job: string
  readonly category: string
  readonly message: string
}

export interface DistillRepoShape {
  /** Record a new job; false when a job of that id exists already. */
  readonly createJob: (id: string, spec: JobSpec) => Effect.Effect<boolean, StoreError>
  readonly getJob: (id: string) => Effect.Effect<Option.Option<JobRecord>, StoreError>
  /** Newest first. */
  readonly listJobs: Effect.Effect<ReadonlyArray<JobRecord>, StoreError>
  readonly setStatus: (id: string, status: JobStatus) => Effect.Effect<void, StoreError>
  /** Drop a job and everything recorded for it. */
  readonly deleteJob: (id: string) => Effect.Effect<void, StoreError>
  /** Store tasks (idempotent by index) before anything is generated for them. */
  readonly planTasks: (
    jobId: string,
    tasks: ReadonlyArray<{ readonly index: number; readonly seed: Readonly<Record<string, unknown>> }>,
  ) => Effect.Effect<void, StoreError>
  readonly counts: (jobId: string) => Effect.Effect<JobCounts, StoreError>
  /** Pending tasks with index > afterIndex, in index order, with their attempts. */
  readonly pendingTasks: (
    jobId: string,
    afterIndex: number,
    limit: number,
  ) => Effect.Effect<ReadonlyArray<PendingTask>, StoreError>
  readonly commit: (batch: DistillCommit) => Effect.Effect<void, StoreError>
  /** Accepted samples with task index > afterIndex, in index order. */
  readonly samples: (
    jobId: string,
    afterIndex: number,
    limit: number,
  ) => Effect.Effect<ReadonlyArray<Sample>, StoreError>
  readonly rejections: (
    jobId: string,
    afterIndex: number,
    limit: number,
  ) => Effect.Effect<ReadonlyArray<Rejection>, StoreError>
  readonly attempts: (jobId: string, taskIndex: number) => Effect.Effect<ReadonlyArray<Attempt>, StoreError>
  /** The most common reasons attempts failed, with their counts. */
  readonly topReasons: (
    jobId: string,
    limit: number,
  ) => Effect.Effect<ReadonlyArray<{ readonly reason: string; readonly count: number }>, StoreError>
  /** Past triage findings, to seed a ci-triage dataset from the team's own failures. */
  readonly findingSeeds: (
    limit: number,
    category: string | undefined,
  ) => Effect.Effect<ReadonlyArray<FindingSeed>, StoreError>
}

export class DistillRepo extends Context.Tag("destill/DistillRepo")<DistillRepo, DistillRepoShape>() {}
