// Settings of distributed mode from the environment (DESIGN.md names them), each failing with one line that
// names the variable, and the Layers they select: the Kafka broker and PostgreSQL with the triage ledger.
import { Config, ConfigError, Effect, Either, Layer, Option } from "effect"
import { parseBrokers } from "../../../layers/broker/kafka/BrokerDrain.js"
import type { LagLimit } from "../../../layers/broker/kafka/lagGate.js"
import { DistributedStoreLive } from "../../../layers/store/TriageLedgerSql.js"
import { ConfigurationError } from "../../domain/errors.js"
import { Topics } from "../../domain/topics.js"

/** KAFKA_BROKERS, or REDPANDA_BROKERS; none means local mode. */
export const kafkaBrokers = Config.string("KAFKA_BROKERS").pipe(
  Config.orElse(() => Config.string("REDPANDA_BROKERS")),
  Config.option,
  Config.map(Option.map(parseBrokers)),
  Config.map(Option.filter((brokers) => brokers.length > 0)),
)

const postgresUrl = Config.string("DATABASE_URL").pipe(
  Config.orElse(() => Config.string("POSTGRES_DSN")),
  Config.option,
  Config.map(Option.filter((url) => url.trim() !== "")),
)

const positive = (name: string, fallback: number) =>
  Config.integer(name).pipe(
    Config.validate({ message: "must be a whole number of at least 1", validation: (n) => n >= 1 }),
    Config.withDefault(fallback),
  )

/** One line naming the variable, instead of @effect/cli's multi-line config dump. */
const readConfig = <A>(config: Config.Config<A>) =>
  Effect.mapError(config, (error) => {
    const line = ConfigError.isConfigError(error) ? String(error).replace(/\s+/g, " ") : String(error)
    return new ConfigurationError({ message: `invalid setting: ${line}` })
  })

export const requireBrokers = (what: string) =>
  Effect.flatMap(readConfig(kafkaBrokers), (brokers) =>
    Option.match(brokers, {
      onNone: () =>
        Effect.fail(
          new ConfigurationError({
            message: `${what} needs a Kafka broker: set KAFKA_BROKERS (or REDPANDA_BROKERS), e.g. KAFKA_BROKERS=localhost:9092`,
          }),
        ),
      onSome: Effect.succeed,
    }),
  )

export const requireDatabase = (what: string) =>
  Effect.flatMap(readConfig(postgresUrl), (url) =>
    Either.fromOption(
      url,
      () =>
        new ConfigurationError({
          message: `${what} needs PostgreSQL: set DATABASE_URL (or POSTGRES_DSN), e.g. DATABASE_URL=postgres://user:pass@localhost:5432/destill`,
        }),
    ),
  )

export const distributedTuning = readConfig(
  Config.all({
    partitions: positive("DESTILL_KAFKA_PARTITIONS", 6),
    replicationFactor: positive("DESTILL_KAFKA_REPLICATION", 1),
    maxLag: positive("DESTILL_MAX_LAG", 16),
    poolSize: positive("DESTILL_DB_POOL", 10),
    sessionTimeoutMs: positive("DESTILL_KAFKA_SESSION_TIMEOUT_MS", 30_000),
    fetchWaitMs: positive("DESTILL_KAFKA_FETCH_WAIT_MS", 50),
  }),
)

/** Which downstream group each stage waits for (bounded lag); the group names are the agents' defaults. */
export const stageLagLimits = (maxLag: number): ReadonlyArray<LagLimit> => [
  { topic: Topics.logsRaw.name, group: "destill-analyze", maxLag },
  { topic: Topics.findings.name, group: "destill-persist", maxLag },
]

export const kafkaLayer = (
  brokers: ReadonlyArray<string>,
  clientId: string,
  lagLimits: ReadonlyArray<LagLimit> = [],
) =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const tuning = yield* distributedTuning
      // kafkajs loads only here: local runs never pay for it.
      const { layer } = yield* Effect.promise(() => import("../../../layers/broker/kafka/KafkaBroker.js"))
      return layer({
        brokers,
        clientId,
        partitions: tuning.partitions,
        replicationFactor: tuning.replicationFactor,
        lagLimits,
        sessionTimeoutMs: tuning.sessionTimeoutMs,
        fetchWaitMs: tuning.fetchWaitMs,
      })
    }),
  )

export const postgresLayer = (databaseUrl: string) =>
  Layer.unwrapEffect(
    Effect.map(distributedTuning, (tuning) =>
      DistributedStoreLive({ databaseUrl, poolSize: tuning.poolSize }),
    ),
  )
