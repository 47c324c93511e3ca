// A slice of one job's log: ~500 KB of lines plus an overlap of the lines before it, keyed by build.
import { Schema } from "effect"
import { JobOutcome, RequestId } from "./Request.js"

/** Whole lines of raw UTF-8: empty, or ending with the `\n` of its last line as the chunker cut it. */
const ChunkBytes = Schema.Uint8ArrayFromSelf.pipe(
  Schema.filter((bytes) => bytes.length === 0 || bytes[bytes.length - 1] === 10, {
    message: () => "utf8 must end with a whole line (a newline)",
  }),
)

export class LogChunk extends Schema.Class<LogChunk>("LogChunk")({
  requestId: RequestId,
  buildId: Schema.String,
  jobName: Schema.String,
  jobOutcome: JobOutcome,
  /** 0-based position of this chunk within its job. */
  index: Schema.Number,
  /** 1-based line number of `lines[0]` (the first overlap line, if any). */
  firstLine: Schema.Number,
  /** How many leading lines are overlap owned by the previous chunk (context only). */
  overlap: Schema.Number,
  /** Raw lines without their terminators, original text (ANSI, timestamps, lone \r kept). */
  lines: Schema.Array(Schema.String),
  /** Bytes of the owned lines, terminators included. */
  bytes: Schema.Number,
  /** Context lines to keep before and after each finding (the request's --context). */
  context: Schema.Number,
  /** Set on the job's final chunk: the number of chunks the job produced. */
  totalChunks: Schema.optional(Schema.Number),
  /**
   * The chunk's lines as raw UTF-8, each terminated by `\n`, in place of `lines` (then empty): the reading side
   * never decodes text, the scoring thread decodes only the lines it reads. Kafka carries them raw, after the JSON of the other fields.
   */
  utf8: Schema.optional(ChunkBytes),
}) {}
