// The ingest agent: requests from destill.requests → fetch the source → chunks on destill.logs.raw; records how
// many chunks the request has so persist knows when it is complete.
import { Effect, Option, Ref, Stream } from "effect"
import type { Request } from "../../src/domain/Request.js"
import { Topics } from "../../src/domain/topics.js"
import { Broker } from "../../src/services/Broker.js"
import { LogSource, type ResolvedSource } from "../../src/services/LogSource.js"
import { Store } from "../../src/services/Store.js"
import { TriageLedger } from "../../src/services/TriageLedger.js"
import { emptyProgress, type IngestOptions, ingestRequest } from "../triage/ingest.js"
import { finalizeIfComplete } from "./finalize.js"
import { storeRetry } from "./persist.js"

export interface IngestAgentOptions extends IngestOptions {
  readonly group: string
  /** Requests fetched at once. */
  readonly concurrency: number
}

/**
 * Publishes one request's chunks and records the count. A source that cannot be read marks the request failed
 * (the user sees why in `destill view`); the request message is done either way.
 */
export const ingestSource = (request: Request, source: ResolvedSource, options: IngestOptions = {}) =>
  Effect.gen(function* () {
    const ledger = yield* TriageLedger
    const progress = yield* Ref.make(emptyProgress)
    const totals = yield* ingestRequest(request, source, progress, options)
    yield* ledger
      .recordIngested(request.id, { lines: totals.lines, bytes: totals.bytes, chunks: totals.chunks })
      .pipe(Effect.retry(storeRetry))
    // The last chunk may have been persisted before the count was known: then nobody else will finalize.
    yield* finalizeIfComplete(request.id).pipe(Effect.retry(storeRetry))
    return totals
  })

const ingestOne = (request: Request, options: IngestOptions) =>
  Effect.gen(function* () {
    const store = yield* Store
    const ledger = yield* TriageLedger
    const sources = yield* LogSource
    // A redelivered request that already finished has nothing left to do.
    const done = yield* ledger.progress(request.id)
    if (Option.isSome(done) && done.value.finalized) return
    yield* store.createRequest(request).pipe(Effect.retry(storeRetry))
    yield* sources.resolve(request.source, { outcome: request.outcome }).pipe(
      Effect.flatMap((source) => ingestSource(request, source, options)),
      Effect.catchTag("InputError", (error) =>
        store.finishRequest(request.id, "failed", { error: error.message }).pipe(Effect.retry(storeRetry)),
      ),
    )
  })

export const ingestAgent = (options: IngestAgentOptions) =>
  Effect.gen(function* () {
    const broker = yield* Broker
    yield* broker.subscribe(Topics.requests, options.group).pipe(
      Stream.mapEffect((delivery) => Effect.zipRight(ingestOne(delivery.value, options), delivery.commit), {
        concurrency: options.concurrency,
        unordered: true,
      }),
      Stream.runDrain,
    )
  })
