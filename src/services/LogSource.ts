// The LogSource port: turns what the user named (path, "-", URL, build) into jobs with byte streams.
import { Context, type Effect, type Scope, type Stream } from "effect"
import type { InputError } from "../domain/errors.js"
import type { JobOutcome } from "../domain/Request.js"

export interface SourceJob {
  readonly id: string
  readonly name: string
  readonly outcome: JobOutcome
  /** Total bytes when known (a file's size), for progress. */
  readonly sizeHint?: number
  /** The raw log, decompressed if it was gzip; fails with a one-line InputError. */
  readonly bytes: Stream.Stream<Uint8Array, InputError>
  /**
   * The same bytes read straight into the caller's memory, for sources that need no decoding (a plain file): a
   * reader that fills `target` from `offset` with up to `length` bytes and succeeds with how many (0 at the end).
   * A reader of the job uses this or `bytes`, not both; it saves copying every byte out of a read buffer.
   */
  readonly openReader?: Effect.Effect<ByteReader, InputError, Scope.Scope>
}

export type ByteReader = (
  target: Uint8Array,
  offset: number,
  length: number,
) => Effect.Effect<number, InputError>

export interface ResolvedSource {
  /** Chunks of every job are keyed by this id. */
  readonly buildId: string
  readonly jobs: Stream.Stream<SourceJob, InputError>
  /**
   * What the user should know about the source (a build still running, a job whose log expired). It may grow
   * while `jobs` runs: read it after the jobs stream has ended.
   */
  readonly notices?: ReadonlyArray<string>
}

export interface LogSourceShape {
  readonly resolve: (
    reference: string,
    options: { readonly outcome: JobOutcome },
  ) => Effect.Effect<ResolvedSource, InputError>
}

export class LogSource extends Context.Tag("destill/LogSource")<LogSource, LogSourceShape>() {}
