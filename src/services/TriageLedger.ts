// The TriageLedger port: distributed triage's bookkeeping in the store — per-chunk findings as they are persisted,
// the chunk count ingest found, and the one-time finalization of a request once every chunk is in.
import { Context, type Effect, type Option } from "effect"
import type { StoreError } from "../domain/errors.js"
import type { ChunkFindings } from "../domain/Finding.js"

/** What ingest read for a request; `chunks` is the number of chunks the request is complete with. */
export interface IngestTotals {
  readonly lines: number
  readonly bytes: number
  readonly chunks: number
}

export interface CompletedRequest {
  readonly requestId: string
  readonly totals: IngestTotals
  /** Every persisted chunk with its findings, in (job, chunk) order. */
  readonly chunks: ReadonlyArray<ChunkFindings>
}

export interface RequestProgress {
  /** Null until ingest has finished and knows the count. */
  readonly expectedChunks: number | null
  readonly persistedChunks: number
  readonly finalized: boolean
}

export interface TriageLedgerShape {
  /** Upserts each chunk with its findings (by request, job and chunk index): a redelivery changes nothing. */
  readonly recordChunks: (batches: ReadonlyArray<ChunkFindings>) => Effect.Effect<void, StoreError>
  /** Ingest is done: the request is complete once this many chunks are recorded. */
  readonly recordIngested: (requestId: string, totals: IngestTotals) => Effect.Effect<void, StoreError>
  /**
   * Runs `finalize` if every chunk of the request is recorded and nobody finalized it yet, inside the transaction
   * that claims it: two agents never both finalize, and a finalize that fails leaves the claim for a retry. The
   * staged chunks are dropped once finalized (chunks redelivered later are not staged again). Succeeds with
   * whether this call finalized the request.
   */
  readonly finalizeWhenComplete: <E, R>(
    requestId: string,
    finalize: (completed: CompletedRequest) => Effect.Effect<void, E, R>,
  ) => Effect.Effect<boolean, StoreError | E, R>
  readonly progress: (requestId: string) => Effect.Effect<Option.Option<RequestProgress>, StoreError>
}

export class TriageLedger extends Context.Tag("destill/TriageLedger")<TriageLedger, TriageLedgerShape>() {}
