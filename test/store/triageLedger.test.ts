// Distributed triage's bookkeeping on a real (embedded) PostgreSQL: one row per analysed chunk with its findings,
// redeliveries that change nothing, and a database written by an older destill carried over intact.
import { describe, expect, it } from "@effect/vitest"
import * as Migrator from "@effect/sql/Migrator"
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Option } from "effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { migrate, migrations } from "../../layers/store/migrations.js"
import { PgliteClientLive } from "../../layers/store/pglite.js"
import { TriageLedgerSqlLive } from "../../layers/store/TriageLedgerSql.js"
import { ChunkFindings } from "../../src/domain/Finding.js"
import { type CompletedRequest, TriageLedger } from "../../src/services/TriageLedger.js"
import { aFinding, aRequest } from "./fixtures.js"

const tempDir = Effect.acquireRelease(
  Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "destill-ledger-"))),
  (dir) => Effect.promise(() => fs.rm(dir, { recursive: true, force: true })),
)

const request = aRequest()
const chunk = (index: number, findings: number) =>
  new ChunkFindings({
    requestId: request.id,
    buildId: request.buildId,
    jobName: "build",
    chunkIndex: index,
    ...(index === 1 ? { totalChunks: 2 } : {}),
    lines: 5000,
    lastLine: (index + 1) * 5000,
    findings: Array.from({ length: findings }, (_, i) => aFinding(request, index * 10 + i + 1)),
  })

/** Finalizes the request and hands back what finalization was given. */
const finalize = Effect.gen(function* () {
  const ledger = yield* TriageLedger
  let completed: CompletedRequest | undefined
  const done = yield* ledger.finalizeWhenComplete(request.id, (c) => Effect.sync(() => (completed = c)))
  return { done, completed }
})

describe("TriageLedger on PostgreSQL", () => {
  it.scopedLive(
    "stores each analysed chunk once with its findings, however often it is delivered, until finalized",
    () =>
      Effect.gen(function* () {
        const dataDir = path.join(yield* tempDir, "data")
        const program = Effect.gen(function* () {
          yield* migrate
          const ledger = yield* TriageLedger
          yield* ledger.recordIngested(request.id, { lines: 10_000, bytes: 900_000, chunks: 2 })
          yield* ledger.recordChunks([chunk(0, 3), chunk(1, 2)])
          // at-least-once: the same chunk again, in a batch of its own and twice within one batch
          yield* ledger.recordChunks([chunk(1, 2)])
          yield* ledger.recordChunks([chunk(0, 3), chunk(0, 3)])
          const { done, completed } = yield* finalize
          expect(done).toBe(true)
          expect(completed?.chunks.map((c) => [c.chunkIndex, c.findings.length])).toEqual([
            [0, 3],
            [1, 2],
          ])
          expect(completed?.chunks[1]?.totalChunks).toBe(2)
          expect(completed?.chunks[0]?.findings[2]).toEqual(chunk(0, 3).findings[2])
          // finalized once: a second claim does nothing
          expect((yield* finalize).done).toBe(false)
          // the ranked result is what stays: staged chunks go, and a late redelivery is not staged again
          const sql = yield* SqlClient.SqlClient
          const staged = sql<{
            n: string
          }>`SELECT count(*) AS n FROM triage_chunks WHERE request_id = ${request.id}`
          expect((yield* staged)[0]?.n).toBe("0")
          yield* ledger.recordChunks([chunk(1, 2)])
          expect((yield* staged)[0]?.n).toBe("0")
          expect((yield* ledger.progress(request.id)).pipe(Option.map((p) => p.finalized))).toEqual(
            Option.some(true),
          )
        })
        yield* program.pipe(
          Effect.provide(TriageLedgerSqlLive.pipe(Layer.provideMerge(PgliteClientLive({ dataDir })))),
        )
      }),
  )

  it.scopedLive("carries over the findings an older destill staged one row per finding", () =>
    Effect.gen(function* () {
      const dataDir = path.join(yield* tempDir, "data")
      const before = Object.fromEntries(Object.entries(migrations).filter(([id]) => id < "0400"))
      const program = Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* Migrator.make({})({ loader: Migrator.fromRecord(before), table: "destill_migrations" })
        for (const c of [chunk(0, 3), chunk(1, 2)]) {
          yield* sql`INSERT INTO triage_chunks (request_id, job_name, chunk_index, build_id, total_chunks, lines, last_line)
            VALUES (${c.requestId}, ${c.jobName}, ${c.chunkIndex}, ${c.buildId}, ${c.totalChunks ?? null}, ${c.lines}, ${c.lastLine})`
          for (const f of c.findings)
            yield* sql`INSERT INTO triage_chunk_findings (id, request_id, job_name, chunk_index, finding)
              VALUES (${f.id}, ${c.requestId}, ${c.jobName}, ${c.chunkIndex}, ${JSON.stringify(f)}::jsonb)`
        }
        yield* (yield* TriageLedger).recordIngested(request.id, { lines: 10_000, bytes: 900_000, chunks: 2 })
        yield* migrate
        const { completed } = yield* finalize
        expect(completed?.chunks.map((c) => c.findings.map((f) => f.id))).toEqual([
          chunk(0, 3).findings.map((f) => f.id),
          chunk(1, 2).findings.map((f) => f.id),
        ])
      })
      yield* program.pipe(
        Effect.provide(TriageLedgerSqlLive.pipe(Layer.provideMerge(PgliteClientLive({ dataDir })))),
      )
    }),
  )
})
