// `destill view [request-id]`: show past requests, or one request's findings, from the store.
import { Args, Command } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import type { Insight } from "../../domain/Insight.js"
import { InsightRepo } from "../../services/InsightRepo.js"
import { type StoredRequest, Store } from "../../services/Store.js"
import { headerText } from "../format/text.js"
import type { Report } from "../format/report.js"
import { insightStoreFromSettings } from "./insightOptions.js"
import { dataDir, formatOrLive } from "../options.js"
import { printReport } from "../output.js"
import { findRequest } from "../findRequest.js"
import { loadUi } from "../../ui/load.js"

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

/**
 * The insight to show beside a request's findings (from `--explain`, `destill explain` or the insight agent): the
 * newest accepted one, else the newest rejected one so the user sees why there is none.
 */
export const shownInsights = (insights: ReadonlyArray<Insight>): ReadonlyArray<Insight> => {
  const shown = insights.find((i) => i.status === "accepted") ?? insights[0]
  return shown ? [shown] : []
}

const reportOf = (
  stored: StoredRequest,
  findings: Report["findings"],
  insights: ReadonlyArray<Insight>,
): Report => ({
  requestId: stored.request.id,
  source: stored.request.source,
  status: stored.status,
  stats: stored.stats ?? { lines: 0, bytes: 0, chunks: 0, durationMs: 0 },
  findings,
  ...(insights.length > 0 ? { insights } : {}),
  ...(stored.error ? { warnings: [`this request ${stored.status}: ${stored.error}`] } : {}),
})

/** A stored request as the report and the browser show it: its findings and its insight, read together. */
const readRequest = (stored: StoredRequest) =>
  Effect.gen(function* () {
    const findings = yield* (yield* Store).findings(stored.request.id)
    const insights = shownInsights(yield* (yield* InsightRepo).forRequest(stored.request.id))
    return reportOf(stored, findings, insights)
  })

/** The browser on a terminal: requests from the store, each opened on demand. */
const browse = (initial: StoredRequest | undefined) =>
  Effect.gen(function* () {
    const store = yield* Store
    const context = yield* Effect.context<Store | InsightRepo>()
    const requests = yield* store.listRequests(200)
    const open = (stored: StoredRequest) =>
      Effect.map(readRequest(stored), (report) => ({
        title: headerText(report),
        findings: report.findings,
        ...(report.insights?.[0] ? { insight: report.insights[0] } : {}),
      }))
    const openById = (id: string) =>
      Effect.runPromise(
        store.getRequest(id).pipe(
          Effect.flatMap((found) =>
            Option.isSome(found) ? open(found.value) : Effect.fail(new Error(`no request ${id}`)),
          ),
          Effect.provide(context),
        ),
      )
    const first = initial ? yield* open(initial) : undefined
    const { runBrowser } = yield* Effect.promise(() => loadUi(() => import("../../ui/session.js")))
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
    const onScreen = Option.isNone(args.format) && process.stdout.isTTY === true
    const format = Option.getOrElse(args.format, () => "text" as const)
    if (Option.isNone(args.requestId)) {
      return yield* onScreen ? browse(undefined) : listRequests(format === "json")
    }
    const wanted = args.requestId.value
    const stored = yield* findRequest(wanted)
    if (onScreen) return yield* browse(stored)
    yield* printReport(yield* readRequest(stored), format)
  }).pipe(Effect.provide(insightStoreFromSettings({ noStore: false, dataDir: args.dataDir }))),
).pipe(
  Command.withDescription(
    "Show past requests, or the findings (and insight, when there is one) of one request, from the store.",
  ),
)
