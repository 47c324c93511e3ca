// The store a run uses: PostgreSQL when DATABASE_URL is set, else the embedded PGlite in the user's data dir.
// Each is loaded when a run asks for it: `pg` and PGlite take ~0.1 s to load, which a run without a store
// (`analyze --no-store`, `--help`) or with the other one never pays.
import { Effect, Layer } from "effect"
import type { SqlClient } from "@effect/sql"
import type { PgClient } from "@effect/sql-pg"
import * as os from "node:os"
import * as path from "node:path"
import type { StoreError, StoreLocked } from "../../src/domain/errors.js"
import type { Store } from "../../src/services/Store.js"
import { SqlStoreLive } from "./SqlStore.js"

export interface StoreConfig {
  readonly databaseUrl: string | undefined
  readonly dataDir: string
  readonly poolSize?: number
  readonly lockWaitMs?: number
}

/** The SQL connection the settings choose: PostgreSQL for a URL, else the embedded PGlite in the data dir. */
export const sqlClientLayer = (
  config: StoreConfig,
): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, StoreError | StoreLocked> => {
  const databaseUrl = config.databaseUrl
  return Layer.unwrapEffect(
    databaseUrl !== undefined && databaseUrl.trim() !== ""
      ? Effect.promise(() => import("./postgres.js")).pipe(
          Effect.map(({ PostgresClientLive }) =>
            PostgresClientLive({
              databaseUrl,
              ...(config.poolSize === undefined ? {} : { poolSize: config.poolSize }),
            }),
          ),
        )
      : Effect.promise(() => import("./pglite.js")).pipe(
          Effect.map(({ PgliteClientLive }) =>
            PgliteClientLive({
              dataDir: config.dataDir,
              ...(config.lockWaitMs === undefined ? {} : { lockWaitMs: config.lockWaitMs }),
            }),
          ),
        ),
  )
}

export const storeLayer = (config: StoreConfig): Layer.Layer<Store, StoreError | StoreLocked> =>
  SqlStoreLive.pipe(Layer.provide(sqlClientLayer(config)))

/**
 * The store plus its SqlClient, for the repositories of later capabilities (insights, datasets, the distributed
 * ledger) to build on: one connection (one PGlite, one lock) for all of them.
 */
export const storeWithSqlLayer = (
  config: StoreConfig,
): Layer.Layer<Store | PgClient.PgClient | SqlClient.SqlClient, StoreError | StoreLocked> =>
  Layer.provideMerge(SqlStoreLive, sqlClientLayer(config))

/** `$XDG_DATA_HOME/destill`, else `~/.local/share/destill` (XDG says to ignore a relative XDG_DATA_HOME). */
export const defaultDataDir = (env: NodeJS.ProcessEnv): string => {
  const xdg = env["XDG_DATA_HOME"]
  const base =
    xdg !== undefined && path.isAbsolute(xdg)
      ? xdg
      : path.join(env["HOME"] || os.homedir(), ".local", "share")
  return path.join(base, "destill")
}

export { SqlStoreLive, makeSqlStore } from "./SqlStore.js"
