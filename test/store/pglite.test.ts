// The embedded PGlite store: the shared behaviour, plus what only a data dir on disk has (reopen, locking).
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Option, Scope } from "effect"
import { spawn } from "node:child_process"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { PgliteStoreLive } from "../../layers/store/pglite.js"
import { Store } from "../../src/services/Store.js"
import { aFinding, aRequest } from "./fixtures.js"
import { storeBehaviour } from "./storeBehaviour.js"

const tempDir = Effect.acquireRelease(
  Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "destill-store-"))),
  (dir) => Effect.promise(() => fs.rm(dir, { recursive: true, force: true })),
)

storeBehaviour(
  "PGlite store",
  Layer.unwrapScoped(Effect.map(tempDir, (dir) => PgliteStoreLive({ dataDir: path.join(dir, "data") }))),
)

/** Another process on this machine, alive until the test ends it. */
const anotherProcess = Effect.acquireRelease(
  Effect.sync(() => spawn(process.execPath, ["-e", "setTimeout(() => {}, 120000)"], { stdio: "ignore" })),
  (child) => Effect.sync(() => child.kill("SIGKILL")),
)

/** The pid of a process that has already exited. */
const deadPid = Effect.async<number>((resume) => {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" })
  child.once("exit", () => resume(Effect.succeed(child.pid ?? 999_999)))
})

describe("PGlite store on disk", () => {
  it.scopedLive(
    "keeps a run's findings after the store is closed and opened again",
    () =>
      Effect.gen(function* () {
        const dataDir = path.join(yield* tempDir, "nested", "destill")
        const request = aRequest()
        yield* Effect.gen(function* () {
          const store = yield* Store
          yield* store.createRequest(request)
          yield* store.saveFindings([aFinding(request, 1), aFinding(request, 2)])
          yield* store.finishRequest(request.id, "complete", {})
        }).pipe(Effect.provide(PgliteStoreLive({ dataDir })))

        const [stored, findings] = yield* Effect.gen(function* () {
          const store = yield* Store
          return [yield* store.getRequest(request.id), yield* store.findings(request.id)] as const
        }).pipe(Effect.provide(PgliteStoreLive({ dataDir })))
        expect(Option.map(stored, (entry) => entry.status)).toEqual(Option.some("complete"))
        expect(findings.map((finding) => finding.rank)).toEqual([1, 2])
      }),
    120_000,
  )

  it.scopedLive(
    "makes a second open wait, then name the process holding the data dir",
    () =>
      Effect.gen(function* () {
        const dataDir = yield* tempDir
        const scope = yield* Scope.make()
        yield* Layer.buildWithScope(PgliteStoreLive({ dataDir }), scope)

        const second = yield* Effect.flip(Layer.build(PgliteStoreLive({ dataDir, lockWaitMs: 300 })))
        expect(second._tag).toBe("StoreLocked")
        expect(second.message).toContain(`in use by process ${process.pid}`)

        // Once the first closes, the data dir is free again.
        yield* Scope.close(scope, Exit.void)
        const store = yield* Layer.build(PgliteStoreLive({ dataDir, lockWaitMs: 300 }))
        expect(Option.isSome(Option.fromNullable(store))).toBe(true)
      }),
    120_000,
  )

  it.scopedLive("fails with StoreLocked naming another live process that holds the lock", () =>
    Effect.gen(function* () {
      const dataDir = yield* tempDir
      const holder = yield* anotherProcess
      yield* Effect.promise(() => fs.writeFile(path.join(dataDir, "lock"), `${holder.pid}\n`))

      const error = yield* Effect.flip(Layer.build(PgliteStoreLive({ dataDir, lockWaitMs: 200 })))
      expect(error).toMatchObject({ _tag: "StoreLocked", dataDir, pid: holder.pid })
      expect(error.message).toBe(
        `the data dir ${dataDir} is in use by process ${holder.pid}; wait for it to finish, or pass --data-dir DIR or --no-store`,
      )
    }),
  )

  it.scopedLive(
    "takes over a lock left by a process that died",
    () =>
      Effect.gen(function* () {
        const dataDir = yield* tempDir
        const lockFile = path.join(dataDir, "lock")
        yield* Effect.promise(async () => fs.writeFile(lockFile, `${await Effect.runPromise(deadPid)}\n`))

        yield* Effect.scoped(
          Effect.gen(function* () {
            const store = yield* Store
            yield* store.listRequests(1)
            expect((yield* Effect.promise(() => fs.readFile(lockFile, "utf8"))).trim()).toBe(
              String(process.pid),
            )
          }).pipe(Effect.provide(PgliteStoreLive({ dataDir, lockWaitMs: 200 }))),
        )
        // Closing the store releases the lock.
        expect(
          yield* Effect.promise(() =>
            fs.access(lockFile).then(
              () => true,
              () => false,
            ),
          ),
        ).toBe(false)
      }),
    120_000,
  )

  it.scopedLive("names the data dir when it cannot be created", () =>
    Effect.gen(function* () {
      const blocker = path.join(yield* tempDir, "a-file")
      yield* Effect.promise(() => fs.writeFile(blocker, "not a directory"))
      const dataDir = path.join(blocker, "destill")

      const error = yield* Effect.flip(Layer.build(PgliteStoreLive({ dataDir })))
      expect(error._tag).toBe("StoreError")
      expect(error.message).toMatch(new RegExp(`^the data dir ${dataDir} cannot be created or written: `))
      expect(error.message).not.toContain("\n")
    }),
  )
})
