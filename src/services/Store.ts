// The Store port: requests and their findings, kept so `destill view` can show them again later.
import { Context, Effect, Layer, Option } from "effect"
import type { StoreError } from "../domain/errors.js"
import type { Finding } from "../domain/Finding.js"
import type { Request, RequestStatus } from "../domain/Request.js"
import type { RunStats } from "../domain/Stats.js"

export interface StoredRequest {
  readonly request: Request
  readonly status: RequestStatus
  readonly stats: RunStats | null
  readonly error: string | null
  readonly updatedAt: number
  /** The headline of the best finding, for listings. */
  readonly topMessage: string | null
}

export interface StoreShape {
  readonly createRequest: (request: Request) => Effect.Effect<void, StoreError>
  /** Mark a request's end state; `complete` is only set once its findings are written. */
  readonly finishRequest: (
    id: string,
    status: Exclude<RequestStatus, "pending" | "running">,
    details: { readonly stats?: RunStats; readonly error?: string },
  ) => Effect.Effect<void, StoreError>
  /** Upsert by finding id in one transaction: a rewrite of the same findings never duplicates. */
  readonly saveFindings: (findings: ReadonlyArray<Finding>) => Effect.Effect<void, StoreError>
  readonly getRequest: (id: string) => Effect.Effect<Option.Option<StoredRequest>, StoreError>
  /** Newest first. */
  readonly listRequests: (limit: number) => Effect.Effect<ReadonlyArray<StoredRequest>, StoreError>
  /** Findings of a request by rank. */
  readonly findings: (requestId: string) => Effect.Effect<ReadonlyArray<Finding>, StoreError>
  /** Full-text search over the findings of every request, best match first. */
  readonly searchFindings: (text: string, limit: number) => Effect.Effect<ReadonlyArray<Finding>, StoreError>
}

export class Store extends Context.Tag("destill/Store")<Store, StoreShape>() {
  /** `--no-store`: writes go nowhere, reads find nothing. */
  static readonly None: Layer.Layer<Store> = Layer.succeed(Store, {
    createRequest: () => Effect.void,
    finishRequest: () => Effect.void,
    saveFindings: () => Effect.void,
    getRequest: () => Effect.succeed(Option.none()),
    listRequests: () => Effect.succeed([]),
    findings: () => Effect.succeed([]),
    searchFindings: () => Effect.succeed([]),
  })
}
