// The insight agent: findings from destill.analysis.findings → once a request is complete, one root-cause insight
// for it (the insight pipeline, stored) published on destill.insights. A request is explained once however many
// chunk messages it has; a redelivered message finds the stored insight instead of calling the model again.
import { Clock, Console, Deferred, Duration, Effect, Exit, FiberId, Option, Schedule, Stream } from "effect"
import type { Insight } from "../../src/domain/Insight.js"
import type { StoredRequest } from "../../src/services/Store.js"
import { Topics } from "../../src/domain/topics.js"
import { Broker } from "../../src/services/Broker.js"
import { InsightRepo } from "../../src/services/InsightRepo.js"
import { isTransient } from "../../src/services/LanguageModel.js"
import { Store } from "../../src/services/Store.js"
import { type InsightOptions, insightForRequest } from "../insight/insightForRequest.js"
import { storeRetry } from "./persist.js"

export interface InsightAgentOptions {
  readonly group: string
  /** Requests explained at once (each is one model conversation). */
  readonly concurrency: number
  /** How long a request may stay unfinished before its messages are let go (a stuck request must not block). */
  readonly completionWait: Duration.DurationInput
  /** How often the store is asked whether a request has completed. */
  readonly pollEvery: Duration.DurationInput
  readonly insight?: InsightOptions
}

/** What became of one request, for the agent's log line. */
export type InsightOutcome =
  | { readonly _tag: "Explained"; readonly insight: Insight }
  | { readonly _tag: "AlreadyExplained"; readonly insight: Insight }
  | { readonly _tag: "Skipped"; readonly reason: string }

/** Requests finished in this process, so a request's later chunk messages are let go without a store query. */
const rememberedRequests = 10_000

/** A provider that is down or refusing is waited for a little; then the request is let go (explain retries it). */
const providerRetry = Schedule.exponential(Duration.seconds(1), 2).pipe(
  Schedule.intersect(Schedule.recurs(4)),
)

const terminal = (stored: StoredRequest) => stored.status !== "pending" && stored.status !== "running"

/** The request once it is complete (or failed, or cancelled); none if it never got there in time. */
const awaitFinished = (requestId: string, options: InsightAgentOptions) =>
  Effect.gen(function* () {
    const store = yield* Store
    const deadline = (yield* Clock.currentTimeMillis) + Duration.toMillis(options.completionWait)
    for (;;) {
      const found = yield* store.getRequest(requestId).pipe(Effect.retry(storeRetry))
      if (Option.isSome(found) && terminal(found.value)) return found
      if ((yield* Clock.currentTimeMillis) >= deadline) return Option.none<StoredRequest>()
      yield* Effect.sleep(options.pollEvery)
    }
  })

