// The job's journal: every generation and outcome goes through one writer fiber that commits them to the
// store in groups (one statement a batch), then appends the batch's accepted samples to the JSONL output.
// Generations are queued before they are validated and committed before their verdicts, so a crash after
// a commit never pays for them twice.
import { Deferred, Effect, FiberId, type Scope } from "effect"
import type { Attempt, DistillError, Rejection, Sample } from "../../src/domain/Distill.js"
import type { StoreError } from "../../src/domain/errors.js"
import { sampleLine } from "../../src/distill/exportFormat.js"
import type { DistillCommit, DistillRepoShape } from "../../src/services/DistillRepo.js"
import { appendLines } from "./output.js"

type JournalError = StoreError | DistillError

interface Entry {
  readonly attempt?: Attempt
  readonly verdict?: DistillCommit["verdicts"][number]
  readonly sample?: Sample
  readonly rejection?: Rejection
  /** Only a flush waits for its commit: a Deferred per generation cost more than validating it. */
  readonly done?: Deferred.Deferred<void, JournalError>
}

export interface Journal {
  /**
   * Queue a generation for the store, before it is validated. The one writer commits in queue order, so its
   * verdict and sample (queued later) never land without it; waiting for the commit here would only add the
   * commit's latency to every task, without making the generation any more durable.
   */
  readonly record: (attempt: Attempt) => Effect.Effect<void, JournalError>
  /** Queue an attempt's verdict and, when the task is settled, its sample or rejection; does not wait for the commit. */
  readonly settle: (outcome: {
    readonly verdict: DistillCommit["verdicts"][number]
    readonly sample?: Sample
    readonly rejection?: Rejection
  }) => Effect.Effect<void, JournalError>
  /** Wait until everything queued so far is committed and written; fails with the first failure seen. */
  readonly flush: Effect.Effect<void, JournalError>
}

/** Entries per commit: large enough to amortise a statement, small enough to keep a commit short. */
const maxBatch = 2_048
/** Queued entries past which a worker waits for the writer: what bounds memory when the store is slowest. */
const maxQueued = 4_096

export const makeJournal = (
  repo: DistillRepoShape,
  output: string,
): Effect.Effect<Journal, never, Scope.Scope> =>
  Effect.gen(function* () {
    // A plain array and two shared wake-ups, not a Queue: with the store the slowest stage, every offer to a
    // full bounded queue suspended on a Deferred of its own, the dominant cost of a sample.
    let queued: Array<Entry> = []
    /** Resolved when entries arrive while the writer waits for some. */
    let arrived: Deferred.Deferred<void> | undefined
    /** Resolved, for every worker waiting on a full journal at once, when the writer takes a batch. */
    let room = yield* Deferred.make<void>()
    let firstFailure: JournalError | undefined

    const writeBatch = (entries: ReadonlyArray<Entry>) => {
      const batch: DistillCommit = {
        attempts: entries.flatMap((e) => (e.attempt === undefined ? [] : [e.attempt])),
        verdicts: entries.flatMap((e) => (e.verdict === undefined ? [] : [e.verdict])),
        accepted: entries.flatMap((e) => (e.sample === undefined ? [] : [e.sample])),
        rejected: entries.flatMap((e) => (e.rejection === undefined ? [] : [e.rejection])),
      }
      return repo.commit(batch).pipe(
        // The file only ever receives committed samples: on restart the store is the truth it is reconciled to.
        Effect.zipRight(appendLines(output, batch.accepted.map(sampleLine))),
        Effect.exit,
        Effect.flatMap((exit) =>
          Effect.forEach(
            entries,
            (entry) => (entry.done === undefined ? Effect.void : Deferred.done(entry.done, exit)),
            { discard: true },
          ).pipe(
            Effect.zipRight(
              Effect.sync(() => {
                if (exit._tag === "Failure" && firstFailure === undefined && exit.cause._tag === "Fail")
                  firstFailure = exit.cause.error
              }),
            ),
          ),
        ),
      )
    }

    const takeBatch: Effect.Effect<ReadonlyArray<Entry>> = Effect.suspend(() => {
      if (queued.length === 0) {
        const wait = Deferred.unsafeMake<void>(FiberId.none)
        arrived = wait
        return Effect.zipRight(Deferred.await(wait), takeBatch)
      }
      const batch = queued.length <= maxBatch ? queued : queued.slice(0, maxBatch)
      queued = queued.length <= maxBatch ? [] : queued.slice(maxBatch)
      const waiting = room
      room = Deferred.unsafeMake<void>(FiberId.none)
      return Effect.as(Deferred.succeed(waiting, undefined), batch)
    })

    yield* takeBatch.pipe(Effect.flatMap(writeBatch), Effect.forever, Effect.forkScoped)

    const enqueue = (entry: Entry): Effect.Effect<void, JournalError> =>
      Effect.suspend(() => {
        if (firstFailure !== undefined) return Effect.fail(firstFailure)
        queued.push(entry)
        const wake = arrived
        arrived = undefined
        const full = queued.length >= maxQueued ? Deferred.await(room) : Effect.void
        return wake === undefined ? full : Effect.zipRight(Deferred.succeed(wake, undefined), full)
      })

    const failed = Effect.suspend(() =>
      firstFailure === undefined ? Effect.void : Effect.fail(firstFailure),
    )

    return {
      record: (attempt) => enqueue({ attempt }),
      settle: (outcome) => enqueue(outcome),
      flush: Effect.flatMap(Deferred.make<void, JournalError>(), (done) =>
        Effect.zipRight(enqueue({ done }), Deferred.await(done)),
      ).pipe(Effect.zipRight(failed)),
    }
  })
