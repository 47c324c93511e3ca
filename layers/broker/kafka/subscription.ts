// One consumer-group subscription as an Effect Stream: a bounded queue fed by kafkajs that pauses the consumer
// when full and resumes it once drained, offsets committed only behind completed deliveries (at-least-once).
import { type Consumer, Kafka, logLevel } from "./kafkajs.js"
import { Deferred, Effect, Either, Queue, Runtime, Stream } from "effect"
import { BrokerError } from "../../../src/domain/errors.js"
import type { DeadLetter, Topic } from "../../../src/domain/topics.js"
import type { Delivery } from "../../../src/services/Broker.js"
import { brokerFailure, kafkaRootMessage } from "./brokerFailure.js"
import { decoder } from "./codec.js"
import { OffsetLedger } from "./OffsetLedger.js"
import { OffsetGaps } from "./OffsetGaps.js"

export interface SubscriptionSettings<A, I> {
  readonly kafka: Kafka
  readonly topic: Topic<A, I>
  readonly group: string
  /** Decoded messages held before the consumer is paused. */
  readonly capacity: number
  /** Bytes (as received) of the messages held before the consumer is paused, whatever their number. */
  readonly capacityBytes: number
  /** Completed when the process is asked to stop: fetch no more, finish what is queued, commit, leave. */
  readonly draining: Deferred.Deferred<void>
  readonly deadLetter: (letter: DeadLetter) => Effect.Effect<void, BrokerError>
  /** Shared by the process's subscriptions: deliveries completed so far. */
  readonly counter: { completed: number }
  readonly sessionTimeoutMs: number
  /** How long the broker may hold a fetch that finds nothing (see KafkaBrokerOptions.fetchWaitMs). */
  readonly fetchWaitMs: number
}

const End = Symbol("End")

interface Held<A> {
  readonly delivery: Delivery<A>
  readonly bytes: number
}

const trace = process.env["DESTILL_KAFKA_TRACE"]
  ? (line: string) => process.stderr.write(`kafka: ${line}\n`)
  : undefined

const startConsumer = (consumer: Consumer, topic: string, group: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        await consumer.connect()
        await consumer.subscribe({ topics: [topic], fromBeginning: true })
      },
      catch: brokerFailure(`join the consumer group ${group} on ${topic}`),
    }),
    // disconnect stops fetching, waits for the running handler and leaves the group, so its partitions move on
    // to the other members at once instead of after a session timeout.
    () => Effect.promise(() => consumer.disconnect().catch(() => undefined)),
  )

