// The ingest agent's work for one request: source bytes → lines → 500 KB chunks, published to destill.logs.raw.
import { Effect, Ref, Stream } from "effect"
import { InputError } from "../../src/domain/errors.js"
import { LogChunk } from "../../src/domain/LogChunk.js"
import type { Request } from "../../src/domain/Request.js"
import { Topics } from "../../src/domain/topics.js"
import { Chunker, type ChunkLimits, type ChunkSlice, defaultChunkLimits } from "../../src/triage/chunk.js"
import { LineSplitter, SplitRejection, type SplitLimits, defaultSplitLimits } from "../../src/triage/split.js"
import { Broker } from "../../src/services/Broker.js"
import type { ResolvedSource, SourceJob } from "../../src/services/LogSource.js"

/** Running totals, readable while ingest is under way (progress lines, the live view). */
export interface IngestProgress {
  readonly bytes: number
  readonly lines: number
  readonly chunks: number
  readonly jobs: number
  /** Invalid UTF-8 sequences replaced and long lines cut: worth a warning, not a failure. */
  readonly invalidSequences: number
  readonly truncatedLines: number
  /** Sum of the size hints of the jobs started so far, and how many jobs had none (then the total is unknown). */
  readonly expectedBytes: number
  readonly unsizedJobs: number
}

export const emptyProgress: IngestProgress = {
  bytes: 0,
  lines: 0,
  chunks: 0,
  jobs: 0,
  invalidSequences: 0,
  truncatedLines: 0,
  expectedBytes: 0,
  unsizedJobs: 0,
}

export interface IngestOptions {
  readonly splitLimits?: SplitLimits
  readonly chunkLimits?: ChunkLimits
  /** Jobs read at once (CI builds have many). */
  readonly jobConcurrency?: number
}

const ingestJob = (
  request: Request,
  buildId: string,
  job: SourceJob,
  progress: Ref.Ref<IngestProgress>,
  options: IngestOptions,
) =>
  Effect.gen(function* () {
    const broker = yield* Broker
    const splitter = new LineSplitter(options.splitLimits ?? defaultSplitLimits)
    const chunker = new Chunker(options.chunkLimits ?? defaultChunkLimits)
    let bytesSeen = 0
    yield* Ref.update(progress, (p) =>
      job.sizeHint === undefined
        ? { ...p, unsizedJobs: p.unsizedJobs + 1 }
        : { ...p, expectedBytes: p.expectedBytes + job.sizeHint },
    )
    const toChunk = (slice: ChunkSlice) =>
      new LogChunk(
        {
          requestId: request.id,
          buildId,
          jobName: job.name,
          jobOutcome: job.outcome,
          index: slice.index,
          firstLine: slice.firstLine,
          overlap: slice.overlap,
          lines: slice.lines,
          bytes: slice.bytes,
          context: request.options.context,
          ...(slice.totalChunks === undefined ? {} : { totalChunks: slice.totalChunks }),
        },
        // Built from values this function controls: skip re-validating thousands of lines per chunk.
        true,
      )
    const publish = (lines: Array<string> | SplitRejection, final: boolean) =>
      Effect.gen(function* () {
        if (lines instanceof SplitRejection) {
          return yield* new InputError({ message: `${job.name}: ${lines.reason}` })
        }
        const slices = final ? [...chunker.push(lines), ...chunker.end()] : chunker.push(lines)
        const read = splitter.bytes - bytesSeen
        bytesSeen = splitter.bytes
        yield* Ref.update(progress, (p) => ({
          ...p,
          bytes: p.bytes + read,
          lines: p.lines + lines.length,
          chunks: p.chunks + slices.length,
        }))
        if (slices.length > 0) {
          yield* broker.publish(
            Topics.logsRaw,
            slices.map((slice) => ({ key: buildId, value: toChunk(slice) })),
          )
        }
      })
    yield* Stream.runForEach(job.bytes, (bytes) => Effect.suspend(() => publish(splitter.push(bytes), false)))
    yield* Effect.suspend(() => publish(splitter.end(), true))
    yield* Ref.update(progress, (p) => ({
      ...p,
      jobs: p.jobs + 1,
      invalidSequences: p.invalidSequences + splitter.invalidSequences,
      truncatedLines: p.truncatedLines + splitter.truncatedLines,
    }))
  })

/** Reads every job of the source and publishes its chunks; succeeds with the final totals. */
export const ingestRequest = (
  request: Request,
  source: ResolvedSource,
  progress: Ref.Ref<IngestProgress>,
  options: IngestOptions = {},
) =>
  source.jobs.pipe(
    Stream.mapEffect((job) => ingestJob(request, source.buildId, job, progress, options), {
      concurrency: options.jobConcurrency ?? 4,
      unordered: true,
    }),
    Stream.runDrain,
    Effect.zipRight(Ref.get(progress)),
  )
