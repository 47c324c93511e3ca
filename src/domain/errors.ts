// Expected failures, typed, each carrying what a user needs to act; rendered once at the CLI edge.
import { Data } from "effect"

/** The input cannot be read or is not a text log. */
export class InputError extends Data.TaggedError("InputError")<{ readonly message: string }> {}

/** The store cannot be opened, migrated or written. */
export class StoreError extends Data.TaggedError("StoreError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/** Another process holds the embedded store's data dir. */
export class StoreLocked extends Data.TaggedError("StoreLocked")<{
  readonly dataDir: string
  readonly pid: number
}> {
  override get message() {
    return `the data dir ${this.dataDir} is in use by process ${this.pid}; wait for it to finish, or pass --data-dir DIR or --no-store`
  }
}

/** A broker cannot be reached, or a message cannot be published or decoded. */
export class BrokerError extends Data.TaggedError("BrokerError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/** A setting is missing or malformed; names the variable or flag. */
export class ConfigurationError extends Data.TaggedError("ConfigurationError")<{
  readonly message: string
}> {}
