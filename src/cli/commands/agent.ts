// `destill agent ingest|analyze|persist|insight`: one stateless stage of distributed triage as a long-running process;
// start N copies and the consumer group shares the work. SIGTERM drains: finish what is in hand, commit, leave.
import { setFlagsFromString } from "node:v8"
import { Args, Command, Options } from "@effect/cli"
import { Console, Duration, Effect, Fiber, Layer } from "effect"
import { BrokerDrain } from "../../../layers/broker/kafka/BrokerDrain.js"
import { layer as logSourceLayer } from "../../../layers/source/index.js"
import { ingestAgent } from "../../../pipelines/agents/ingest.js"
import { persistAgent } from "../../../pipelines/agents/persist.js"
import { insightAgent } from "../../../pipelines/agents/insight.js"
import { storeWithInsightsLayer } from "../../../layers/store/InsightSql.js"
import { LanguageModel } from "../../services/LanguageModel.js"
import {
  attempts,
  languageModelFrom,
  model,
  noRedact,
  provider,
  type ProviderFlags,
} from "./insightOptions.js"
import { analyzeAgent } from "../../../pipelines/triage/analyze.js"
import { defaultScoringThreads } from "../../../pipelines/triage/scoringThreads.js"
import { checkRange } from "../errors.js"
import {
  distributedTuning,
  kafkaLayer,
  postgresLayer,
  requireBrokers,
  requireDatabase,
  stageLagLimits,
} from "./distributedSettings.js"

const roles = ["ingest", "analyze", "persist", "insight"] as const
type Role = (typeof roles)[number]

const role = Args.choice(
  roles.map((r) => [r, r] as const),
  { name: "role" },
).pipe(
  Args.withDescription(
    "ingest: requests → fetch → chunks; analyze: chunks → findings; persist: findings → PostgreSQL; insight: complete requests → root-cause insights on destill.insights.",
  ),
)

const group = Options.text("group").pipe(
  Options.optional,
  Options.withDescription(
    "Consumer group to join (default destill-<role>); copies in one group share the work.",
  ),
)

const concurrency = Options.integer("concurrency").pipe(
  Options.withDefault(2),
  Options.withDescription(
    "Messages worked on at once (ingest: requests, analyze: chunks, insight: model conversations).",
  ),
)

const threads = Options.integer("threads").pipe(
  Options.withDefault(defaultScoringThreads()),
  Options.withDescription(
    "analyze: worker threads that score chunks (default: the number of cores, at most 4, as local mode; 0 scores on the main thread). At least twice as many chunks are kept in flight.",
  ),
)

const batchSize = Options.integer("batch-size").pipe(
  Options.withDefault(200),
  Options.withDescription("persist: analysed chunks written per transaction at most."),
)

/** How long a drain may take before the agent gives up on in-flight work (it is redelivered anyway). */
const drainLimit = Duration.seconds(30)

/**
 * Runs the agent until it fails or the process is told to stop. On interruption (SIGTERM, Ctrl-C) the broker
 * drains: fetching stops, queued messages are finished and committed, then the group is left.
 */
const untilStopped = <E, R>(name: string, agent: Effect.Effect<void, E, R>) =>
  Effect.gen(function* () {
    const { completed, drain } = yield* BrokerDrain
    const fiber = yield* Effect.forkDaemon(agent)
    yield* Fiber.join(fiber).pipe(
      Effect.onInterrupt(() =>
        Console.error(`destill: ${name} agent stopping: finishing the messages in hand`).pipe(
          Effect.zipRight(drain),
          Effect.zipRight(Fiber.await(fiber).pipe(Effect.timeout(drainLimit), Effect.ignore)),
          Effect.zipRight(Fiber.interrupt(fiber)),
          Effect.zipRight(completed),
          Effect.flatMap((count) =>
            Console.error(`destill: ${name} agent stopped after ${count} message(s)`),
          ),
        ),
      ),
    )
  })

/** How long the insight agent waits for a request's last chunk to be persisted before letting it go. */
const completionWait = Duration.minutes(10)

interface RoleArgs extends ProviderFlags {
  readonly group: string
  readonly concurrency: number
  readonly batchSize: number
  readonly threads: number
  readonly noRedact: boolean
  readonly attempts: number
}

