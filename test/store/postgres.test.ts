// The same store against a real PostgreSQL server started for this suite, and what a bad DATABASE_URL says.
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { freePort } from "../../bench/embeddedPostgres.js"
import { storeLayer } from "../../layers/store/index.js"
import { PostgresStoreLive } from "../../layers/store/postgres.js"
import { PostgresTestServer } from "../support/postgres.js"
import { storeBehaviour } from "./storeBehaviour.js"

storeBehaviour(
  "PostgreSQL store",
  Layer.unwrapEffect(
    Effect.map(PostgresTestServer, (server) =>
      PostgresStoreLive({ databaseUrl: server.rawUrl, poolSize: 4 }),
    ),
  ).pipe(Layer.provide(PostgresTestServer.layer())),
)

/** A loopback port nobody listens on. */
const closedPort = Effect.promise(freePort)

describe("PostgreSQL store from DATABASE_URL", () => {
  it.live("says which server it cannot reach, without the password", () =>
    Effect.gen(function* () {
      const port = yield* closedPort
      const databaseUrl = `postgres://destill:s3cret-pw@127.0.0.1:${port}/destill`
      const error = yield* Effect.flip(
        Layer.build(storeLayer({ databaseUrl, dataDir: "/nonexistent/unused" })).pipe(Effect.scoped),
      )
      expect(error._tag).toBe("StoreError")
      expect(error.message).toMatch(
        new RegExp(`^cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port} \\(DATABASE_URL\\): `),
      )
      expect(error.message).toContain("ECONNREFUSED")
      expect(error.message).not.toContain("s3cret-pw")
      expect(error.message).not.toContain("\n")
    }),
  )

  it.live("rejects a DATABASE_URL that is not a PostgreSQL URL, without echoing it", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Layer.build(
          storeLayer({ databaseUrl: "mysql://root:hunter2@db/app", dataDir: "/nonexistent/unused" }),
        ).pipe(Effect.scoped),
      )
      expect(error.message).toBe(
        "DATABASE_URL is not a PostgreSQL URL; expected postgres://user:password@host:5432/database",
      )
    }),
  )
})
