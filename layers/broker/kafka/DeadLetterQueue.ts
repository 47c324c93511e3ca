// Reading destill.dlq: list what is parked there, or replay it onto its original topics. Replay remembers how
// far it got in its own consumer group, so a letter is replayed once however often the command runs.
import { randomUUID } from "node:crypto"
import { Kafka, logLevel } from "./kafkajs.js"
import { Effect, Schema } from "effect"
import { DeadLetter, dlqTopic } from "../../../src/domain/topics.js"
import { brokerFailure, unreachable } from "./brokerFailure.js"

export interface StoredLetter extends DeadLetter {
  readonly partition: number
  readonly offset: string
}

const decodeLetter = Schema.decodeUnknownOption(Schema.parseJson(DeadLetter))

const kafkaFor = (brokers: ReadonlyArray<string>) =>
  new Kafka({
    clientId: "destill-dlq",
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 3, initialRetryTime: 300 },
  })

/** The end of each partition now, and where `group` stands: what is left to read before stopping. */
const remaining = async (kafka: Kafka, group: string) => {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const ends = await admin.fetchTopicOffsets(dlqTopic)
    const committed = await admin.fetchOffsets({ groupId: group, topics: [dlqTopic] })
    const position = new Map(
      (committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)] as const),
    )
    const left = new Map<number, number>()
    for (const end of ends) {
      const from = Math.max(position.get(end.partition) ?? -1, Number(end.low))
      if (Number(end.high) > from) left.set(end.partition, Number(end.high))
    }
    return left
  } finally {
    await admin.disconnect()
  }
}

/** Reads every letter up to the end of the topic as it is when called, in `group`, committing as it goes. */
const readLetters = (
  brokers: ReadonlyArray<string>,
  group: string,
  onLetter: (letter: StoredLetter, kafka: Kafka) => Promise<void>,
) =>
  Effect.tryPromise({
    try: async () => {
      const kafka = kafkaFor(brokers)
      const left = await remaining(kafka, group)
      if (left.size === 0) return
      const consumer = kafka.consumer({
        groupId: group,
        maxWaitTimeInMs: 200,
        maxBytesPerPartition: 16 * 1024 * 1024,
      })

      await consumer.connect()
      try {
        await consumer.subscribe({ topics: [dlqTopic], fromBeginning: true })
        await new Promise<void>((resolve, reject) => {
          consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error))
          void consumer
            .run({
              autoCommit: false,
              eachMessage: async ({ partition, message }) => {
                const end = left.get(partition)
                if (end === undefined || Number(message.offset) >= end) return
                const raw = message.value?.toString("utf8") ?? ""
                const parsed = decodeLetter(raw)
                const letter: DeadLetter =
                  parsed._tag === "Some"
                    ? parsed.value
                    : {
                        topic: "?",
                        key: message.key?.toString("utf8") ?? "",
                        value: raw,
                        error: "not a dead letter",
                        at: 0,
                      }
                await onLetter({ ...letter, partition, offset: message.offset }, kafka)
                const next = Number(message.offset) + 1
                await consumer.commitOffsets([{ topic: dlqTopic, partition, offset: String(next) }])
                if (next >= end) left.delete(partition)
                if (left.size === 0) resolve()
              },
            })
            .catch(reject)
        })
      } finally {
        await consumer.disconnect().catch(() => undefined)
      }
    },
    catch: (error) =>
      error instanceof Error && /connect|ECONNREFUSED|ENOTFOUND/i.test(error.message)
        ? unreachable(brokers)(error)
        : brokerFailure(`read ${dlqTopic}`)(error),
  })

/** Every letter in destill.dlq, oldest first per partition; reading does not consume them. */
export const listDeadLetters = (brokers: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const letters: Array<StoredLetter> = []
    // A throwaway group starts at the beginning and leaves nothing behind that matters.
    yield* readLetters(
      brokers,
      `destill-dlq-list-${randomUUID()}`,
      async (letter) => void letters.push(letter),
    )
    return letters.sort(
      (a, b) => a.at - b.at || a.partition - b.partition || Number(a.offset) - Number(b.offset),
    )
  })

/** Publishes each not-yet-replayed letter's raw value back to its topic with its key; returns how many. */
export const replayDeadLetters = (brokers: ReadonlyArray<string>, group = "destill-dlq-replay") =>
  Effect.gen(function* () {
    let replayed = 0
    const skipped: Array<StoredLetter> = []
    const kafka = kafkaFor(brokers)
    const producer = kafka.producer({ allowAutoTopicCreation: false })
    yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => producer.connect(), catch: unreachable(brokers) }),
      () => Effect.promise(() => producer.disconnect().catch(() => undefined)),
    )
    yield* readLetters(brokers, group, async (letter) => {
      if (letter.topic === "?" || letter.topic === dlqTopic) {
        skipped.push(letter)
        return
      }
      await producer.send({
        topic: letter.topic,
        acks: -1,
        messages: [{ key: letter.key, value: letter.value }],
      })
      replayed++
    })
    return { replayed, skipped }
  }).pipe(Effect.scoped)
