// `destill submit <source>`: hand a log to the distributed agents and print the request id; `--wait` follows the
// request in PostgreSQL until it is complete and prints its findings like `destill analyze`.
import { randomUUID } from "node:crypto"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { Args, Command, Options } from "@effect/cli"
import { Console, Duration, Effect, Layer, Option } from "effect"
import { layer as logSourceLayer } from "../../../layers/source/index.js"
import { ingestSource } from "../../../pipelines/agents/ingest.js"
import { InputError } from "../../domain/errors.js"
import { JobOutcome, Request, RequestId } from "../../domain/Request.js"
import { Topics } from "../../domain/topics.js"
import { Broker } from "../../services/Broker.js"
import { LogSource } from "../../services/LogSource.js"
import { Store } from "../../services/Store.js"
import { checkRange } from "../errors.js"
import { format, type OutputFormat } from "../options.js"
import { printReport } from "../output.js"
import {
  kafkaBrokers,
  kafkaLayer,
  postgresLayer,
  requireBrokers,
  requireDatabase,
} from "./distributedSettings.js"

export interface SubmitSettings {
  readonly source: string
  readonly outcome: JobOutcome
  readonly top: number
  readonly context: number
  readonly minConfidence: number
}

const isUrl = (reference: string) => /^https?:\/\//i.test(reference)

/** Agents read files by path: make it absolute, and say now (not in an agent's log) when it is not there. */
const referenceFor = (source: string) =>
  Effect.gen(function* () {
    if (source === "-" || isUrl(source)) return source
    const absolute = path.resolve(source)
    yield* Effect.tryPromise({
      try: () => fs.access(absolute, fs.constants.R_OK),
      catch: () => new InputError({ message: `cannot read ${source}: no such file or not readable` }),
    })
    return absolute
  })

/** Polls the store until the request leaves "running". */
export const followRequest = (id: string) =>
  Effect.gen(function* () {
    const store = yield* Store
    for (let delay = 50; ; delay = Math.min(500, delay * 1.5)) {
      const found = yield* store.getRequest(id)
      if (Option.isSome(found) && found.value.status !== "running" && found.value.status !== "pending") {
        return found.value
      }
      yield* Effect.sleep(Duration.millis(delay))
    }
  })

/** Prints a finished request's report; a failed request fails the command with its reason. */
export const printRequest = (id: string, outputFormat: OutputFormat) =>
  Effect.gen(function* () {
    const store = yield* Store
    const stored = yield* followRequest(id)
    if (stored.status !== "complete") {
      return yield* new InputError({
        message: `request ${id} ${stored.status}: ${stored.error ?? "no reason recorded"}`,
      })
    }
    const findings = yield* store.findings(id)
    yield* printReport(
      {
        requestId: id,
        source: stored.request.source,
        status: stored.status,
        stats: stored.stats ?? { lines: 0, bytes: 0, chunks: 0, durationMs: 0 },
        findings,
      },
      outputFormat,
    )
  })

/**
 * Publishes the request (recording it first when PostgreSQL is configured, so `destill view` sees it at once).
 * Standard input cannot be fetched by an agent: it is read and chunked here, then the agents take over.
 */
