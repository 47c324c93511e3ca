// Pure insight code: the answer schema, prompt packing, redaction and grounding validation.
export * from "./InsightAnswer.js"
export * from "./prompt.js"
export * from "./redact.js"
export * from "./validate.js"
