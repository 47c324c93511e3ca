// Turns kafkajs failures (retries exhausted around a connection error, protocol errors) into one BrokerError line.
import { BrokerError } from "../../../src/domain/errors.js"

/** The innermost message along kafkajs' cause chain: that is where it says what actually went wrong. */
export const kafkaRootMessage = (error: unknown): string => {
  let current: unknown = error
  let found = "unknown error"
  for (let depth = 0; depth < 10 && typeof current === "object" && current !== null; depth++) {
    if ("message" in current && typeof current.message === "string" && current.message.trim() !== "")
      found = current.message.trim()
    current =
      "cause" in current ? current.cause : "originalError" in current ? current.originalError : undefined
  }
  if (typeof error === "string") found = error
  return found.split("\n")[0] ?? found
}

export const unreachable = (brokers: ReadonlyArray<string>) => (error: unknown) =>
  new BrokerError({
    message: `cannot reach the Kafka broker at ${brokers.join(",")} (KAFKA_BROKERS): ${kafkaRootMessage(error)}`,
    cause: error,
  })

/** `the broker could not <action>: <what kafkajs said>`. */
export const brokerFailure = (action: string) => (error: unknown) =>
  new BrokerError({
    message: `the Kafka broker could not ${action}: ${kafkaRootMessage(error)}`,
    cause: error,
  })
