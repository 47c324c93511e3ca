// The broker topics of DESIGN.md and the schema of each topic's messages (memory and Kafka alike).
import { Schema } from "effect"
import { ChunkFindings } from "./Finding.js"
import { Insight } from "./Insight.js"
import { LogChunk } from "./LogChunk.js"
import { Request } from "./Request.js"

export interface Topic<A, I = unknown> {
  readonly name: string
  readonly schema: Schema.Schema<A, I>
}

const topic = <A, I>(name: string, schema: Schema.Schema<A, I>): Topic<A, I> => ({ name, schema })

export const Topics = {
  requests: topic("destill.requests", Request),
  logsRaw: topic("destill.logs.raw", LogChunk),
  /** One message per analyzed chunk: its findings and its place in the job (see DESIGN notes in README). */
  findings: topic("destill.analysis.findings", ChunkFindings),
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
