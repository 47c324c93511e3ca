// The destill program: every command, one runtime, failures rendered once as a single line (main.ts loads it).
import { Command } from "@effect/cli"
// Subpath imports: the package index loads every Node adapter (HTTP, cluster, workers) and costs ~0.5 s.
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect } from "effect"
import { analyzeCommand } from "./commands/analyze.js"
import { viewCommand } from "./commands/view.js"
import { explainCommand } from "./commands/explain.js"
import { agentCommand } from "./commands/agent.js"
import { submitCommand } from "./commands/submit.js"
import { dlqCommand } from "./commands/dlq.js"
import { distillCommand } from "./commands/distill.js"
import { renderFailure } from "./errors.js"

const destill = Command.make("destill").pipe(
  Command.withDescription("Turns noisy logs into the few lines a person has to read."),
  Command.withSubcommands([
    analyzeCommand,
    viewCommand,
    explainCommand,
    agentCommand,
    submitCommand,
    dlqCommand,
    distillCommand,
  ]),
)

const cli = Command.run(destill, { name: "destill", version: "0.1.0" })

// A closed stdout (e.g. `destill analyze x | head -1`) is not an error worth a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0)
})

/**
 * @effect/cli stops reading options after a lone "-" (stdin), so `analyze - --format json` would lose its flags:
 * move "-" after them, where it still fills the same positional argument.
 */
const argv = process.argv.includes("-") ? [...process.argv.filter((a) => a !== "-"), "-"] : process.argv

cli(argv).pipe(
  Effect.catchAllCause(renderFailure),
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    disablePrettyLogger: true,
    // Exit once the program and its finalizers (store flushed, lock released) are done, even if a library
    // left a handle open.
    teardown: (_exit, onExit) => {
      const code = typeof process.exitCode === "number" ? process.exitCode : 0
      onExit(code)
      // A report bigger than a pipe's buffer is still being written: exit only once stdout and stderr have taken
      // everything, or a consumer reading slowly (`| python3 score.py`) would get truncated JSON.
      let pending = 2
      const flushed = () => {
        if (--pending === 0) process.exit(code)
      }
      process.stdout.write("", flushed)
      process.stderr.write("", flushed)
    },
  }),
)
