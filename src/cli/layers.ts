// The local-mode wiring the commands run on: the in-memory broker and the store the settings choose.
import { Effect, Layer, Option } from "effect"
import { layer as memoryBroker } from "../../layers/broker/memory/MemoryBroker.js"
import { defaultDataDir, storeLayer } from "../../layers/store/index.js"
import { Store } from "../services/Store.js"
import { databaseUrl } from "./options.js"

export const storeFromSettings = (settings: {
  readonly noStore: boolean
  readonly dataDir: Option.Option<string>
}) =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      if (settings.noStore) return Store.None
      const url = yield* databaseUrl
      return storeLayer({
        databaseUrl: Option.getOrUndefined(url),
        dataDir: Option.getOrElse(settings.dataDir, () => defaultDataDir(process.env)),
      })
    }),
  )

export const localBroker = memoryBroker({ capacity: 8 })
