// `destill explain <request-id>`: a root-cause insight for a stored request's findings, generated once and
// reused for identical input, printed in the chosen format (with `--show-prompt`, what the model saw).
import { Args, Command, Options } from "@effect/cli"
import { Console, Data, Effect } from "effect"
import { insightForRequest } from "../../../pipelines/insight/insightForRequest.js"
import type { Insight } from "../../domain/Insight.js"
import { LanguageModel } from "../../services/LanguageModel.js"
import { Store, type StoredRequest } from "../../services/Store.js"
import { checkRange } from "../errors.js"
import { escapeData, escapeProperty } from "../format/github.js"
import { insightJson, insightMarkdown, insightPromptText, insightText } from "../format/insight.js"
import { dataDir, format, type OutputFormat } from "../options.js"
import {
  attempts,
  insightStoreFromSettings,
  languageModelFrom,
  model,
  noRedact,
  provider,
} from "./insightOptions.js"
import { findRequest } from "../findRequest.js"

/** The model never gave an answer that passed validation; the reasons were printed with the result. */
export class InsightRejected extends Data.TaggedError("InsightRejected")<{ readonly attempts: number }> {
  override get message() {
    return `no insight: the model's answers failed validation in ${this.attempts} attempt(s); the reasons are listed above (try --attempts or another --model)`
  }
}

const requestId = Args.text({ name: "request-id" }).pipe(
  Args.withDescription("The request to explain (a prefix is enough); destill view lists them."),
)

const showPrompt = Options.boolean("show-prompt").pipe(
  Options.withDescription("Also print the prompt exactly as the model last saw it (after redaction)."),
)

const useColor = () => process.stdout.isTTY === true && process.env["NO_COLOR"] === undefined
const ansi = { bold: 1, dim: 2, red: 31 } as const
const paint = (code: keyof typeof ansi, text: string) =>
  useColor() ? `\x1b[${ansi[code]}m${text}\x1b[0m` : text

const explanationJson = (insight: Insight, withPrompt: boolean) => ({
  ...insightJson(insight),
  promptVersion: insight.promptVersion,
  inputHash: insight.inputHash,
  cut: insight.cut,
  ...(withPrompt ? { prompt: insight.prompt } : {}),
})

export const printExplanation = (
  stored: StoredRequest,
  insight: Insight,
  output: OutputFormat,
  withPrompt: boolean,
) => {
  const { request } = stored
  switch (output) {
    case "json":
      return Console.log(
        JSON.stringify(
          { requestId: request.id, source: request.source, insights: [explanationJson(insight, withPrompt)] },
          null,
          2,
        ),
      )
    case "jsonl":
      return Console.log(JSON.stringify({ requestId: request.id, ...explanationJson(insight, withPrompt) }))
    case "markdown":
      return Console.log(
        [
          `## destill: insight for \`${request.source}\``,
          "",
          insightMarkdown(insight),
          ...(withPrompt
            ? [
                "",
                "<details><summary>What the model saw</summary>",
                "",
                "```text",
                insightPromptText(insight),
                "```",
                "",
                "</details>",
              ]
            : []),
        ].join("\n"),
      )
    case "github": {
      const accepted = insight.status === "accepted"
      const title = accepted ? `destill insight (${insight.category})` : "destill: no insight"
      const body = accepted
        ? [insight.summary, "", `Root cause: ${insight.rootCause}`, `Fix: ${insight.suggestedFix}`]
        : insight.reasons
      return Console.log(
        `::${accepted ? "notice" : "warning"} title=${escapeProperty(title)}::${escapeData(body.join("\n"))}`,
      )
    }
    default:
      return Console.log(
        [
          `destill · ${request.source} · request ${request.id}`,
          "",
          insightText(insight, { paint }),
          ...(withPrompt ? ["", paint("bold", "what the model saw:"), insightPromptText(insight)] : []),
        ].join("\n"),
      )
  }
}

export const explainCommand = Command.make(
  "explain",
  { requestId, format, dataDir, provider, model, noRedact, attempts, showPrompt },
  (args) =>
    Effect.gen(function* () {
      yield* checkRange("attempts", args.attempts, 1, 10)
      const stored = yield* findRequest(args.requestId)
      const languageModel = yield* languageModelFrom(args)
      const findings = yield* (yield* Store).findings(stored.request.id)
      const insight = yield* insightForRequest(stored.request.id, findings, {
        redact: !args.noRedact,
        maxAttempts: args.attempts,
      }).pipe(Effect.provideService(LanguageModel, languageModel))
      yield* printExplanation(stored, insight, args.format, args.showPrompt)
      if (insight.status === "rejected") return yield* new InsightRejected({ attempts: insight.attempts })
    }).pipe(Effect.provide(insightStoreFromSettings({ noStore: false, dataDir: args.dataDir }))),
).pipe(
  Command.withDescription(
    "Explain a stored request's failure with an LLM: root cause, evidence lines, suggested fix (validated).",
  ),
)
