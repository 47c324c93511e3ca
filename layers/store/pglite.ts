// The embedded default: PGlite in `<dataDir>/pgdata`, served on a private socket so @effect/sql-pg reaches it
// like any PostgreSQL; the data dir is locked for the layer's lifetime and closed cleanly (data flushed).
import * as Reactivity from "@effect/experimental/Reactivity"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { PGlite } from "@electric-sql/pglite"
import { PGLiteSocketServer } from "@electric-sql/pglite-socket"
import { Context, Duration, Effect, Layer } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { StoreError, type StoreLocked } from "../../src/domain/errors.js"
import type { Store } from "../../src/services/Store.js"
import { lockDataDir } from "./DataDirLock.js"
import { SqlStoreLive } from "./SqlStore.js"
import { rootMessage } from "./storeError.js"

export interface PgliteOptions {
  readonly dataDir: string
  /** How long a second process waits for the data dir before failing with StoreLocked; default 5 s. */
  readonly lockWaitMs?: number
}

// pg connects to `<host>/.s.PGSQL.<port>` when host is a directory; sockets paths are capped near 108 bytes.
const socketPort = 5432
const maxSocketPath = 100

const prepareDataDir = (dataDir: string) =>
  Effect.tryPromise({
    try: async () => {
      await fs.mkdir(dataDir, { recursive: true, mode: 0o700 })
      await fs.access(dataDir, fs.constants.W_OK)
    },
    catch: (error) =>
      new StoreError({
        message: `the data dir ${dataDir} cannot be created or written: ${rootMessage(error)}`,
        cause: error,
      }),
  })

const openPglite = (dataDir: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => PGlite.create(path.join(dataDir, "pgdata")),
      catch: (error) =>
        new StoreError({
          message: `cannot open the embedded store in ${dataDir}: ${rootMessage(error)}`,
          cause: error,
        }),
    }),
    (db) => Effect.promise(() => db.close()).pipe(Effect.ignore),
  )

/** Where the socket server listens and how pg reaches it. */
const endpointFor = (dataDir: string) => {
  const socketPath = path.join(dataDir, `.s.PGSQL.${socketPort}`)
  // A unix socket inside the (0700) data dir is private to its owner; loopback TCP is the fallback.
  return socketPath.length <= maxSocketPath
    ? ({ _tag: "Unix", socketPath, host: dataDir } as const)
    : ({ _tag: "Tcp", host: "127.0.0.1" } as const)
}

const serve = (db: PGlite, dataDir: string) => {
  const endpoint = endpointFor(dataDir)
  return Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        if (endpoint._tag === "Unix") {
          // We hold the lock, so a socket file here is left over from a process that died.
          await fs.rm(endpoint.socketPath, { force: true })
          // Two slots: pg may open its replacement connection before the old one's close is processed.
          const server = new PGLiteSocketServer({ db, path: endpoint.socketPath, maxConnections: 2 })
          await server.start()
          return { server, host: endpoint.host, port: socketPort }
        }
        const server = new PGLiteSocketServer({ db, host: endpoint.host, port: 0, maxConnections: 2 })
        await server.start()
        const port = Number(server.getServerConn().split(":").pop())
        return { server, host: endpoint.host, port }
      },
      catch: (error) =>
        new StoreError({
          message: `cannot serve the embedded store in ${dataDir}: ${rootMessage(error)}`,
          cause: error,
        }),
    }),
    ({ server }) => Effect.promise(() => server.stop()).pipe(Effect.ignore),
  )
}

/** A PgClient on the embedded store; scope close ends the client, then the server, then PGlite, then the lock. */
export const makePgliteClient = (options: PgliteOptions) =>
  Effect.gen(function* () {
    const { dataDir } = options
    yield* prepareDataDir(dataDir)
    yield* lockDataDir(dataDir, options.lockWaitMs ?? 5_000)
    const db = yield* openPglite(dataDir)
    const { host, port } = yield* serve(db, dataDir)
    return yield* PgClient.make({
      host,
      port,
      username: "postgres",
      database: "postgres",
      // PGlite is single-session: one connection, statements queued behind it.
      maxConnections: 1,
      connectTimeout: Duration.seconds(10),
      applicationName: "destill",
    }).pipe(
      Effect.provide(Reactivity.layer),
      Effect.mapError(
        (error) =>
          new StoreError({
            message: `cannot connect to the embedded store in ${dataDir}: ${rootMessage(error)}`,
            cause: error,
          }),
      ),
    )
  })

export const PgliteClientLive = (
  options: PgliteOptions,
): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, StoreError | StoreLocked> =>
  Layer.scopedContext(
    Effect.map(makePgliteClient(options), (client) =>
      Context.make(PgClient.PgClient, client).pipe(Context.add(SqlClient.SqlClient, client)),
    ),
  )

export const PgliteStoreLive = (options: PgliteOptions): Layer.Layer<Store, StoreError | StoreLocked> =>
  SqlStoreLive.pipe(Layer.provide(PgliteClientLive(options)))
