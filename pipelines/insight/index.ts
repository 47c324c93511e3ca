// The insight pipeline: findings in, a validated (or rejected, with reasons) root-cause insight out.
export * from "./attempts.js"
export * from "./budget.js"
export * from "./group.js"
export * from "./insightForRequest.js"
