// A real PostgreSQL named by DATABASE_URL: the same SQL store and migrations, a pooled client.
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Duration, Layer, Redacted } from "effect"
import { StoreError } from "../../src/domain/errors.js"
import type { Store } from "../../src/services/Store.js"
import { SqlStoreLive } from "./SqlStore.js"
import { rootMessage } from "./storeError.js"

export interface PostgresOptions {
  readonly databaseUrl: string
  /** Connections in the pool; default 10. */
  readonly poolSize?: number
}

const parseUrl = (databaseUrl: string): URL | undefined => {
  try {
    const url = new URL(databaseUrl)
    return url.protocol === "postgres:" || url.protocol === "postgresql:" ? url : undefined
  } catch {
    return undefined
  }
}

export const PostgresClientLive = (
  options: PostgresOptions,
): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, StoreError> => {
  const url = parseUrl(options.databaseUrl)
  if (url === undefined) {
    // Never echo the value: it may carry a password.
    return Layer.fail(
      new StoreError({
        message: "DATABASE_URL is not a PostgreSQL URL; expected postgres://user:password@host:5432/database",
      }),
    )
  }
  // `host:port` for messages; never the user or password.
  const server = `${url.hostname || url.searchParams.get("host") || "localhost"}:${url.port || "5432"}`
  const password = decodeURIComponent(url.password)
  // Driver messages do not quote the URL, but a malformed one could end up in a parse error: scrub it.
  const scrub = (text: string) => (password === "" ? text : text.replaceAll(password, "***"))
  return PgClient.layer({
    url: Redacted.make(options.databaseUrl),
    maxConnections: options.poolSize ?? 10,
    connectTimeout: Duration.seconds(10),
    applicationName: "destill",
  }).pipe(
    Layer.mapError(
      (error) =>
        new StoreError({
          message: `cannot reach PostgreSQL at ${server} (DATABASE_URL): ${scrub(rootMessage(error))}`,
          cause: error,
        }),
    ),
  )
}

export const PostgresStoreLive = (options: PostgresOptions): Layer.Layer<Store, StoreError> =>
  SqlStoreLive.pipe(Layer.provide(PostgresClientLive(options)))
