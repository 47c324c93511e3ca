// Logs served over HTTP(S): a response body as a byte stream (gunzipped when it is gzip), the bounded concurrent
// fetch of a build's job logs, and the adapter for any raw log URL.
import { Effect, Option, Scope, Stream } from "effect"
import { InputError } from "../../src/domain/errors.js"
import type { JobOutcome } from "../../src/domain/Request.js"
import type { ResolvedSource, SourceJob } from "../../src/services/LogSource.js"
import {
  defaultRetryPolicy,
  describeFailure,
  httpGet,
  pathSegment,
  publicUrl,
  type RetryPolicy,
} from "./ciHttp.js"
import type { HttpFailure } from "./errors.js"

/** A CI source's answer: the port's, plus lines the user should read about what was left out. */
export interface ResolvedCiSource extends ResolvedSource {
  /**
   * Known at resolve time (a build still running), and appended to while `jobs` runs (a job whose log
   * expired): read it after `jobs` has finished.
   */
  readonly notices: ReadonlyArray<string>
}

/** One job of a build whose log is to be fetched; `open` answers its log response, body unread. */
export interface PlannedJob {
  readonly id: string
  readonly name: string
  readonly outcome: JobOutcome
  readonly open: Effect.Effect<Response, HttpFailure>
}

export const defaultJobConcurrency = 4

const isGzip = (head: Uint8Array) => head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b

/** The body, decompressed as it streams when its first bytes are the gzip magic. */
const gunzippedIfGzip = (body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> => {
  const reader = body.getReader()
  let output: ReadableStreamDefaultReader<Uint8Array> | undefined
  const open = async () => {
    const head: Array<Uint8Array> = []
    let size = 0
    for (let read = await reader.read(); ; read = await reader.read()) {
      if (read.done) break
      head.push(read.value)
      size += read.value.length
      if (size >= 2) break
    }
    const replayed = new ReadableStream<Uint8Array>({
      start: (controller) => head.forEach((piece) => controller.enqueue(piece)),
      pull: async (controller) => {
        const read = await reader.read()
        if (read.done) controller.close()
        else controller.enqueue(read.value)
      },
      cancel: (reason) => reader.cancel(reason),
    })
    const first = Uint8Array.from(head.flatMap((piece) => [...piece.subarray(0, 2)]))
    return (isGzip(first) ? replayed.pipeThrough(new DecompressionStream("gzip")) : replayed).getReader()
  }
  return new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      output ??= await open()
      const read = await output.read()
      if (read.done) controller.close()
      else controller.enqueue(read.value)
    },
    cancel: (reason) => (output ?? reader).cancel(reason),
  })
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** A response body as bytes; a broken connection or corrupt gzip fails with one line naming `what`. */
export const responseBytes = (response: Response, what: string): Stream.Stream<Uint8Array, InputError> =>
  response.body === null
    ? Stream.empty
    : Stream.fromReadableStream({
        evaluate: () => gunzippedIfGzip(response.body!),
        onError: (error) => new InputError({ message: `could not read ${what}: ${reason(error)}` }),
      })

const sizeHintOf = (response: Response): number | undefined => {
  const length = Number(response.headers.get("content-length") ?? NaN)
  return response.headers.get("content-encoding") === null && Number.isFinite(length) ? length : undefined
}

/**
 * A job whose log response is already open. Its bytes read that response the first time they run; a later
 * run, or one after the jobs stream has ended and released unread bodies, opens the log again.
 */
const openedJob = (
  job: PlannedJob,
  response: Response,
  onFailure: (failure: HttpFailure) => InputError,
): { readonly job: SourceJob; readonly releaseUnread: Effect.Effect<void> } => {
  let unread: Response | undefined = response
  const take = () => {
    const taken = unread
    unread = undefined
    return taken
  }
  const what = `the log of job "${job.name}"`
  const bytes = Stream.suspend(() => {
    const prefetched = take()
    return prefetched !== undefined
      ? responseBytes(prefetched, what)
      : Stream.unwrap(Effect.map(Effect.mapError(job.open, onFailure), (again) => responseBytes(again, what)))
  })
  const hint = sizeHintOf(response)
  return {
    job: {
      id: job.id,
      name: job.name,
      outcome: job.outcome,
      bytes,
      ...(hint === undefined ? {} : { sizeHint: hint }),
    },
    releaseUnread: Effect.promise(async () => {
      await take()
        ?.body?.cancel()
        .catch(() => undefined)
    }),
  }
}

