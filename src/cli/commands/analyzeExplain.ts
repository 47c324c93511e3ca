// `destill analyze --explain`: an insight for the run's findings, above the report. Without a provider the
// triage report still prints, with one line saying which settings to set.
import { Options } from "@effect/cli"
import { Console, Effect, Layer, type Option } from "effect"
import { insightForRequest, type InsightOptions } from "../../../pipelines/insight/insightForRequest.js"
import type { Finding } from "../../domain/Finding.js"
import type { Insight } from "../../domain/Insight.js"
import { InsightRepo } from "../../services/InsightRepo.js"
import { LanguageModel } from "../../services/LanguageModel.js"
import { insightText } from "../format/insight.js"
import { storeFromSettings } from "../layers.js"
import { insightStoreFromSettings, languageModelFrom, type ProviderFlags } from "./insightOptions.js"

export { attempts, model, noRedact, provider } from "./insightOptions.js"

export const explain = Options.boolean("explain").pipe(
  Options.withDescription(
    "Explain the failure with an LLM (root cause, evidence, fix) above the findings; see --provider.",
  ),
)

export interface ExplainFlags extends ProviderFlags {
  readonly explain: boolean
  readonly noRedact: boolean
  readonly attempts: number
}

export interface Explained {
  /** Absent without --explain; empty when there is none to show. */
  readonly insights?: ReadonlyArray<Insight>
  /** Why there is no insight although --explain asked for one (the live view shows it in place of one). */
  readonly unavailable?: string
  /** The same as the one line stderr gets. */
  readonly notice?: string
}

const without = (reason: string, kind: "note" | "no insight"): Explained => ({
  insights: [],
  unavailable: reason,
  notice: `destill: ${kind}: ${reason}`,
})

/** The insights to show (none without --explain), or why there are none; prints nothing itself. */
export const explainFindings = (
  requestId: string,
  findings: ReadonlyArray<Finding>,
  flags: ExplainFlags,
): Effect.Effect<Explained, never, InsightRepo> =>
  Effect.gen(function* () {
    if (!flags.explain) return {}
    if (findings.length === 0) return without("no findings, so there is no insight to make", "note")
    const languageModel = yield* Effect.either(languageModelFrom(flags))
    if (languageModel._tag === "Left") return without(languageModel.left.message, "no insight")
    const options: InsightOptions = { redact: !flags.noRedact, maxAttempts: flags.attempts }
    return yield* insightForRequest(requestId, findings, options).pipe(
      Effect.provideService(LanguageModel, languageModel.right),
      Effect.map((made): Explained => ({ insights: [made] })),
      // The triage result stands on its own: a provider that fails costs the insight, not the report.
      Effect.catchAll((error) => Effect.succeed(without(error.message, "no insight"))),
    )
  })

/** The line that says why --explain gave no insight. */
export const explainedNotice = (explained: Explained) =>
  explained.notice === undefined ? Effect.void : Console.error(explained.notice)

/** The store analyze runs on: with insights when --explain asks for them. */
export const analyzeStoreLayer = (settings: {
  readonly explain: boolean
  readonly noStore: boolean
  readonly dataDir: Option.Option<string>
}) =>
  settings.explain
    ? insightStoreFromSettings(settings)
    : Layer.merge(storeFromSettings(settings), InsightRepo.Memory)

const ansi = { bold: 1, dim: 2, red: 31 } as const

/** After the live view: the insight as the text report would show it. */
export const printInsightsAfterLiveView = (insights: ReadonlyArray<Insight> | undefined) =>
  Effect.forEach(
    insights ?? [],
    (insight) =>
      Console.log(
        `\n${insightText(insight, {
          paint: (code, text) =>
            process.env["NO_COLOR"] === undefined ? `\x1b[${ansi[code]}m${text}\x1b[0m` : text,
        })}`,
      ),
    { discard: true },
  )
