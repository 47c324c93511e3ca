// The broker topics of DESIGN.md and the schema of each topic's messages (memory and Kafka alike).
import { Schema } from "effect"
import { ChunkFindingsRecord } from "./Finding.js"
import { Insight } from "./Insight.js"
import { LogChunk } from "./LogChunk.js"
import { Request } from "./Request.js"

export interface Topic<A, I = unknown> {
  readonly name: string
  readonly schema: Schema.Schema<A, I>
  /**
   * A bytes field that a serialising broker sends as it is, after the JSON of the other fields, instead of
   * inside it (see the Kafka codec): a log chunk's text is neither escaped nor base64'd on its way.
   */
  readonly payload?: string
}

const topic = <A, I>(name: string, schema: Schema.Schema<A, I>, payload?: string): Topic<A, I> =>
  payload === undefined ? { name, schema } : { name, schema, payload }

export const Topics = {
  requests: topic("destill.requests", Request),
  logsRaw: topic("destill.logs.raw", LogChunk, "utf8"),
  /** One message per analyzed chunk: its findings and its place in the job (see DESIGN notes in README). */
  findings: topic("destill.analysis.findings", ChunkFindingsRecord),
  /** One message per explained request (`destill agent insight`), keyed by request id. */
  insights: topic("destill.insights", Insight),
} as const

export const DeadLetter = Schema.Struct({
  topic: Schema.String,
  key: Schema.String,
  value: Schema.String,
  error: Schema.String,
  at: Schema.Number,
})
export type DeadLetter = typeof DeadLetter.Type
export const dlqTopic = "destill.dlq"