/**
 * The heap cap in the binary's shebang (256 MB, which keeps `analyze` flat on huge logs) makes V8 collect the old
 * generation once it grows by 30% over what survived the last collection. An agent moves every log byte through
 * kafkajs, whose requests and fetch buffers live just long enough to be promoted: it ran a full collection every
 * ~150 ms, a third of the ingest agent's CPU. Letting the old generation triple instead (still a few hundred MB
 * at most: an agent's live data is bounded by its queues) leaves a handful per request.
 */
const agentHeapGrowth = Effect.sync(() => setFlagsFromString("--heap-growing-percent=200"))

const runRole = (which: Role, args: RoleArgs) =>
  Effect.gen(function* () {
    yield* agentHeapGrowth
    const brokers = yield* requireBrokers(`destill agent ${which}`)
    const tuning = yield* distributedTuning
    const lagLimits = stageLagLimits(tuning.maxLag)
    const clientId = `destill-${which}`
    const started = Console.error(
      `destill: ${which} agent in group ${args.group} on ${brokers.join(",")} (SIGTERM stops it cleanly)`,
    )
    switch (which) {
      case "analyze":
        return yield* started.pipe(
          Effect.zipRight(
            untilStopped(
              which,
              Effect.scoped(
                // Twice the threads in flight, as local mode: each thread scores one chunk while the next is
                // decoded and the last one's findings are published.
                analyzeAgent({
                  group: args.group,
                  concurrency: Math.max(args.concurrency, 2 * args.threads),
                  threads: args.threads,
                }),
              ),
            ),
          ),
          Effect.provide(kafkaLayer(brokers, clientId, lagLimits)),
        )
      case "ingest": {
        const databaseUrl = yield* requireDatabase(`destill agent ${which}`)
        return yield* started.pipe(
          Effect.zipRight(
            untilStopped(which, ingestAgent({ group: args.group, concurrency: args.concurrency })),
          ),
          Effect.provide(
            Layer.mergeAll(
              kafkaLayer(brokers, clientId, lagLimits),
              postgresLayer(databaseUrl),
              logSourceLayer,
            ),
          ),
        )
      }
      case "persist": {
        const databaseUrl = yield* requireDatabase(`destill agent ${which}`)
        return yield* started.pipe(
          Effect.zipRight(
            untilStopped(
              which,
              persistAgent({
                group: args.group,
                batchSize: args.batchSize,
                batchWindow: Duration.millis(50),
              }),
            ),
          ),
          Effect.provide(
            Layer.mergeAll(kafkaLayer(brokers, clientId, lagLimits), postgresLayer(databaseUrl)),
          ),
        )
      }
      case "insight": {
        const databaseUrl = yield* requireDatabase(`destill agent ${which}`)
        // No provider is a configuration error at start, not a stream of failed requests.
        const languageModel = yield* languageModelFrom(args)
        return yield* started.pipe(
          Effect.zipRight(
            untilStopped(
              which,
              insightAgent({
                group: args.group,
                concurrency: args.concurrency,
                completionWait,
                pollEvery: Duration.millis(500),
                insight: { redact: !args.noRedact, maxAttempts: args.attempts },
              }),
            ),
          ),
          Effect.provideService(LanguageModel, languageModel),
          Effect.provide(
            Layer.mergeAll(
              kafkaLayer(brokers, clientId, lagLimits),
              storeWithInsightsLayer({ databaseUrl, dataDir: "", poolSize: tuning.poolSize }),
            ),
          ),
        )
      }
    }
  })

export const agentCommand = Command.make(
  "agent",
  { role, group, concurrency, batchSize, threads, provider, model, noRedact, attempts },
  (args) =>
    Effect.gen(function* () {
      yield* checkRange("concurrency", args.concurrency, 1, 64)
      yield* checkRange("batch-size", args.batchSize, 1, 10_000)
      yield* checkRange("threads", args.threads, 0, 64)
      yield* checkRange("attempts", args.attempts, 1, 10)
      const groupName = args.group._tag === "Some" ? args.group.value : `destill-${args.role}`
      yield* runRole(args.role, { ...args, group: groupName })
    }),
).pipe(
  Command.withDescription(
    "Run one stage of distributed triage (needs KAFKA_BROKERS; ingest, persist and insight also DATABASE_URL; insight a provider).",
  ),
)
