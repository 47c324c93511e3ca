// Finds a stored request by its id or a unique prefix of it, as every command that takes a request id does.
import { Effect, Option } from "effect"
import { Store } from "../services/Store.js"
import { InvalidOption } from "./errors.js"

/** A full id, or a unique prefix of one. */
export const findRequest = (wanted: string) =>
  Effect.gen(function* () {
    const store = yield* Store
    let found = yield* store.getRequest(wanted)
    if (Option.isNone(found) && wanted.length < 36) {
      const matches = (yield* store.listRequests(1000)).filter((r) => r.request.id.startsWith(wanted))
      if (matches.length > 1) {
        return yield* new InvalidOption({
          message: `request id ${wanted} is ambiguous: give more characters`,
        })
      }
      found = Option.fromNullable(matches[0])
    }
    if (Option.isNone(found)) {
      return yield* new InvalidOption({
        message: `no request ${wanted}: destill view lists the stored requests`,
      })
    }
    return found.value
  })
