// The job's journal: every generation and outcome goes through one writer fiber that commits them to the
// store in groups (one transaction a batch), then appends the batch's accepted samples to the JSONL output.
// Generations are queued before they are validated and committed before their verdicts, so a crash after
// a commit never pays for them twice.
import { Deferred, Effect, Queue, type Scope } from "effect"
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
  readonly done: Deferred.Deferred<void, JournalError>
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

const maxBatch = 1_024

export const makeJournal = (
  repo: DistillRepoShape,
  output: string,
): Effect.Effect<Journal, never, Scope.Scope> =>
  Effect.gen(function* () {
    const queue = yield* Queue.bounded<Entry>(4_096)
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
          Effect.forEach(entries, (entry) => Deferred.done(entry.done, exit), { discard: true }).pipe(
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

    yield* Queue.takeBetween(queue, 1, maxBatch).pipe(
      Effect.flatMap((chunk) => writeBatch(Array.from(chunk))),
      Effect.forever,
      Effect.forkScoped,
    )

    const enqueue = (entry: Omit<Entry, "done">) =>
      Effect.flatMap(Deferred.make<void, JournalError>(), (done) =>
        Effect.as(Queue.offer(queue, { ...entry, done }), done),
      )

    const failed = Effect.suspend(() =>
      firstFailure === undefined ? Effect.void : Effect.fail(firstFailure),
    )

    return {
      record: (attempt) => Effect.zipRight(failed, enqueue({ attempt })),
      settle: (outcome) => Effect.zipRight(failed, enqueue(outcome)),
      flush: Effect.flatMap(enqueue({}), Deferred.await).pipe(Effect.zipRight(failed)),
    }
  })
