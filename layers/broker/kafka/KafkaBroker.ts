// The Broker port on Kafka (Redpanda or Apache Kafka) through kafkajs: keyed, batched publish; consumer groups
// as Streams with at-least-once commits; topics created on start; poison messages parked on destill.dlq.
import { Kafka, logLevel, type PartitionerArgs, Partitioners } from "./kafkajs.js"
import { Context, Deferred, Effect, Either, Layer } from "effect"
import { BrokerError } from "../../../src/domain/errors.js"
import { DeadLetter, dlqTopic, type Topic, Topics } from "../../../src/domain/topics.js"
import { Broker, type Message } from "../../../src/services/Broker.js"
import { brokerFailure, unreachable } from "./brokerFailure.js"
import { encoder } from "./codec.js"
import { type LagLimit, lagGate } from "./lagGate.js"
import { subscription } from "./subscription.js"
import { allTopicNames, ensureTopics } from "./topics.js"
import { BrokerDrain } from "./BrokerDrain.js"

export interface KafkaBrokerOptions {
  readonly brokers: ReadonlyArray<string>
  readonly clientId?: string
  /** For topics this process creates; default 6 partitions, replication 1. */
  readonly partitions?: number
  readonly replicationFactor?: number
  /** Decoded messages a subscription holds before it pauses its consumer; default 256. */
  readonly bufferedMessages?: number
  /**
   * Their size (as received) before it pauses; default 4 MB: about 8 log chunks, or a few hundred analysed
   * chunks, so small messages are taken in large batches and large ones still bound the memory.
   */
  readonly bufferedBytes?: number
  /** Publishers wait while a downstream group is this far behind. */
  readonly lagLimits?: ReadonlyArray<LagLimit>
  /** How long a silent group member keeps its partitions; default 30 s. */
  readonly sessionTimeoutMs?: number
  /**
   * How long the broker may hold a fetch that finds nothing new; default 50 ms. Kafka and Redpanda answer as soon
   * as messages arrive, so there this only sets how often an idle agent asks. A broker that holds every empty
   * fetch for the whole wait (librdkafka's mock cluster, which the tests and the bench run) adds up to this much
   * latency at every hand-over between stages.
   */
  readonly fetchWaitMs?: number
}

export { BrokerDrain, parseBrokers } from "./BrokerDrain.js"

/**
 * Chunks keep their build id as key (DESIGN.md), but one build's chunks must spread over the analyze group or a
 * single agent would take a whole log: ranking does not depend on chunk order, so they go round-robin. Every
 * other topic partitions by key as Kafka's own clients do.
 */
const spreadTopics = new Set([Topics.logsRaw.name])

const destillPartitioner = () => {
  const byKey = Partitioners.DefaultPartitioner()
  let next = 0
  return (args: PartitionerArgs): number => {
    if (!spreadTopics.has(args.topic)) return byKey(args)
    const available = args.partitionMetadata.filter((p) => p.leader >= 0)
    const partitions = available.length > 0 ? available : args.partitionMetadata
    const chosen = partitions[next++ % partitions.length]
    return chosen?.partitionId ?? 0
  }
}

export const deadLetterTopic: Topic<DeadLetter, DeadLetter> = { name: dlqTopic, schema: DeadLetter }

/** Kafka refuses a produce request above its size limit: split a big publish into sends of at most this. */
const maxSendBytes = 8 * 1024 * 1024

interface Outgoing {
  readonly key: string
  readonly value: Buffer | string
}

const sendBatches = (messages: ReadonlyArray<Outgoing>) => {
  const batches: Array<Array<Outgoing>> = []
  let current: Array<Outgoing> = []
  let bytes = 0
  for (const message of messages) {
    const size = message.value.length + message.key.length
    if (current.length > 0 && bytes + size > maxSendBytes) {
      batches.push(current)
      current = []
      bytes = 0
    }
    current.push(message)
    bytes += size
  }
  if (current.length > 0) batches.push(current)
  return batches
}

export const make = (options: KafkaBrokerOptions) =>
  Effect.gen(function* () {
    const brokers = options.brokers
    const kafka = new Kafka({
      clientId: options.clientId ?? "destill",
      brokers: [...brokers],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3_000,
      retry: { retries: 3, initialRetryTime: 300 },
    })
    const admin = kafka.admin()
    yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => admin.connect(), catch: unreachable(brokers) }),
      () => Effect.promise(() => admin.disconnect().catch(() => undefined)),
    )
    yield* ensureTopics(admin, allTopicNames, {
      partitions: options.partitions ?? 6,
      replicationFactor: options.replicationFactor ?? 1,
    })
    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: destillPartitioner })
    yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => producer.connect(), catch: unreachable(brokers) }),
      () => Effect.promise(() => producer.disconnect().catch(() => undefined)),
    )
    const draining = yield* Deferred.make<void>()
    const counter = { completed: 0 }
    const gate = lagGate(admin, options.lagLimits ?? [])

    const send = (topic: string, messages: ReadonlyArray<Outgoing>) =>
      Effect.forEach(
        sendBatches(messages),
        (batch) =>
          Effect.tryPromise({
            try: async () => {
              const sent = await producer.send({ topic, acks: -1, messages: batch })
              if (process.env["DESTILL_KAFKA_TRACE"])
                process.stderr.write(`kafka: sent ${topic} ${JSON.stringify(sent)}\n`)
              return sent
            },
            catch: brokerFailure(`accept ${batch.length} message(s) on ${topic}`),
          }),
        { discard: true },
      )

    const publish = <A, I>(topic: Topic<A, I>, messages: Iterable<Message<A>>) =>
      Effect.suspend(() => {
        const encode = encoder(topic)
        const encoded: Array<Outgoing> = []
        for (const message of messages) {
          const value = encode(message.value)
          if (Either.isLeft(value)) return Effect.fail(new BrokerError({ message: value.left }))
          encoded.push({ key: message.key, value: value.right })
        }
        if (encoded.length === 0) return Effect.void
        return gate.admit(topic.name, encoded.length, send(topic.name, encoded))
      })

    const deadLetter = (letter: DeadLetter) =>
      send(dlqTopic, [{ key: letter.key, value: JSON.stringify(letter) }])

    const broker = Broker.of({
      // messages are encoded (copied) before publish starts sending them
      copiesOnPublish: true,
      publish,
      subscribe: <A, I>(topic: Topic<A, I>, group: string) =>
        subscription({
          kafka,
          topic,
          group,
          capacity: options.bufferedMessages ?? 256,
          capacityBytes: options.bufferedBytes ?? 4 * 1024 * 1024,
          draining,
          deadLetter,
          counter,
          sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
          fetchWaitMs: options.fetchWaitMs ?? 50,
        }),
    })
    return {
      broker,
      drain: Deferred.succeed(draining, undefined).pipe(Effect.asVoid),
      completed: Effect.sync(() => counter.completed),
    }
  })

export const layer = (options: KafkaBrokerOptions): Layer.Layer<Broker | BrokerDrain, BrokerError> =>
  Layer.scopedContext(
    Effect.map(make(options), ({ broker, drain, completed }) =>
      Context.make(Broker, broker).pipe(Context.add(BrokerDrain, { drain, completed })),
    ),
  )
