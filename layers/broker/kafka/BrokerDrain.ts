// The graceful-stop handle of the Kafka broker, and how KAFKA_BROKERS reads: kept apart from the broker itself so
// the CLI names them without loading kafkajs until a command really talks to Kafka.
import { Context, type Effect } from "effect"

/** Graceful stop for agents: subscriptions stop fetching, finish what they hold, commit and leave their group. */
export class BrokerDrain extends Context.Tag("destill/BrokerDrain")<
  BrokerDrain,
  {
    readonly drain: Effect.Effect<void>
    /** Deliveries this process has completed (committed or parked), for the agent's closing line. */
    readonly completed: Effect.Effect<number>
  }
>() {}

/** `host:port,host:port` from KAFKA_BROKERS; empty entries ignored. */
export const parseBrokers = (value: string): ReadonlyArray<string> =>
  value
    .split(",")
    .map((entry) => entry.trim().replace(/^[a-z]+:\/\//i, ""))
    .filter((entry) => entry !== "")
