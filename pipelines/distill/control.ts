// Asking a running job to pause from another process: the embedded store is locked by the running job, so
// the request is a file in the data dir (and, on PostgreSQL, the job's status too); the job polls both.
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import type { DistillRepoShape } from "../../src/services/DistillRepo.js"

export const pauseFile = (dataDir: string, jobId: string): string =>
  path.join(dataDir, "distill", `${jobId}.pause`)

export const requestPause = (dataDir: string, jobId: string): Effect.Effect<void> =>
  Effect.sync(() => {
    fs.mkdirSync(path.dirname(pauseFile(dataDir, jobId)), { recursive: true })
    fs.writeFileSync(pauseFile(dataDir, jobId), `${new Date().toISOString()}\n`)
  })

/** True once a pause was asked for; the request file is consumed so the next resume runs. */
export const pausePoll = (repo: DistillRepoShape, dataDir: string, jobId: string): Effect.Effect<boolean> =>
  Effect.gen(function* () {
    const file = pauseFile(dataDir, jobId)
    if (fs.existsSync(file)) {
      fs.rmSync(file, { force: true })
      return true
    }
    const job = yield* Effect.option(repo.getJob(jobId))
    return job._tag === "Some" && job.value._tag === "Some" && job.value.value.status === "paused"
  })

/** Before a run starts, a stale request from an earlier pause must not stop it at once. */
export const clearPause = (dataDir: string, jobId: string): Effect.Effect<void> =>
  Effect.sync(() => fs.rmSync(pauseFile(dataDir, jobId), { force: true }))
