// The structured answer a model gives for a failure: what broke, the log lines that show it, and the fix.
import { Schema } from "effect"

export const InsightEvidence = Schema.Struct({
  /** 1-based line numbers in the log, as shown in the prompt. */
  lineStart: Schema.Number,
  lineEnd: Schema.Number,
  /** Text copied from those lines; validation checks it really occurs there. */
  quote: Schema.String,
})
export type InsightEvidence = typeof InsightEvidence.Type

export const InsightAnswer = Schema.Struct({
  summary: Schema.String,
  rootCause: Schema.String,
  category: Schema.String,
  evidence: Schema.Array(InsightEvidence),
  suggestedFix: Schema.String,
  /** 0..1: how sure the model is. */
  confidence: Schema.Number,
})
export type InsightAnswer = typeof InsightAnswer.Type
