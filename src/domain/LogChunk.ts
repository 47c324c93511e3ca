// A slice of one job's log: ~500 KB of lines plus an overlap of the lines before it, keyed by build.
import { Schema } from "effect"
import { JobOutcome, RequestId } from "./Request.js"

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
   * In-process only (local mode): the chunk's lines as raw UTF-8, each terminated by `\n`, in place of `lines`
   * (then empty). Lets the reading thread hand bytes to a scoring thread without decoding them itself.
   */
  utf8: Schema.optional(Schema.Uint8ArrayFromSelf),
}) {}
