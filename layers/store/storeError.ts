// Turns driver failures (SqlError wrapping a pg error, a Cause, an AggregateError) into one StoreError line.
import { Cause } from "effect"
import { StoreError } from "../../src/domain/errors.js"

const ownMessage = (error: unknown): string | undefined => {
  if (typeof error !== "object" || error === null) return typeof error === "string" ? error : undefined
  const message = "message" in error && typeof error.message === "string" ? error.message.trim() : ""
  if (message !== "") return message
  // Node reports a refused "localhost" as an AggregateError (one error per address) with no message.
  if ("errors" in error && Array.isArray(error.errors)) return ownMessage(error.errors[0])
  if ("code" in error && typeof error.code === "string") return error.code
  return undefined
}

/** The innermost message along the cause chain: that is where the driver says what actually went wrong. */
export const rootMessage = (error: unknown): string => {
  let current: unknown = Cause.isCause(error) ? Cause.squash(error) : error
  let found = ownMessage(current) ?? "unknown error"
  for (let depth = 0; depth < 10; depth++) {
    if (typeof current !== "object" || current === null || !("cause" in current)) break
    current = current.cause
    const inner = ownMessage(current)
    if (inner !== undefined) found = inner
  }
  return found.split("\n")[0] ?? found
}

/** `the store could not <action>: <what the driver said>`. */
export const storeFailure =
  (action: string) =>
  (error: unknown): StoreError =>
    new StoreError({ message: `the store could not ${action}: ${rootMessage(error)}`, cause: error })
