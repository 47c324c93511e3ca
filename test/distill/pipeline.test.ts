// A whole job on the scripted teacher and a real embedded store: invalid, truncated, duplicate answers are
// retried with feedback or rejected with every reason, the output holds each accepted sample exactly once.
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe } from "vitest"
import { layerScripted, type ScriptedReply } from "../../layers/provider/scripted.js"
import { runJob, submitJob } from "../../pipelines/distill/run.js"
import type { JobSpec } from "../../src/domain/Distill.js"
import { DistillRepo } from "../../src/services/DistillRepo.js"
import type { GenerateRequest } from "../../src/services/LanguageModel.js"
import { isRetry, repoLayer, simpleAnswer, taskKey, tempDir } from "./fixtures.js"

const dir = tempDir("destill-distill-")
const feedbackSeen: Array<string> = []

const teacher = (request: GenerateRequest<unknown, unknown>): ScriptedReply => {
  const key = taskKey(request)
  const retry = isRetry(request)
  if (retry) feedbackSeen.push(request.messages[request.messages.length - 1]!.content)
  if (key === "billing-1") return { text: "Sure! Here is a great question about billing for you." }
  if (key === "shipping-1" && !retry) return { truncated: '{"instruction": "Where is my parcel? It has been' }
  if (key === "refunds-1" && !retry) return { value: simpleAnswer("billing-0") }
  if (key === "refunds-2") {
    const near = simpleAnswer("shipping-0")
    return { value: { ...near, response: near.response.replace("Here is", "This is") } }
  }
  return { value: simpleAnswer(retry ? `${key}/retry` : key) }
}

const spec: JobSpec = {
  name: "support-qa",
  template: "simple",
  target: 12,
  seeds: { topics: ["billing", "shipping", "refunds"] },
  providers: [{ type: "scripted" }],
  concurrency: 4,
  maxAttempts: 3,
  validators: { nearDuplicate: 0.8 },
  output: path.join(dir, "out", "support-qa.jsonl"),
}

const layer = Layer.merge(repoLayer(dir), layerScripted({ script: (request) => teacher(request) }))

describe("a distill job", () => {
  it.layer(layer, { timeout: 120_000 })((it) => {
    it.effect("reaches the target, retrying with feedback and rejecting with every reason", () =>
      Effect.gen(function* () {
        const repo = yield* DistillRepo
        yield* submitJob(spec)
        const outcome = yield* runJob("support-qa")
        expect(outcome.status).toBe("done")
        expect(outcome.counts.accepted).toBe(12)
        expect(outcome.counts.rejected).toBe(2)

        const lines = fs.readFileSync(spec.output, "utf8").trimEnd().split("\n")
        const ids = lines.map((line) => (JSON.parse(line) as { id: string }).id)
        expect(lines).toHaveLength(12)
        expect(new Set(ids).size).toBe(12)
        expect(ids).not.toContain("support-qa-0000003")

        const rejections = yield* repo.rejections("support-qa", -1, 10)
        const invalid = rejections.find((r) => r.seed["topic"] === "billing" && r.seed["variation"] === 1)!
        expect(invalid.reasons).toHaveLength(3)
        expect(invalid.reasons[0]).toContain("not a JSON object")
        const near = rejections.find((r) => r.seed["topic"] === "refunds" && r.seed["variation"] === 2)!
        expect(near.reasons.join(" ")).toMatch(/% similar to sample support-qa-0000001/)

        const truncated = yield* repo.attempts("support-qa", 4)
        expect(truncated.map((a) => a.finish)).toEqual(["truncated", "stop"])
        expect(truncated[0]!.reasons![0]).toContain("cut off")
        expect(feedbackSeen.some((f) => f.includes("cut off"))).toBe(true)
        expect(feedbackSeen.some((f) => f.includes("is the same as sample"))).toBe(true)
      }),
    )

    it.effect("continues a finished job without generating or writing anything again", () =>
      Effect.gen(function* () {
        const again = yield* submitJob(spec)
        expect(again.created).toBe(false)
        const outcome = yield* runJob("support-qa")
        expect(outcome.counts.accepted).toBe(12)
        expect(outcome.reconciled.appended).toBe(0)
        expect(fs.readFileSync(spec.output, "utf8").trimEnd().split("\n")).toHaveLength(12)
      }),
    )

    it.effect("refuses a different job under the same name unless restarted", () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(submitJob({ ...spec, target: 20 }))
        expect(error.message).toContain("destill distill resume support-qa")
      }),
    )
  })
})