export const subscription = <A, I>(
  settings: SubscriptionSettings<A, I>,
): Stream.Stream<Delivery<A>, BrokerError> =>
  Stream.unwrapScoped(
    Effect.gen(function* () {
      const { kafka, topic, group, capacity, capacityBytes } = settings
      const queue = yield* Queue.bounded<Held<A> | typeof End>(capacity)
      const crashed = yield* Deferred.make<never, BrokerError>()
      const runtime = yield* Effect.runtime<never>()
      const runPromise = Runtime.runPromise(runtime)
      const decode = decoder(topic)
      const ledger = new OffsetLedger()
      const gaps = new OffsetGaps()
      const sent = new Map<number, number>()
      const commitLock = yield* Effect.makeSemaphore(1)
      let paused = false
      let heldBytes = 0

      const consumer = kafka.consumer({
        groupId: group,
        sessionTimeout: settings.sessionTimeoutMs,
        rebalanceTimeout: settings.sessionTimeoutMs * 2,
        heartbeatInterval: Math.max(500, Math.floor(settings.sessionTimeoutMs / 10)),
        maxBytesPerPartition: 16 * 1024 * 1024,
        maxWaitTimeInMs: settings.fetchWaitMs,
        // A consumer that hits a protocol error mid-rebalance rejoins instead of dying; uncommitted messages are
        // redelivered, so a restart loses nothing.
        retry: { retries: 5, initialRetryTime: 300, restartOnFailure: async () => true },
      })
      consumer.logger().setLogLevel(logLevel.NOTHING)
      consumer.on(consumer.events.GROUP_JOIN, () => gaps.reset())
      consumer.on(consumer.events.CRASH, (event) => {
        if (!event.payload.restart) {
          runPromise(
            Deferred.fail(crashed, brokerFailure(`keep consuming ${topic.name}`)(event.payload.error)),
          )
        }
      })

      // Commits go out one at a time and never move backwards, whatever order deliveries finish in. A commit that
      // fails (the partition moved to another member in a rebalance) is harmless: the message comes again.
      // Deliveries completed together (a persist batch) mark the ledger first and share one commit: the first to
      // get the lock yields once, so the rest have marked theirs before it reads how far it may go.
      const commitUpTo = (partition: number) =>
        commitLock.withPermits(1)(
          Effect.zipRight(
            Effect.yieldNow(),
            Effect.suspend(() => {
              const target = ledger.committedOf(partition)
              if (target === undefined || target <= (sent.get(partition) ?? -1)) return Effect.void
              sent.set(partition, target)
              trace?.(`commit ${topic.name}/${partition} -> ${target}`)
              return Effect.tryPromise(() =>
                consumer.commitOffsets([{ topic: topic.name, partition, offset: String(target) }]),
              ).pipe(Effect.ignore)
            }),
          ),
        )
      const complete = (partition: number, offset: number) =>
        Effect.suspend(() => {
          settings.counter.completed++
          return ledger.completed(partition, offset) === undefined ? Effect.void : commitUpTo(partition)
        })

      const resumeIfDrained = Effect.suspend(() => {
        if (!paused) return Effect.void
        return Effect.map(Queue.size(queue), (size) => {
          if (size > capacity / 2 || heldBytes > capacityBytes / 2) return
          paused = false
          consumer.resume([{ topic: topic.name }])
        })
      })

      const offer = (held: Held<A>) =>
        Effect.suspend(() => {
          heldBytes += held.bytes
          return Queue.offer(queue, held)
        }).pipe(
          Effect.zipRight(Queue.isFull(queue)),
          Effect.map((full) => {
            if ((!full && heldBytes < capacityBytes) || paused) return
            // pause() inside the handler ends the current batch too; its rest is fetched again on resume.
            paused = true
            consumer.pause([{ topic: topic.name }])
          }),
        )

      yield* startConsumer(consumer, topic.name, group)
      yield* Effect.tryPromise({
        try: () =>
          consumer.run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const offset = Number(message.offset)
              const gap = gaps.check(partition, offset)
              if (gap !== undefined) {
                // Nothing can bring them back; say so instead of losing them silently.
                process.stderr.write(
                  `destill: warning: ${topic.name}[${partition}] offsets ${gap.from}..${gap.to - 1} were deleted by the broker before group ${group} read them; raise the topic's retention or lower DESTILL_MAX_LAG\n`,
                )
              }
              trace?.(`received ${topic.name}/${partition}@${offset} ${message.value?.length ?? 0} bytes`)
              ledger.received(partition, offset)
              const key = message.key?.toString("utf8") ?? ""
              const raw = message.value ?? Buffer.alloc(0)
              const decoded = decode(raw)
              if (Either.isLeft(decoded)) {
                // A poison message must not stop the group: park it with the reason, then move past it.
                await runPromise(
                  settings.deadLetter({
                    topic: topic.name,
                    key,
                    value: raw.toString("utf8"),
                    error: decoded.left,
                    at: Date.now(),
                  }),
                )
                await runPromise(complete(partition, offset))
                return
              }
              const delivery = { key, value: decoded.right, commit: complete(partition, offset) }
              await runPromise(offer({ delivery, bytes: raw.length }))
            },
          }),
        catch: (error) =>
          new BrokerError({
            message: `cannot consume ${topic.name}: ${kafkaRootMessage(error)}`,
            cause: error,
          }),
      })

      // Draining: stop fetching, then let what is already queued flow through before the stream ends.
      yield* Effect.forkScoped(
        Deferred.await(settings.draining).pipe(
          Effect.zipRight(Effect.promise(() => consumer.stop().catch(() => undefined))),
          Effect.zipRight(Queue.offer(queue, End)),
        ),
      )
      // Before the consumer leaves the group, let the last commit reach the broker.
      yield* Effect.addFinalizer(() => commitLock.withPermits(1)(Effect.void))

      const deliveries = Stream.fromQueue(queue, { maxChunkSize: 1 }).pipe(
        Stream.takeWhile((item): item is Held<A> => item !== End),
        Stream.map((held) => {
          heldBytes -= held.bytes
          return held.delivery
        }),
        Stream.tap(() => resumeIfDrained),
      )
      return Stream.merge(deliveries, Stream.drain(Stream.fromEffect(Deferred.await(crashed))), {
        haltStrategy: "left",
      })
    }),
  )
