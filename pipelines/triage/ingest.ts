// The ingest agent's work for one request: source bytes → 500 KB chunks of whole lines, published to
// destill.logs.raw as raw UTF-8 (shared with the scoring threads in-process, copied for a broker).
import { Effect, Ref, Stream } from "effect"
import { InputError } from "../../src/domain/errors.js"
import { LogChunk } from "../../src/domain/LogChunk.js"
import type { Request } from "../../src/domain/Request.js"
import { Topics } from "../../src/domain/topics.js"
import { ByteChunker, type ByteSlice } from "../../src/triage/byteChunk.js"
import type { ChunkLimits } from "../../src/triage/chunk.js"
import { releaseChunkBuffer } from "../../src/triage/chunkBuffers.js"
import { decodeLines } from "../../src/triage/chunkText.js"
import { SplitRejection, type SplitLimits, defaultSplitLimits } from "../../src/triage/split.js"
import { Broker } from "../../src/services/Broker.js"
import type { ByteReader, ResolvedSource, SourceJob } from "../../src/services/LogSource.js"

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
  /**
   * How chunks travel. `utf8` (default): raw UTF-8 that the scoring side decodes, in a buffer of the chunk's own
   * when the broker keeps the values it is given (in memory); a broker that serialises them on publish (Kafka)
   * is lent the chunker's recycled buffer instead, taken back once publish returns. `shared`: the bytes left in
   * the chunker's recycled shared memory, for an in-process broker whose scoring threads hand the buffer back
   * (see chunkBuffers). `lines`: decoded here. Lines cut at a non-default length are always decoded here, where
   * the cut is known.
   */
  readonly transport?: "lines" | "utf8" | "shared"
}

/** A chunk's place and payload, without the request and job fields every chunk of a job shares. */
type ChunkBody = Pick<
  LogChunk,
  "index" | "firstLine" | "overlap" | "lines" | "bytes" | "totalChunks" | "utf8"
>

const asLines =
  (keep: number) =>
  ({ utf8, ...slice }: ByteSlice): ChunkBody => {
    const lines = decodeLines(utf8, keep)
    releaseChunkBuffer(utf8)
    return { ...slice, lines }
  }
const asShared = (slice: ByteSlice): ChunkBody => ({ ...slice, lines: [] })
const asUtf8 = ({ utf8, ...slice }: ByteSlice): ChunkBody => {
  // a broker may hold the chunk after publish returns (in memory, or in a send batch): give it bytes of its own
  const own = utf8.slice()
  releaseChunkBuffer(utf8)
  return { ...slice, lines: [], utf8: own }
}

/**
 * Bytes in, chunk bodies out. Chunks are cut the same way whichever way they travel. `lent`: bodies whose bytes
 * go back to the chunker's buffers once published.
 */
const readerOf = (options: IngestOptions, copiesOnPublish: boolean) => {
  const limits = options.splitLimits ?? defaultSplitLimits
  const chunker = new ByteChunker(limits, options.chunkLimits)
  const transport = options.transport ?? "utf8"
  // the scoring side decodes with the default cut of long lines: another cut is applied here instead
  const decoded = transport === "lines" || limits.keepLineChars !== defaultSplitLimits.keepLineChars
  const lent = !decoded && transport === "utf8" && copiesOnPublish
  const body = decoded ? asLines(limits.keepLineChars) : transport === "shared" || lent ? asShared : asUtf8
  const bodies = (slices: Array<ByteSlice> | SplitRejection) =>
    slices instanceof SplitRejection ? slices : slices.map(body)
  return {
    chunker,
    lent,
    push: (bytes: Uint8Array) => bodies(chunker.push(bytes)),
    /** Reads straight into the chunk being filled (see ByteChunker.room); null at the end of the input. */
    readInto: (read: ByteReader) => {
      const { target, offset, length } = chunker.room(READ_BYTES)
      return Effect.map(read(target, offset, length), (n) => (n === 0 ? null : bodies(chunker.received(n))))
    },
    end: () => bodies(chunker.end()),
  }
}

/** Bytes asked of a source per read when it reads straight into the chunks. */
const READ_BYTES = 1024 * 1024

const ingestJob = (
  request: Request,
  buildId: string,
  job: SourceJob,
  progress: Ref.Ref<IngestProgress>,
  options: IngestOptions,
) =>
  Effect.gen(function* () {
    const broker = yield* Broker
    const reader = readerOf(options, broker.copiesOnPublish)
    const counts = reader.chunker
    let bytesSeen = 0
    let linesSeen = 0
    yield* Ref.update(progress, (p) =>
      job.sizeHint === undefined
        ? { ...p, unsizedJobs: p.unsizedJobs + 1 }
        : { ...p, expectedBytes: p.expectedBytes + job.sizeHint },
    )
    const toChunk = (body: ChunkBody) =>
      new LogChunk(
        {
          requestId: request.id,
          buildId,
          jobName: job.name,
          jobOutcome: job.outcome,
          index: body.index,
          firstLine: body.firstLine,
          overlap: body.overlap,
          lines: body.lines,
          bytes: body.bytes,
          context: request.options.context,
          ...(body.totalChunks === undefined ? {} : { totalChunks: body.totalChunks }),
          ...(body.utf8 === undefined ? {} : { utf8: body.utf8 }),
        },
        // Built from values this function controls: skip re-validating thousands of lines per chunk.
        true,
      )
    const publish = (bodies: Array<ChunkBody> | SplitRejection) =>
      Effect.gen(function* () {
        if (bodies instanceof SplitRejection) {
          return yield* new InputError({ message: `${job.name}: ${bodies.reason}` })
        }
        const read = counts.bytes - bytesSeen
        const lines = counts.lines - linesSeen
        bytesSeen = counts.bytes
        linesSeen = counts.lines
        yield* Ref.update(progress, (p) => ({
          ...p,
          bytes: p.bytes + read,
          lines: p.lines + lines,
          chunks: p.chunks + bodies.length,
        }))
        if (bodies.length > 0) {
          yield* broker.publish(
            Topics.logsRaw,
            bodies.map((body) => ({ key: buildId, value: toChunk(body) })),
          )
          if (reader.lent) for (const body of bodies) releaseChunkBuffer(body.utf8)
        }
      })
    if (job.openReader === undefined)
      yield* Stream.runForEach(job.bytes, (bytes) => Effect.suspend(() => publish(reader.push(bytes))))
    else {
      // a plain file: its bytes go straight into the chunks' buffers, never through a read buffer
      yield* Effect.scoped(
        Effect.flatMap(job.openReader, (readBytes) =>
          Effect.iterate(true, {
            while: (more) => more,
            body: () =>
              Effect.flatMap(
                Effect.suspend(() => reader.readInto(readBytes)),
                (bodies) => (bodies === null ? Effect.succeed(false) : Effect.as(publish(bodies), true)),
              ),
          }),
        ),
      )
    }
    yield* Effect.suspend(() => publish(reader.end()))
    yield* Ref.update(progress, (p) => ({
      ...p,
      jobs: p.jobs + 1,
      invalidSequences: p.invalidSequences + counts.invalidSequences,
      truncatedLines: p.truncatedLines + counts.truncatedLines,
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
