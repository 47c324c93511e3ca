// The one place failures become what a user reads: a single line on stderr and an exit code.
import { ValidationError } from "@effect/cli"
import { Cause, Data, Effect } from "effect"

export class InvalidOption extends Data.TaggedError("InvalidOption")<{ readonly message: string }> {}

export const checkRange = (name: string, value: number, min: number, max: number) =>
  value >= min && value <= max
    ? Effect.void
    : Effect.fail(new InvalidOption({ message: `--${name} must be between ${min} and ${max}, got ${value}` }))

/** Exit codes: 1 for a failed run, 2 for bad usage, 130 when interrupted (Ctrl-C). */
export const exitCodeFor = (cause: Cause.Cause<unknown>): number => {
  if (Cause.isInterruptedOnly(cause)) return 130
  const error = Cause.squash(cause)
  if (ValidationError.isValidationError(error) || error instanceof InvalidOption) return 2
  return 1
}

/** The line to print, or nothing when @effect/cli has already explained a usage error. */
export const messageFor = (cause: Cause.Cause<unknown>): string | undefined => {
  if (Cause.isInterruptedOnly(cause)) return "interrupted"
  const error = Cause.squash(cause)
  if (ValidationError.isValidationError(error)) return undefined
  const tagged = typeof error === "object" && error !== null && "_tag" in error
  const message = error instanceof Error ? error.message : String(error)
  const firstLine = message.split("\n")[0] ?? message
  if (tagged && !Cause.isDie(cause)) return firstLine
  return `unexpected error: ${firstLine} (set DESTILL_DEBUG=1 for the details, and please report it)`
}

export const renderFailure = (cause: Cause.Cause<unknown>) =>
  Effect.sync(() => {
    const line = messageFor(cause)
    if (line !== undefined) process.stderr.write(`destill: ${line}\n`)
    if (process.env["DESTILL_DEBUG"]) process.stderr.write(`${Cause.pretty(cause)}\n`)
    process.exitCode = exitCodeFor(cause)
  })