export const submitRequest = (settings: SubmitSettings, wait: Option.Option<OutputFormat>) =>
  Effect.gen(function* () {
    const brokers = yield* requireBrokers("destill submit")
    const reference = yield* referenceFor(settings.source)
    const needsStore = reference === "-" || Option.isSome(wait)
    const databaseUrl = needsStore
      ? Option.some(
          yield* requireDatabase(reference === "-" ? "destill submit - (standard input)" : "--wait"),
        )
      : Option.none()
    // Created once the broker and the database are connected: a request's duration is the agents' work, not
    // this process's start-up.
    const newRequest = Effect.sync(
      () =>
        new Request({
          id: RequestId.make(randomUUID()),
          source: reference,
          buildId: reference === "-" ? "stdin" : isUrl(reference) ? reference : `file:${reference}`,
          outcome: settings.outcome,
          createdAt: Date.now(),
          options: { top: settings.top, context: settings.context, minConfidence: settings.minConfidence },
        }),
    )
    const record = (request: Request) => Effect.flatMap(Store, (store) => store.createRequest(request))
    const fetchHere = (request: Request) =>
      Effect.gen(function* () {
        const source = yield* (yield* LogSource).resolve("-", { outcome: settings.outcome })
        yield* ingestSource(request, source)
      })
    const publish = (request: Request) =>
      Effect.flatMap(Broker, (broker) =>
        broker.publish(Topics.requests, [{ key: request.id, value: request }]),
      )
    const follow = (request: Request) =>
      Option.match(wait, {
        onNone: () => Console.log(request.id),
        onSome: (outputFormat) =>
          Console.error(`destill: submitted ${request.id}; waiting for the agents`).pipe(
            Effect.zipRight(printRequest(request.id, outputFormat)),
          ),
      })
    const kafka = kafkaLayer(brokers, "destill-submit")
    return yield* Option.match(databaseUrl, {
      onNone: () =>
        Effect.flatMap(newRequest, (request) => Effect.zipRight(publish(request), follow(request))).pipe(
          Effect.provide(Layer.merge(kafka, Store.None)),
        ),
      onSome: (url) =>
        Effect.flatMap(newRequest, (request) =>
          Effect.all(
            [record(request), reference === "-" ? fetchHere(request) : publish(request), follow(request)],
            {
              discard: true,
            },
          ),
        ).pipe(Effect.provide(Layer.mergeAll(kafka, postgresLayer(url), logSourceLayer))),
    })
  })

const source = Args.text({ name: "source" }).pipe(
  Args.withDescription(
    "The log: a file path (readable by the ingest agents), a URL, a CI build, or - for stdin.",
  ),
)
const top = Options.integer("top").pipe(Options.withAlias("n"), Options.withDefault(10))
const context = Options.integer("context").pipe(Options.withAlias("C"), Options.withDefault(3))
const outcome = Options.choice("outcome", JobOutcome.literals).pipe(
  Options.withDefault("failed" as JobOutcome),
)
const minConfidence = Options.float("min-confidence").pipe(Options.withDefault(0))
const wait = Options.boolean("wait").pipe(
  Options.withDescription(
    "Follow the request until it is complete and print its findings (needs DATABASE_URL).",
  ),
)

export const submitCommand = Command.make(
  "submit",
  { source, top, context, outcome, minConfidence, wait, format },
  (args) =>
    Effect.gen(function* () {
      yield* checkRange("top", args.top, 1, 10_000)
      yield* checkRange("context", args.context, 0, 100)
      yield* checkRange("min-confidence", args.minConfidence, 0, 1)
      yield* submitRequest(args, args.wait ? Option.some(args.format) : Option.none())
    }),
).pipe(
  Command.withDescription(
    "Publish a triage request to the distributed agents (KAFKA_BROKERS) and print its id; --wait prints its findings.",
  ),
)

/** `destill analyze --wait`: in distributed mode, wait for the agents' findings instead of printing the id. */
export const analyzeWait = Options.boolean("wait").pipe(
  Options.withDescription(
    "With KAFKA_BROKERS (distributed mode): wait for the agents and print the findings; without it, print the request id.",
  ),
)

/** Runs `local` unless KAFKA_BROKERS is set, in which case the log goes to the agents as `destill submit` would. */
export const distributedOr = <A, E, R>(
  args: Omit<SubmitSettings, "source"> & {
    readonly log: string
    readonly wait: boolean
    readonly format: Option.Option<OutputFormat>
  },
  local: Effect.Effect<A, E, R>,
) =>
  Effect.gen(function* () {
    const brokers = yield* Effect.orDie(kafkaBrokers)
    if (Option.isNone(brokers)) return yield* local
    return yield* submitRequest(
      { ...args, source: args.log },
      args.wait ? Option.some(Option.getOrElse(args.format, () => "text" as const)) : Option.none(),
    )
  })
