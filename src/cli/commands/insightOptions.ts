// What `explain` and `analyze --explain` share: the provider flags (over DESTILL_PROVIDER / DESTILL_MODEL),
// redaction and attempts, and a store that keeps insights beside the findings.
import { Options } from "@effect/cli"
import { Config, Effect, Layer, Option } from "effect"
import { defaultContextTokens } from "../../../pipelines/insight/budget.js"
import { makeProvider, type ProviderType } from "../../../layers/provider/index.js"
import { storeWithInsightsLayer } from "../../../layers/store/InsightSql.js"
import { defaultDataDir } from "../../../layers/store/index.js"
import { ConfigurationError } from "../../domain/errors.js"
import { InsightRepo } from "../../services/InsightRepo.js"
import type { LanguageModelShape } from "../../services/LanguageModel.js"
import { Store } from "../../services/Store.js"
import { databaseUrl } from "../options.js"

const providerTypes = ["ollama", "openai", "scripted"] as const satisfies ReadonlyArray<ProviderType>

export const provider = Options.choice("provider", providerTypes).pipe(
  Options.optional,
  Options.withDescription(
    "LLM provider for insights: ollama, openai or scripted (default: DESTILL_PROVIDER).",
  ),
)

export const model = Options.text("model").pipe(
  Options.optional,
  Options.withDescription(
    "Model the provider runs, e.g. llama3.1:8b or gpt-4o-mini (default: DESTILL_MODEL).",
  ),
)

export const noRedact = Options.boolean("no-redact").pipe(
  Options.withDescription("Send log lines as they are: no redaction of tokens, keys, passwords and emails."),
)

export const attempts = Options.integer("attempts").pipe(
  Options.withDefault(3),
  Options.withDescription("Model calls before an answer that never validates is rejected."),
)

export interface ProviderFlags {
  readonly provider: Option.Option<ProviderType>
  readonly model: Option.Option<string>
}

export const noProviderMessage =
  "no LLM provider configured: set DESTILL_PROVIDER (ollama, openai or scripted) and DESTILL_MODEL, or pass --provider and --model"

/** An environment setting; set but empty counts as unset (`DESTILL_PROVIDER= destill ...`). */
const fromEnv = (name: string) =>
  Config.option(Config.string(name)).pipe(
    Effect.map((value) => Option.getOrUndefined(value)?.trim() || undefined),
    Effect.mapError((error) => new ConfigurationError({ message: `cannot read ${name}: ${String(error)}` })),
  )

const isProviderType = (value: string): value is ProviderType =>
  (providerTypes as ReadonlyArray<string>).includes(value)

/**
 * DESTILL_CONTEXT_TOKENS, else for Ollama 8192: its own default window is smaller than the prompt budget
 * assumes, and it would cut the prompt silently; asking for the window (num_ctx) keeps the two in step.
 */
const contextTokensFor = (type: ProviderType) =>
  Effect.flatMap(fromEnv("DESTILL_CONTEXT_TOKENS"), (raw) => {
    if (raw === undefined) return Effect.succeed(type === "ollama" ? defaultContextTokens : undefined)
    const tokens = Number(raw)
    return Number.isInteger(tokens) && tokens >= 1024
      ? Effect.succeed(tokens)
      : Effect.fail(
          new ConfigurationError({
            message: `DESTILL_CONTEXT_TOKENS must be a whole number of tokens, at least 1024, got "${raw}"`,
          }),
        )
  })

/** Flags win over DESTILL_PROVIDER / DESTILL_MODEL; each provider's own settings come from the environment. */
export const languageModelFrom = (
  flags: ProviderFlags,
): Effect.Effect<LanguageModelShape, ConfigurationError> =>
  Effect.gen(function* () {
    const type = Option.getOrUndefined(flags.provider) ?? (yield* fromEnv("DESTILL_PROVIDER"))
    if (type === undefined) return yield* new ConfigurationError({ message: noProviderMessage })
    if (!isProviderType(type)) {
      return yield* new ConfigurationError({
        message: `DESTILL_PROVIDER must be ollama, openai or scripted, got "${type}"`,
      })
    }
    const name = Option.getOrUndefined(flags.model) ?? (yield* fromEnv("DESTILL_MODEL"))
    const window = yield* contextTokensFor(type)
    return yield* makeProvider({
      type,
      ...(name === undefined ? {} : { model: name }),
      ...(window === undefined ? {} : { contextTokens: window }),
    })
  })

/** The store with insights; `--no-store` keeps insights in this process only. */
export const insightStoreFromSettings = (settings: {
  readonly noStore: boolean
  readonly dataDir: Option.Option<string>
}) =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      if (settings.noStore) return Layer.merge(Store.None, InsightRepo.Memory)
      const url = yield* databaseUrl
      return storeWithInsightsLayer({
        databaseUrl: Option.getOrUndefined(url),
        dataDir: Option.getOrElse(settings.dataDir, () => defaultDataDir(process.env)),
      })
    }),
  )
