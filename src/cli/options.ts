// Options shared by several commands, each with its environment fallback where DESIGN.md names one.
import { Options } from "@effect/cli"
import { Config } from "effect"

export const formatChoices = ["text", "json", "jsonl", "markdown", "github"] as const
export type OutputFormat = (typeof formatChoices)[number]

export const format = Options.choice("format", formatChoices).pipe(
  Options.withAlias("f"),
  Options.withDefault("text" as OutputFormat),
  Options.withDescription(
    "Output: text (a readable report), json, jsonl (a finding per line), markdown, github (Actions annotations " +
      "plus a job summary in $GITHUB_STEP_SUMMARY).",
  ),
)

/** `--format` where leaving it out means the live view on a terminal (and text elsewhere). */
export const formatOrLive = Options.choice("format", formatChoices).pipe(
  Options.withAlias("f"),
  Options.optional,
  Options.withDescription(
    "Output: text (a readable report), json, jsonl (a finding per line), markdown, github (Actions annotations " +
      "plus a job summary in $GITHUB_STEP_SUMMARY). Without it: the live view on a terminal, else text.",
  ),
)

export const noStore = Options.boolean("no-store").pipe(
  Options.withDescription("Do not keep the request and its findings in the store."),
)

export const dataDir = Options.directory("data-dir").pipe(
  Options.withFallbackConfig(Config.string("DESTILL_DATA_DIR")),
  Options.optional,
  Options.withDescription("Where the embedded database lives (default: $XDG_DATA_HOME/destill)."),
)

export const databaseUrl = Config.string("DATABASE_URL").pipe(
  Config.orElse(() => Config.string("POSTGRES_DSN")),
  Config.option,
)
