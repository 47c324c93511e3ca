// Insights in the embedded store: kept beside the request's findings, read back whole, and reused by a
// later process for identical input.
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { storeWithInsightsLayer } from "../../layers/store/InsightSql.js"
import { insightForRequest } from "../../pipelines/insight/insightForRequest.js"
import { Finding } from "../../src/domain/Finding.js"
import { Request, RequestId } from "../../src/domain/Request.js"
import { InsightRepo } from "../../src/services/InsightRepo.js"
import { Store } from "../../src/services/Store.js"
import { answer, findings, recordingModel } from "./fixtures.js"

const tempDir = Effect.acquireRelease(
  Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "destill-insight-store-"))),
  (dir) => Effect.promise(() => fs.rm(dir, { recursive: true, force: true })),
)

const aRequest = (id: string) =>
  new Request({
    id: RequestId.make(id),
    source: "./build.log",
    buildId: "build-1",
    outcome: "failed",
    createdAt: Date.now(),
    options: { top: 10, context: 3, minConfidence: 0 },
  })

/** Record a request and its findings the way `destill analyze` does. */
const triaged = (id: string) =>
  Effect.gen(function* () {
    const store = yield* Store
    yield* store.createRequest(aRequest(id))
    const own = findings.map((f) => new Finding({ ...f, id: `${id}:${f.id}`, requestId: RequestId.make(id) }))
    yield* store.saveFindings(own)
    yield* store.finishRequest(id, "complete", {})
    return yield* store.findings(id)
  })

describe("insights in the PGlite store", () => {
  it.scoped(
    "keeps accepted and rejected insights and reuses an accepted one after a restart",
    () =>
      Effect.gen(function* () {
        const dataDir = path.join(yield* tempDir, "data")
        const storeLayer = () => storeWithInsightsLayer({ databaseUrl: undefined, dataDir })
        const good = recordingModel([{ value: answer() }])
        const bad = recordingModel([{ text: "no idea" }])

        const first = yield* Effect.gen(function* () {
          const stored = yield* triaged("req-a")
          const accepted = yield* insightForRequest("req-a", stored).pipe(Effect.provide(good.layer))
          const rejected = yield* insightForRequest("req-a", stored.slice(0, 1)).pipe(
            Effect.provide(bad.layer),
          )
          const repo = yield* InsightRepo
          const kept = yield* repo.forRequest("req-a")
          expect(kept.map((i) => i.status).sort()).toEqual(["accepted", "rejected"])
          const read = kept.find((i) => i.id === accepted.id)!
          // Everything survives the round trip: evidence, reasons, the prompt as sent, the cut.
          expect(read).toEqual(accepted)
          expect(kept.find((i) => i.id === rejected.id)!.reasons).toHaveLength(3)
          expect(Option.isNone(yield* repo.findAccepted(rejected.inputHash))).toBe(true)
          return accepted
        }).pipe(Effect.provide(storeLayer()))

        // A new process, another request over the same log: the stored answer is reused.
        const second = yield* Effect.gen(function* () {
          const stored = yield* triaged("req-b")
          return yield* insightForRequest("req-b", stored).pipe(Effect.provide(good.layer))
        }).pipe(Effect.provide(storeLayer()))
        expect(good.requests).toHaveLength(1)
        expect(second).toMatchObject({ requestId: "req-b", attempts: 0, summary: first.summary })
      }),
    120_000,
  )
})
