// Choosing a provider: from the environment (DESTILL_PROVIDER, DESTILL_MODEL and each provider's own
// settings) or from a spec such as a dataset job's provider list.
import { readFileSync } from "node:fs"
import { Config, ConfigError, Effect, Layer, Option, Redacted } from "effect"
import { ConfigurationError } from "../../src/domain/errors.js"
import { LanguageModel, type LanguageModelShape } from "../../src/services/LanguageModel.js"
import { makeOpenAi } from "./openai.js"
import { makeScripted, type ScriptedReply } from "./scripted.js"

// (./ollama.js is not re-exported: the Ollama client and its fetch polyfill load only for a run that uses them)
export * from "./openai.js"
export * from "./router.js"
export * from "./scripted.js"

export type ProviderType = "ollama" | "openai" | "scripted"

/** One provider as a job file or a flag names it; unset fields come from the environment. */
export interface ProviderSpec {
  readonly type: ProviderType
  readonly model?: string
  readonly host?: string
  readonly baseUrl?: string
  readonly apiKey?: Redacted.Redacted<string>
  readonly embeddingModel?: string
  readonly contextTokens?: number
  readonly timeoutMs?: number
  /** For "scripted": a JSON file holding an array of replies ({ text } or { value }). */
  readonly scriptFile?: string
  readonly name?: string
}

const openRouterUrl = "https://openrouter.ai/api/v1"

const optional = <A>(config: Config.Config<A>) =>
  Config.option(config).pipe(Effect.map(Option.getOrUndefined))

const readScript = (path: string): Effect.Effect<ReadonlyArray<ScriptedReply>, ConfigurationError> =>
  Effect.try({
    try: () => {
      const parsed: unknown = JSON.parse(readFileSync(path, "utf8"))
      if (!Array.isArray(parsed) || parsed.length === 0) throw new Error("expected a non-empty JSON array")
      return parsed as ReadonlyArray<ScriptedReply>
    },
    catch: (error) =>
      new ConfigurationError({
        message: `cannot read the script DESTILL_SCRIPT=${path}: ${error instanceof Error ? error.message : String(error)}`,
      }),
  })

const needModel = (spec: ProviderSpec): Effect.Effect<string, ConfigurationError> =>
  spec.model === undefined
    ? Effect.fail(
        new ConfigurationError({
          message: `the ${spec.type} provider needs a model: set DESTILL_MODEL or pass --model (e.g. llama3.1:8b)`,
        }),
      )
    : Effect.succeed(spec.model)

const configured = (error: ConfigError.ConfigError) =>
  new ConfigurationError({ message: `invalid provider setting: ${String(error)}` })

/** Build one provider; settings the spec leaves out come from OLLAMA_HOST, OPENAI_* and OPENROUTER_API_KEY. */
export const makeProvider = (spec: ProviderSpec): Effect.Effect<LanguageModelShape, ConfigurationError> =>
  Effect.gen(function* () {
    const common = {
      ...(spec.name === undefined ? {} : { name: spec.name }),
      ...(spec.embeddingModel === undefined ? {} : { embeddingModel: spec.embeddingModel }),
      ...(spec.contextTokens === undefined ? {} : { contextTokens: spec.contextTokens }),
      ...(spec.timeoutMs === undefined ? {} : { timeoutMs: spec.timeoutMs }),
    }
    switch (spec.type) {
      case "ollama": {
        const model = yield* needModel(spec)
        const host = spec.host ?? (yield* optional(Config.string("OLLAMA_HOST")))
        const { makeOllama } = yield* Effect.promise(() => import("./ollama.js"))
        return makeOllama({ ...common, model, ...(host === undefined ? {} : { host }) })
      }
      case "openai": {
        const model = yield* needModel(spec)
        const openAiKey = yield* optional(Config.redacted("OPENAI_API_KEY"))
        const openRouterKey = yield* optional(Config.redacted("OPENROUTER_API_KEY"))
        const envUrl = yield* optional(Config.string("OPENAI_BASE_URL"))
        const apiKey = spec.apiKey ?? openAiKey ?? openRouterKey
        const baseUrl =
          spec.baseUrl ??
          envUrl ??
          (openAiKey === undefined && openRouterKey !== undefined ? openRouterUrl : undefined)
        if (apiKey === undefined && baseUrl === undefined) {
          return yield* new ConfigurationError({
            message:
              "the openai provider needs OPENAI_API_KEY (or OPENROUTER_API_KEY), or OPENAI_BASE_URL for a local server",
          })
        }
        return makeOpenAi({
          ...common,
          model,
          ...(apiKey === undefined ? {} : { apiKey: Redacted.value(apiKey) }),
          ...(baseUrl === undefined ? {} : { baseUrl }),
          ...(baseUrl?.startsWith(openRouterUrl) && spec.name === undefined ? { name: "openrouter" } : {}),
        })
      }
      case "scripted": {
        const file = spec.scriptFile ?? (yield* optional(Config.string("DESTILL_SCRIPT")))
        const script: ReadonlyArray<ScriptedReply> =
          file === undefined
            ? [{ text: "(scripted provider: set DESTILL_SCRIPT to a JSON file of replies)" }]
            : yield* readScript(file)
        return makeScripted({
          script,
          model: spec.model ?? "scripted",
          ...(spec.name === undefined ? {} : { name: spec.name }),
        })
      }
    }
  }).pipe(Effect.mapError((error) => (error instanceof ConfigurationError ? error : configured(error))))

/**
 * The LanguageModel named by DESTILL_PROVIDER (ollama | openai | scripted) and DESTILL_MODEL. Without a
 * provider it fails with a ConfigurationError naming both, so callers can go on without insights.
 */
export const providerFromConfig: Effect.Effect<LanguageModelShape, ConfigurationError> = Effect.gen(
  function* () {
    const type = yield* optional(Config.literal("ollama", "openai", "scripted")("DESTILL_PROVIDER"))
    if (type === undefined) {
      return yield* new ConfigurationError({
        message:
          "no LLM provider configured: set DESTILL_PROVIDER (ollama, openai or scripted) and DESTILL_MODEL, or pass --provider and --model",
      })
    }
    const model = yield* optional(Config.string("DESTILL_MODEL"))
    return yield* makeProvider({ type, ...(model === undefined ? {} : { model }) })
  },
).pipe(Effect.mapError((error) => (error instanceof ConfigurationError ? error : configured(error))))

export const providerLayerFromConfig: Layer.Layer<LanguageModel, ConfigurationError> = Layer.effect(
  LanguageModel,
  providerFromConfig,
)
