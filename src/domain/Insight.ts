// A root-cause insight for one request: what broke, the log lines that show it, the fix, and a record
// of how it was made (provider, attempts, the exact prompt sent, what was cut to fit).
import { Schema } from "effect"
import { RequestId } from "./Request.js"

export const InsightStatus = Schema.Literal("accepted", "rejected")
export type InsightStatus = typeof InsightStatus.Type

export const InsightEvidenceLine = Schema.Struct({
  lineStart: Schema.Number,
  lineEnd: Schema.Number,
  quote: Schema.String,
})

/** What did not fit in the prompt, so a reader knows what the model did not see. */
export const InsightCut = Schema.Struct({
  /** Finding ids in the prompt. */
  included: Schema.Array(Schema.String),
  /** Finding ids left out: no room, beyond the limit, or repeats of a finding already included. */
  omitted: Schema.Array(Schema.String),
  /** Finding ids whose context or lines were shortened. */
  shortened: Schema.Array(Schema.String),
  /** Characters the findings part of the prompt could use (from the provider's context window). */
  maxChars: Schema.Number,
  redactions: Schema.Number,
  /** One readable line, empty when nothing was cut. */
  note: Schema.String,
})
export type InsightCut = typeof InsightCut.Type

export const InsightMessage = Schema.Struct({
  role: Schema.Literal("user", "assistant"),
  content: Schema.String,
})

/** The conversation as the model last saw it (redacted unless --no-redact), feedback turns included. */
export const InsightConversation = Schema.Struct({
  system: Schema.String,
  messages: Schema.Array(InsightMessage),
})
export type InsightConversation = typeof InsightConversation.Type

export class Insight extends Schema.Class<Insight>("Insight")({
  /** Stable: hash of request and input hash, so explaining a request again upserts the same row. */
  id: Schema.String,
  requestId: RequestId,
  /** Rejected insights keep every reason and are never shown as an explanation. */
  status: InsightStatus,
  summary: Schema.String,
  rootCause: Schema.String,
  category: Schema.String,
  evidence: Schema.Array(InsightEvidenceLine),
  suggestedFix: Schema.String,
  confidence: Schema.Number,
  provider: Schema.String,
  model: Schema.String,
  /** Model calls made for this insight; 0 when it was reused from an identical earlier input. */
  attempts: Schema.Number,
  /** Why attempts were rejected (all of them for a rejected insight). */
  reasons: Schema.Array(Schema.String),
  promptVersion: Schema.String,
  /** SHA-256 of prompt version, provider, model and the exact prompt: equal inputs reuse the insight. */
  inputHash: Schema.String,
  prompt: InsightConversation,
  cut: InsightCut,
  createdAt: Schema.Number,
}) {}
