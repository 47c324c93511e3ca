// The last step of a distributed request: rank every persisted chunk's findings exactly as local mode does,
// save them and mark the request complete — run once, inside the ledger's claim.
import { Clock, Effect, Option } from "effect"
import { Store } from "../../src/services/Store.js"
import { type CompletedRequest, TriageLedger } from "../../src/services/TriageLedger.js"
import { FindingRanker } from "../../src/triage/rank.js"

const finalizeRequest = (completed: CompletedRequest) =>
  Effect.gen(function* () {
    const store = yield* Store
    const stored = yield* store.getRequest(completed.requestId)
    // Chunks without a request row (published by hand, or a replayed dead letter) have nowhere to be shown.
    if (Option.isNone(stored)) return
    const request = stored.value.request
    // read back from the database: their texts own their memory already
    const ranker = new FindingRanker({ detached: true })
    for (const chunk of completed.chunks) ranker.add(chunk)
    const findings = ranker.ranked({ top: request.options.top, minConfidence: request.options.minConfidence })
    const now = yield* Clock.currentTimeMillis
    yield* store.saveFindings(findings)
    yield* store.finishRequest(request.id, "complete", {
      stats: { ...completed.totals, durationMs: Math.max(0, now - request.createdAt) },
    })
  })

/** Finalizes the request if all its chunks are persisted; any agent may call it, only one finalizes. */
export const finalizeIfComplete = (requestId: string) =>
  Effect.flatMap(TriageLedger, (ledger) => ledger.finalizeWhenComplete(requestId, finalizeRequest))
