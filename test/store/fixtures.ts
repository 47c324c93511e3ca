// Requests and findings shaped like a real failed CI build, with ids unique to each test.
import { randomUUID } from "node:crypto"
import { Finding } from "../../src/domain/Finding.js"
import { Request, RequestId } from "../../src/domain/Request.js"

export const aRequest = (overrides: Partial<{ source: string; createdAt: number }> = {}) =>
  new Request({
    id: RequestId.make(`req-${randomUUID()}`),
    source: overrides.source ?? "./build.log",
    buildId: `build-${randomUUID().slice(0, 8)}`,
    outcome: "failed",
    createdAt: overrides.createdAt ?? Date.now(),
    options: { top: 10, context: 3, minConfidence: 0.2 },
  })

export const aFinding = (
  request: Request,
  rank: number,
  overrides: Partial<{ message: string; lines: ReadonlyArray<string>; confidence: number; id: string }> = {},
) =>
  new Finding({
    id: overrides.id ?? `${request.id}:${rank}`,
    requestId: request.id,
    rank,
    severity: rank === 1 ? "critical" : "error",
    confidence: overrides.confidence ?? 1 - rank / 100,
    lineStart: rank * 10,
    lineEnd: rank * 10 + 2,
    lines: overrides.lines ?? [
      `src/app/main.ts(${rank},5): error TS2322: Type 'string' is not assignable to type 'number'.`,
      "\tat Object.<anonymous> (src/app/main.ts:12:5)",
    ],
    message: overrides.message ?? `error TS2322 in main.ts (#${rank})`,
    context: { before: ["> tsc -p tsconfig.json"], after: ["npm ERR! code 2"] },
    occurrences: 1,
    hash: `hash-${rank}`,
    category: "tsc",
    signals: ["pattern:tsc-error +0.6", "rarity: one-off"],
    jobName: "build",
    jobOutcome: "failed",
  })
