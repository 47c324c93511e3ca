// Prints a triage report in the chosen format; warnings go to stderr so stdout stays machine-readable.
import { appendFile } from "node:fs/promises"
import { Console, Effect } from "effect"
import { escapeData, reportGithub } from "./format/github.js"
import { reportMarkdown } from "./format/markdown.js"
import { findingJsonl, type Report, reportJson } from "./format/report.js"
import { reportText } from "./format/text.js"
import type { OutputFormat } from "./options.js"

const useColor = () => process.stdout.isTTY === true && process.env["NO_COLOR"] === undefined

/** Workflow commands on stdout, and the Markdown report as the job summary when GitHub gives a file for it. */
const printGithub = (report: Report) =>
  Effect.gen(function* () {
    for (const w of report.warnings ?? []) yield* Console.log(`::warning title=destill::${escapeData(w)}`)
    yield* Console.log(reportGithub(report))
    const summary = process.env["GITHUB_STEP_SUMMARY"]
    if (summary === undefined || summary === "") return
    yield* Effect.tryPromise(() => appendFile(summary, `${reportMarkdown(report)}\n`)).pipe(
      Effect.catchAll(() =>
        Console.error(
          `destill: warning: could not append the job summary to ${summary} (GITHUB_STEP_SUMMARY)`,
        ),
      ),
    )
  })

export const printReport = (report: Report, format: OutputFormat) =>
  Effect.gen(function* () {
    if (format !== "text" && format !== "markdown" && format !== "github") {
      for (const w of report.warnings ?? []) yield* Console.error(`destill: warning: ${w}`)
    }
    switch (format) {
      case "json":
        return yield* Console.log(reportJson(report))
      case "jsonl":
        for (const f of report.findings) yield* Console.log(findingJsonl(f))
        return
      case "markdown":
        return yield* Console.log(reportMarkdown(report))
      case "github":
        return yield* printGithub(report)
      case "text":
        return yield* Console.log(reportText(report, { color: useColor(), maxLines: 30 }))
    }
  })
