// The Broker port: keyed publish and consumer-group subscribe over the topics of DESIGN.md.
import { Context, type Effect, type Stream } from "effect"
import type { BrokerError } from "../domain/errors.js"
import type { Topic } from "../domain/topics.js"

export interface Message<A> {
  readonly key: string
  readonly value: A
}

/** A received message; `commit` acknowledges it once its downstream effect has succeeded. */
export interface Delivery<A> extends Message<A> {
  readonly commit: Effect.Effect<void>
}

export interface BrokerShape {
  /**
   * Whether `publish` has serialised the values by the time it returns (Kafka), so a publisher may reuse their
   * memory at once; otherwise (in memory) the values themselves are handed on and must not change.
   */
  readonly copiesOnPublish: boolean
  /** Publish in order; suspends while the topic is full (backpressure), never drops. */
  readonly publish: <A, I>(
    topic: Topic<A, I>,
    messages: Iterable<Message<A>>,
  ) => Effect.Effect<void, BrokerError>
  /** Messages of a topic shared among the members of `group`; ends when the scope closes. */
  readonly subscribe: <A, I>(topic: Topic<A, I>, group: string) => Stream.Stream<Delivery<A>, BrokerError>
}

export class Broker extends Context.Tag("destill/Broker")<Broker, BrokerShape>() {}
