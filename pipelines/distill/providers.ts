// The teachers a job names, behind one router: each provider entry becomes a routed provider with its own
// weight, concurrency and per-minute budgets; a scripted entry can answer from a JSON file or a JS module.
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import {
  layerRouter,
  makeProvider,
  makeScripted,
  type RoutedProvider,
  type Script,
} from "../../layers/provider/index.js"
import { esmImport } from "../esmImport.js"
import type { JobSpec, ProviderEntry } from "../../src/domain/Distill.js"
import { ConfigurationError } from "../../src/domain/errors.js"
import type {
  LanguageModel,
  LanguageModelShape,
  LanguageModelStats,
} from "../../src/services/LanguageModel.js"

const loadScript = (file: string): Effect.Effect<Script, ConfigurationError> =>
  Effect.tryPromise({
    try: async () => {
      if (/\.(m?js)$/.test(file)) {
        const module = await esmImport<{ default?: unknown }>(pathToFileURL(path.resolve(file)).href)
        if (typeof module.default !== "function")
          throw new Error("its default export must be a function (request, call) => reply")
        return module.default as Script
      }
      const parsed: unknown = JSON.parse(fs.readFileSync(file, "utf8"))
      if (!Array.isArray(parsed) || parsed.length === 0)
        throw new Error("expected a non-empty JSON array of replies")
      return parsed as Script
    },
    catch: (error) =>
      new ConfigurationError({
        message: `cannot load the scripted provider's script ${file}: ${error instanceof Error ? error.message : String(error)}`,
      }),
  })

const providerOf = (entry: ProviderEntry): Effect.Effect<LanguageModelShape, ConfigurationError> =>
  entry.type === "scripted" && entry.script !== undefined
    ? Effect.map(loadScript(entry.script), (script) =>
        makeScripted({
          script,
          ...(entry.model === undefined ? {} : { model: entry.model }),
          ...(entry.name === undefined ? {} : { name: entry.name }),
          ...(entry.latencyMs === undefined ? {} : { latencyMs: entry.latencyMs }),
        }),
      )
    : makeProvider({
        type: entry.type,
        ...(entry.model === undefined ? {} : { model: entry.model }),
        ...(entry.name === undefined ? {} : { name: entry.name }),
        ...(entry.host === undefined ? {} : { host: entry.host }),
        ...(entry.baseUrl === undefined ? {} : { baseUrl: entry.baseUrl }),
        ...(entry.timeoutMs === undefined ? {} : { timeoutMs: entry.timeoutMs }),
      })

/** Every provider of the job as routed entries; each may run the job's whole concurrency unless it says less. */
export const routedProviders = (
  spec: JobSpec,
): Effect.Effect<ReadonlyArray<RoutedProvider>, ConfigurationError> =>
  Effect.forEach(spec.providers, (entry, i) =>
    Effect.map(providerOf(entry), (model): RoutedProvider => ({
      model,
      name: entry.name ?? `${model.provider}/${model.model}${spec.providers.length > 1 ? `#${i + 1}` : ""}`,
      concurrency: entry.concurrency ?? spec.concurrency ?? 8,
      ...(entry.weight === undefined ? {} : { weight: entry.weight }),
      ...(entry.requestsPerMinute === undefined ? {} : { requestsPerMinute: entry.requestsPerMinute }),
      ...(entry.tokensPerMinute === undefined ? {} : { tokensPerMinute: entry.tokensPerMinute }),
    })),
  )

export const jobProviderLayer = (
  spec: JobSpec,
): Layer.Layer<LanguageModel | LanguageModelStats, ConfigurationError> =>
  Layer.unwrapEffect(
    Effect.map(routedProviders(spec), (providers) =>
      layerRouter({ providers, ...(spec.strategy === undefined ? {} : { strategy: spec.strategy }) }),
    ),
  )

/** Relative paths in a job file (output, seeds file, scripts) are relative to the file, stored absolute. */
export const anchorPaths = (spec: JobSpec, baseDir: string): JobSpec => ({
  ...spec,
  output: path.resolve(baseDir, spec.output),
  seeds: "file" in spec.seeds ? { file: path.resolve(baseDir, spec.seeds.file) } : spec.seeds,
  providers: spec.providers.map((entry) =>
    entry.script === undefined ? entry : { ...entry, script: path.resolve(baseDir, entry.script) },
  ) as unknown as JobSpec["providers"],
})
