// The InsightRepo port: insights kept per request, and found again by input hash so identical inputs
// (same findings, model and prompt version) reuse an answer instead of calling the model.
import { Context, Effect, Layer, Option } from "effect"
import type { StoreError } from "../domain/errors.js"
import type { Insight } from "../domain/Insight.js"

export interface InsightRepoShape {
  /** Upsert by insight id. */
  readonly save: (insight: Insight) => Effect.Effect<void, StoreError>
  /** The newest accepted insight made from exactly this input, from any request. */
  readonly findAccepted: (inputHash: string) => Effect.Effect<Option.Option<Insight>, StoreError>
  /** A request's insights, newest first. */
  readonly forRequest: (requestId: string) => Effect.Effect<ReadonlyArray<Insight>, StoreError>
}

export class InsightRepo extends Context.Tag("destill/InsightRepo")<InsightRepo, InsightRepoShape>() {
  /** Kept in this process only: for `--no-store`, tests and benchmarks. */
  static readonly Memory: Layer.Layer<InsightRepo> = Layer.sync(InsightRepo, () => {
    const byId = new Map<string, Insight>()
    const newestFirst = (insights: Iterable<Insight>) =>
      [...insights].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1))
    return {
      save: (insight) => Effect.sync(() => void byId.set(insight.id, insight)),
      findAccepted: (inputHash) =>
        Effect.sync(() =>
          Option.fromNullable(
            newestFirst(byId.values()).find((i) => i.inputHash === inputHash && i.status === "accepted"),
          ),
        ),
      forRequest: (requestId) =>
        Effect.sync(() => newestFirst(byId.values()).filter((i) => i.requestId === requestId)),
    }
  })
}
