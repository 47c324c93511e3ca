// The in-process Broker for local mode: one bounded queue per topic, shared by the one group that reads it.
import { Effect, Layer, Queue, Stream, SynchronizedRef } from "effect"
import type { Topic } from "../../../src/domain/topics.js"
import { Broker, type Delivery, type Message } from "../../../src/services/Broker.js"

export interface MemoryBrokerOptions {
  /** Messages a topic holds before publishers wait (backpressure). */
  readonly capacity: number
}

/**
 * Local mode has exactly one consumer group per topic, so members of a group share one queue (work sharing, like
 * partitions spread over a Kafka group). Values stay in memory as decoded objects: nothing to serialise in-process.
 * Commit is a no-op: a crashed process loses its queues anyway, and the request is then marked failed.
 */
export const make = (options: MemoryBrokerOptions) =>
  Effect.gen(function* () {
    const queues = yield* SynchronizedRef.make(new Map<string, Queue.Queue<Message<unknown>>>())
    const queueOf = (name: string) =>
      SynchronizedRef.modifyEffect(queues, (map) => {
        const existing = map.get(name)
        if (existing) return Effect.succeed([existing, map] as const)
        return Queue.bounded<Message<unknown>>(options.capacity).pipe(
          Effect.map((queue) => [queue, new Map(map).set(name, queue)] as const),
        )
      })

    return Broker.of({
      copiesOnPublish: false,
      publish: <A, I>(topic: Topic<A, I>, messages: Iterable<Message<A>>) =>
        Effect.flatMap(queueOf(topic.name), (queue) =>
          Queue.offerAll(queue, messages as Iterable<Message<unknown>>),
        ),
      subscribe: <A, I>(topic: Topic<A, I>, _group: string) =>
        Stream.unwrap(
          Effect.map(queueOf(topic.name), (queue) =>
            Stream.fromQueue(queue).pipe(
              Stream.map((message): Delivery<A> => ({ ...(message as Message<A>), commit: Effect.void })),
            ),
          ),
        ),
    })
  })

export const layer = (options: MemoryBrokerOptions = { capacity: 16 }): Layer.Layer<Broker> =>
  Layer.effect(Broker, make(options))
