// Settling a job's pending tasks with bounded concurrency: one reader pages the pending tasks out of the
// store into a bounded queue (so the next page is read while this one is worked on) and `concurrency`
// long-lived workers take from it. A fiber per task (Stream.mapEffect) cost a quarter millisecond of CPU
// per task, more than everything else a sample needs; a worker's take from a non-empty queue costs ~1 µs.
import { Cause, Effect, Exit, Fiber, Queue } from "effect"
import type { PendingTask } from "../../src/services/DistillRepo.js"

export interface WorkerPool<E, R> {
  /** Pending tasks with index > after, in index order; a page shorter than `pageSize` is the last. */
  readonly page: (after: number) => Effect.Effect<ReadonlyArray<PendingTask>, E>
  readonly pageSize: number
  readonly concurrency: number
  /** Checked before each task: true lets the tasks in hand finish and takes no new one. */
  readonly stopping: () => boolean
  readonly settle: (task: PendingTask) => Effect.Effect<void, E, R>
}

const end = Symbol("end of the pending tasks")

/** Settle every pending task, or stop early once `stopping` says so; fails with the first failure. */
export const settlePending = <E, R>(pool: WorkerPool<E, R>): Effect.Effect<void, E, R> =>
  Effect.gen(function* () {
    const workers = Math.max(1, pool.concurrency)
    const queue = yield* Queue.bounded<PendingTask | typeof end>(pool.pageSize * 2)
    // Every worker gets its own end marker, also when the reader fails, so none waits for ever. They are
    // offered as ordinary (interruptible) work, not a finaliser: a reader stopped while the queue is full
    // must not block on it.
    const finish = Queue.offerAll(
      queue,
      Array.from({ length: workers }, () => end),
    )
    const reader = yield* Effect.gen(function* () {
      let after = -1
      for (;;) {
        if (pool.stopping()) return
        const page = yield* pool.page(after)
        if (page.length > 0) yield* Queue.offerAll(queue, page)
        if (page.length < pool.pageSize) return
        after = page[page.length - 1]!.index
      }
    }).pipe(
      Effect.exit,
      Effect.flatMap((exit) => Effect.zipRight(finish, exit)),
      Effect.fork,
    )

    const worker = Effect.gen(function* () {
      while (!pool.stopping()) {
        const task = yield* Queue.take(queue)
        if (task === end) return
        yield* pool.settle(task)
        // A teacher that answers at once would let one worker run through the queue alone while the others
        // sit on the tasks they took; yielding keeps tasks settled in about their index order.
        yield* Effect.yieldNow()
      }
    })
    // A failed worker interrupts the others; the reader, possibly waiting on a full queue, is stopped too.
    yield* Effect.forEach(Array.from({ length: workers }), () => worker, {
      concurrency: "unbounded",
      discard: true,
    }).pipe(Effect.onExit(() => Fiber.interrupt(reader)))
    // The workers are done; a reader that failed placed their end markers, and fails the job here.
    const read = yield* Fiber.interrupt(reader)
    if (Exit.isFailure(read) && !Cause.isInterruptedOnly(read.cause))
      return yield* Effect.failCause(read.cause)
  })
