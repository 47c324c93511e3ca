// `destill dlq list|replay`: the messages agents could not decode or process, parked on destill.dlq.
import { Args, Command } from "@effect/cli"
import { Console, Effect } from "effect"
import { format } from "../options.js"
import { requireBrokers } from "./distributedSettings.js"

const action = Args.choice(
  [
    ["list", "list"],
    ["replay", "replay"],
  ] as const,
  { name: "action" },
).pipe(
  Args.withDescription(
    "list: show every dead letter (topic, key, error); replay: publish the ones not replayed yet back to their topic.",
  ),
)

const preview = (value: string) =>
  (value.length > 120 ? `${value.slice(0, 117)}...` : value).replace(/\s+/g, " ")

export const dlqCommand = Command.make("dlq", { action, format }, (args) =>
  Effect.gen(function* () {
    const brokers = yield* requireBrokers("destill dlq")
    const { listDeadLetters, replayDeadLetters } = yield* Effect.promise(
      () => import("../../../layers/broker/kafka/DeadLetterQueue.js"),
    )
    if (args.action === "replay") {
      const { replayed, skipped } = yield* replayDeadLetters(brokers)
      yield* Console.log(`replayed ${replayed} dead letter(s)`)
      for (const letter of skipped)
        yield* Console.error(
          `destill: skipped ${letter.partition}/${letter.offset}: no original topic recorded`,
        )
      return
    }
    const letters = yield* listDeadLetters(brokers)
    if (args.format === "json") return yield* Console.log(JSON.stringify(letters, null, 2))
    if (args.format === "jsonl") {
      for (const letter of letters) yield* Console.log(JSON.stringify(letter))
      return
    }
    if (letters.length === 0) return yield* Console.log("the dead-letter topic destill.dlq is empty")
    for (const letter of letters) {
      const when = new Date(letter.at).toISOString().replace("T", " ").slice(0, 19)
      yield* Console.log(
        `${when}  ${letter.topic}  key=${letter.key || "(none)"}\n  error: ${letter.error}\n  value: ${preview(letter.value)}`,
      )
    }
  }),
).pipe(Command.withDescription("List or replay the messages parked on destill.dlq (needs KAFKA_BROKERS)."))
