// `destill view [request-id]`: show past requests, or one request's findings, from the store.
import { Args, Command } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { type StoredRequest, Store } from "../../services/Store.js"
import { headerText } from "../format/text.js"
import type { Report } from "../format/report.js"
import { storeFromSettings } from "../layers.js"
import { dataDir, formatOrLive } from "../options.js"
import { printReport } from "../output.js"
import { findRequest } from "../findRequest.js"

const requestId = Args.text({ name: "request-id" }).pipe(
  Args.withDescription("The request to show (a prefix is enough); without it, the list of past requests."),
  Args.optional,
)

const listRequests = (json: boolean) =>
  Effect.gen(function* () {
    const store = yield* Store
    const requests = yield* store.listRequests(50)
    if (json) {
      return yield* Console.log(
        JSON.stringify(
          requests.map((r) => ({
            requestId: r.request.id,
            source: r.request.source,
            createdAt: new Date(r.request.createdAt).toISOString(),
            status: r.status,
            stats: r.stats,
            topFinding: r.topMessage,
          })),
          null,
          2,
        ),
      )
    }
    if (requests.length === 0) return yield* Console.log("no requests yet: run destill analyze <log> first")
    for (const r of requests) {
      const when = new Date(r.request.createdAt).toISOString().replace("T", " ").slice(0, 19)
      yield* Console.log(
        `${r.request.id.slice(0, 8)}  ${when}  ${r.status.padEnd(9)} ${r.request.source}${r.topMessage ? `\n          ${r.topMessage.slice(0, 100)}` : ""}`,
      )
    }
  })

const reportOf = (stored: StoredRequest, findings: Report["findings"]): Report => ({
  requestId: stored.request.id,
  source: stored.request.source,
  status: stored.status,
  stats: stored.stats ?? { lines: 0, bytes: 0, chunks: 0, durationMs: 0 },
  findings,
  ...(stored.error ? { warnings: [`this request ${stored.status}: ${stored.error}`] } : {}),
})

/** The browser on a terminal: requests from the store, each opened on demand. */
const browse = (initial: StoredRequest | undefined) =>
  Effect.gen(function* () {
    const store = yield* Store
    const requests = yield* store.listRequests(200)
    const open = (stored: StoredRequest) =>
      store
        .findings(stored.request.id)
        .pipe(Effect.map((findings) => ({ title: headerText(reportOf(stored, findings)), findings })))
    const openById = (id: string) =>
      Effect.runPromise(
        store
          .getRequest(id)
          .pipe(
            Effect.flatMap((found) =>
              Option.isSome(found) ? open(found.value) : Effect.fail(new Error(`no request ${id}`)),
            ),
          ),
      )
    const first = initial ? yield* open(initial) : undefined
    const { runBrowser } = yield* Effect.promise(() => import("../../ui/session.js"))
    yield* runBrowser({
      requests: requests.map((r) => ({
        id: r.request.id,
        source: r.request.source,
        createdAt: r.request.createdAt,
        status: r.status,
        topMessage: r.topMessage,
      })),
      open: openById,
      ...(first ? { initial: first } : {}),
    })
  })

export const viewCommand = Command.make("view", { requestId, format: formatOrLive, dataDir }, (args) =>
  Effect.gen(function* () {
    const store = yield* Store
    const onScreen = Option.isNone(args.format) && process.stdout.isTTY === true
    const format = Option.getOrElse(args.format, () => "text" as const)
    if (Option.isNone(args.requestId)) {
      return yield* onScreen ? browse(undefined) : listRequests(format === "json")
    }
    const wanted = args.requestId.value
    const stored = yield* findRequest(wanted)
    if (onScreen) return yield* browse(stored)
    const findings = yield* store.findings(stored.request.id)
    yield* printReport(reportOf(stored, findings), format)
  }).pipe(Effect.provide(storeFromSettings({ noStore: false, dataDir: args.dataDir }))),
).pipe(Command.withDescription("Show past requests, or the findings of one request, from the store."))
