// Creates the topics of DESIGN.md on start-up when they are missing; a broker that already has them is fine.
import type { Admin } from "kafkajs"
import { Effect } from "effect"
import { dlqTopic, Topics } from "../../../src/domain/topics.js"
import { BrokerError } from "../../../src/domain/errors.js"
import { brokerFailure, kafkaRootMessage } from "./brokerFailure.js"

export const allTopicNames: ReadonlyArray<string> = [
  ...Object.values(Topics).map((topic) => topic.name),
  dlqTopic,
]

export interface TopicSettings {
  readonly partitions: number
  readonly replicationFactor: number
}

/** 500 KB log chunks grow when JSON escapes them (ANSI codes); the broker default of 1 MB is too tight. */
const maxMessageBytes = 16 * 1024 * 1024

/**
 * Creation can fail and still leave the topic usable: another agent created it first, or the broker cannot
 * place it through its controller (the librdkafka mock cluster answers "Broker 0 not found"). What counts is
 * that every topic is listed afterwards.
 */
export const ensureTopics = (admin: Admin, names: ReadonlyArray<string>, settings: TopicSettings) =>
  Effect.gen(function* () {
    const listed = yield* Effect.tryPromise({
      try: () => admin.listTopics(),
      catch: brokerFailure("list its topics"),
    })
    const missing = names.filter((name) => !listed.includes(name))
    if (missing.length === 0) return
    const failure = yield* Effect.tryPromise(() =>
      admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: settings.partitions,
          replicationFactor: settings.replicationFactor,
          configEntries: [{ name: "max.message.bytes", value: String(maxMessageBytes) }],
        })),
      }),
    ).pipe(
      Effect.as(undefined),
      Effect.catchAll((error) => Effect.succeed(error.error)),
    )
    const after = yield* Effect.tryPromise({
      try: () => admin.listTopics(),
      catch: brokerFailure("list its topics"),
    })
    const stillMissing = missing.filter((name) => !after.includes(name))
    if (stillMissing.length > 0) {
      return yield* new BrokerError({
        message: `cannot create the Kafka topic ${stillMissing.join(", ")}: ${failure === undefined ? "not listed after creation" : kafkaRootMessage(failure)}; create it with ${settings.partitions} partitions or check the broker's permissions`,
        cause: failure,
      })
    }
  })
