// An exclusive, pid-stamped lock file on the embedded store's data dir, so two processes never open one PGlite.
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { Effect, Schedule, type Scope } from "effect"
import { StoreError, StoreLocked } from "../../src/domain/errors.js"

/** Dirs this process holds: a lock naming our own pid that is not in here was left by an earlier life. */
const heldHere = new Set<string>()

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

type Attempt = { readonly _tag: "Taken" } | { readonly _tag: "Held"; readonly pid: number }

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code

const tryTake = (lockFile: string, dataDir: string): Promise<Attempt> =>
  fs.writeFile(lockFile, `${process.pid}\n`, { flag: "wx", mode: 0o644 }).then(
    () => ({ _tag: "Taken" }),
    async (error: unknown): Promise<Attempt> => {
      if (errorCode(error) !== "EEXIST") throw error
      const content = await fs.readFile(lockFile, "utf8").catch(() => "")
      const pid = Number.parseInt(content.trim(), 10)
      // An empty file is a holder between create and write, unless it has stayed empty for a while.
      if (!Number.isInteger(pid) || pid <= 0) {
        const age = await fs.stat(lockFile).then(
          (stat) => Date.now() - stat.mtimeMs,
          () => undefined,
        )
        // Gone meanwhile: the holder released it, so simply try again.
        if (age === undefined) return tryTake(lockFile, dataDir)
        if (age < 2_000) return { _tag: "Held", pid: 0 }
      } else if (pid === process.pid ? heldHere.has(dataDir) : isAlive(pid)) return { _tag: "Held", pid }
      // Stale: re-read right before removing so we never delete a lock someone else just took over.
      const again = await fs.readFile(lockFile, "utf8").catch(() => "")
      if (again === content) await fs.rm(lockFile, { force: true })
      return tryTake(lockFile, dataDir)
    },
  )

const release = (lockFile: string, dataDir: string) =>
  Effect.promise(async () => {
    heldHere.delete(dataDir)
    const content = await fs.readFile(lockFile, "utf8").catch(() => "")
    if (Number.parseInt(content.trim(), 10) === process.pid) await fs.rm(lockFile, { force: true })
  })

/**
 * Hold `<dataDir>/lock` for the current scope. While another live process holds it, poll for up to
 * `waitMs`, then fail with StoreLocked naming that process.
 */
export const lockDataDir = (
  dataDir: string,
  waitMs: number,
): Effect.Effect<void, StoreLocked | StoreError, Scope.Scope> => {
  const lockFile = path.join(dataDir, "lock")
  const attempt = Effect.tryPromise({
    try: () => tryTake(lockFile, dataDir),
    catch: (error) =>
      new StoreError({
        message: `cannot lock the data dir ${dataDir}: ${(error as Error).message ?? String(error)}`,
        cause: error,
      }),
  }).pipe(
    Effect.flatMap((result) =>
      result._tag === "Taken" ? Effect.void : Effect.fail(new StoreLocked({ dataDir, pid: result.pid })),
    ),
  )
  const pollMs = 100
  return Effect.acquireRelease(
    attempt.pipe(
      Effect.retry({
        schedule: Schedule.spaced(pollMs),
        times: Math.max(0, Math.ceil(waitMs / pollMs)),
        while: (error) => error._tag === "StoreLocked",
      }),
      Effect.tap(() => Effect.sync(() => heldHere.add(dataDir))),
    ),
    () => release(lockFile, dataDir),
  )
}