/** Explains one request if it needs it and publishes the insight (again, after a crash between the two). */
export const explainRequest = (
  requestId: string,
  options: InsightAgentOptions,
  limit: <A, E, R>(work: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R> = (work) => work,
) =>
  Effect.gen(function* () {
    const broker = yield* Broker
    const repo = yield* InsightRepo
    const store = yield* Store
    const publish = (insight: Insight) =>
      broker.publish(Topics.insights, [{ key: requestId, value: insight }]).pipe(Effect.as(insight))
    const earlier = yield* repo.forRequest(requestId).pipe(Effect.retry(storeRetry))
    const newest = earlier.find((i) => i.status === "accepted") ?? earlier[0]
    // At-least-once: the insight may have been stored but not published when an agent died; consumers key by id.
    if (newest) return { _tag: "AlreadyExplained", insight: yield* publish(newest) } satisfies InsightOutcome
    const finished = yield* awaitFinished(requestId, options)
    if (Option.isNone(finished)) {
      const wait = Duration.format(Duration.decode(options.completionWait))
      return { _tag: "Skipped", reason: `not complete after ${wait}` } satisfies InsightOutcome
    }
    if (finished.value.status !== "complete") {
      return { _tag: "Skipped", reason: `the request ${finished.value.status}` } satisfies InsightOutcome
    }
    const findings = yield* store.findings(requestId).pipe(Effect.retry(storeRetry))
    if (findings.length === 0) return { _tag: "Skipped", reason: "no findings" } satisfies InsightOutcome
    const insight = yield* limit(
      insightForRequest(requestId, findings, options.insight).pipe(
        Effect.retry({
          schedule: providerRetry,
          while: (error) =>
            error._tag === "StoreError" || (error._tag !== "NothingToExplain" && isTransient(error)),
        }),
      ),
    )
    return { _tag: "Explained", insight: yield* publish(insight) } satisfies InsightOutcome
  })

const describeOutcome = (requestId: string, outcome: InsightOutcome) => {
  const id = requestId.slice(0, 8)
  switch (outcome._tag) {
    case "Explained":
      return outcome.insight.status === "accepted"
        ? `insight for ${id}: ${outcome.insight.category}, confidence ${outcome.insight.confidence.toFixed(2)} (${outcome.insight.attempts} attempt(s))`
        : `insight for ${id} rejected after ${outcome.insight.attempts} attempt(s): ${outcome.insight.reasons.at(-1) ?? ""}`
    case "AlreadyExplained":
      return `insight for ${id} was stored already: published it again`
    case "Skipped":
      return `no insight for ${id}: ${outcome.reason}`
  }
}

/**
 * Consumes findings in its own group (beside persist's), so every request is seen. Chunk messages of one request
 * share one piece of work: the first starts it, the others wait for it, and all are committed when it is done.
 */
export const insightAgent = (options: InsightAgentOptions) =>
  Effect.gen(function* () {
    const broker = yield* Broker
    // One fiber runs at a time between yields, so plain collections suffice for the single-flight bookkeeping.
    const inFlight = new Map<string, Deferred.Deferred<void>>()
    const finished = new Set<string>()
    // Only the model conversations are limited; waiting for a request to complete takes no permit.
    const permits = yield* Effect.makeSemaphore(options.concurrency)

    const remember = (requestId: string) => {
      finished.add(requestId)
      if (finished.size > rememberedRequests) {
        const oldest = finished.values().next()
        if (!oldest.done) finished.delete(oldest.value)
      }
    }

    const work = (requestId: string, deferred: Deferred.Deferred<void>) =>
      explainRequest(requestId, options, permits.withPermits(1)).pipe(
        Effect.tap((outcome) => Console.error(`destill: ${describeOutcome(requestId, outcome)}`)),
        // A request that cannot be explained now is let go with one line; `destill explain <id>` retries it.
        Effect.catchAll((error) =>
          Console.error(
            `destill: no insight for ${requestId.slice(0, 8)}: ${error.message}; destill explain ${requestId} retries it`,
          ),
        ),
        // Interrupted (the agent is stopping): the waiting messages stay uncommitted and come back later.
        Effect.onExit((exit) =>
          Effect.suspend(() => {
            inFlight.delete(requestId)
            if (Exit.isSuccess(exit)) remember(requestId)
            return Exit.isSuccess(exit) ? Deferred.succeed(deferred, undefined) : Deferred.interrupt(deferred)
          }),
        ),
      )

    const explainOnce = (requestId: string) =>
      Effect.suspend(() => {
        if (finished.has(requestId)) return Effect.void
        const running = inFlight.get(requestId)
        if (running) return Deferred.await(running)
        const deferred = Deferred.unsafeMake<void>(FiberId.none)
        inFlight.set(requestId, deferred)
        return work(requestId, deferred)
      })

    yield* broker.subscribe(Topics.findings, options.group).pipe(
      // Waiting messages of one request hold a slot each, so allow many: the work itself is one per request.
      Stream.mapEffect(
        (delivery) => Effect.zipRight(explainOnce(delivery.value.requestId), delivery.commit),
        { concurrency: Math.max(64, options.concurrency), unordered: true },
      ),
      Stream.runDrain,
    )
  })
