import { Schema } from "effect"

/** What a triage run read and how long it took: part of the JSON contract. */
export const RunStats = Schema.Struct({
  lines: Schema.Number,
  bytes: Schema.Number,
  chunks: Schema.Number,
  durationMs: Schema.Number,
})
export type RunStats = typeof RunStats.Type