const outcomeRank: Record<JobOutcome, number> = { failed: 0, unknown: 1, passed: 2 }

/**
 * Opens job logs `concurrency` at a time, failed jobs first, and emits each job as soon as its log answers.
 * A log that is gone (404/410: expired or deleted) skips its job with a line in `notices`.
 */
export const streamJobLogs = (
  jobs: ReadonlyArray<PlannedJob>,
  options: {
    readonly concurrency: number
    readonly notices: Array<string>
    readonly onFailure: (failure: HttpFailure, job: PlannedJob) => InputError
  },
): Stream.Stream<SourceJob, InputError> => {
  const ordered = [...jobs].sort((a, b) => outcomeRank[a.outcome] - outcomeRank[b.outcome])
  return Stream.unwrapScoped(
    Effect.map(Effect.scope, (scope) =>
      Stream.fromIterable(ordered).pipe(
        // flatMap rather than mapEffect: its small buffer bounds how many opened, unread logs wait.
        Stream.flatMap(
          (job) =>
            job.open.pipe(
              Effect.flatMap((response) => {
                const opened = openedJob(job, response, (f) => options.onFailure(f, job))
                return Effect.as(Scope.addFinalizer(scope, opened.releaseUnread), Option.some(opened.job))
              }),
              Effect.catchAll((failure) => {
                if (
                  failure._tag === "HttpStatusError" &&
                  (failure.status === 404 || failure.status === 410)
                ) {
                  options.notices.push(
                    `skipped job "${job.name}": its log is no longer available (HTTP ${failure.status}); CI services delete logs after their retention period`,
                  )
                  return Effect.succeed(Option.none<SourceJob>())
                }
                return Effect.fail(options.onFailure(failure, job))
              }),
              Stream.fromEffect,
              Stream.filterMap((opened) => opened),
            ),
          { concurrency: Math.max(1, options.concurrency), bufferSize: 1 },
        ),
      ),
    ),
  )
}

export interface HttpSourceOptions {
  readonly outcome: JobOutcome
  readonly retry?: RetryPolicy
}

/** The id chunks are keyed by: the URL without its query, which may hold a signature. */
export const httpBuildId = (url: string) => `http:${publicUrl(url)}`

/**
 * Any http(s) URL of a raw log, as one job. The request is sent here, so a wrong URL fails at once; the body
 * streams when the job's bytes run.
 */
export const resolveHttp = (
  url: string,
  options: HttpSourceOptions,
): Effect.Effect<ResolvedSource, InputError> =>
  Effect.gen(function* () {
    const parsed = URL.canParse(url) ? new URL(url) : undefined
    if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      return yield* new InputError({ message: `not an http(s) URL: ${publicUrl(url)}` })
    }
    const shown = publicUrl(parsed)
    const name = pathSegment(
      parsed.pathname
        .split("/")
        .filter((part) => part !== "")
        .at(-1) ?? parsed.host,
    )
    const advice = {
      unauthorized: `${shown} asks for credentials (HTTP 401); download the log and pass the file instead`,
      forbidden: `${shown} refused access (HTTP 403); the link may have expired, or the log needs credentials`,
      notFound: `no log at ${shown} (HTTP 404); check the URL`,
    }
    const open = httpGet({ url, retry: options.retry ?? defaultRetryPolicy })
    const response = yield* Effect.mapError(open, (failure) => describeFailure(failure, advice))
    const opened = openedJob({ id: shown, name, outcome: options.outcome, open }, response, (f) =>
      describeFailure(f, advice),
    )
    const jobs = Stream.unwrapScoped(
      Effect.as(
        Effect.addFinalizer(() => opened.releaseUnread),
        Stream.make(opened.job),
      ),
    )
    return { buildId: httpBuildId(url), jobs }
  })
