// Starting the scoring threads, early when the command line says they will be needed. Loads nothing but node: the
// CLI entry imports this before effect and the commands (~0.4 s of loading on one core), so threads started here
// load their own code on the other core meanwhile and are ready when the first chunk is read. Without that, the
// reading thread scored the first chunks itself in code not yet optimised, and compiled the scoring code a third
// time (once per thread that runs it).
import { existsSync, statSync } from "node:fs"
import { availableParallelism } from "node:os"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import { defaultChunkLimits } from "../../src/triage/chunk.js"

/** The compiled scoring thread's entry, next to this module's compiled code (in dist/bundle, next to the bundle). */
export const scoringThreadFile = (): string | undefined => {
  const file = fileURLToPath(new URL("./analyzeWorker.js", import.meta.url))
  return existsSync(file) ? file : undefined
}

/** Worker threads `analyze` scores on when `--jobs` is not given: the cores, at most 4. */
export const defaultScoringThreads = (): number => Math.min(4, availableParallelism())

/**
 * A scoring thread. Scoring a chunk allocates ~1.4 MB that dies with the chunk: a young generation that holds a
 * chunk's garbage collects it cheaply (4 MB spent ~25% more CPU copying live data), and the old generation stays
 * small because the thread never loads effect. Both keep RSS bounded below V8's defaults.
 */
export const spawnScoringThread = (file: string): Worker =>
  new Worker(file, { resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 128 } })

interface Early {
  readonly worker: Worker
  ready: boolean
  gone: boolean
  readonly watch: (message: { readonly ready?: true }) => void
  readonly lost: () => void
}

/**
 * The threads started early, on globalThis: in the bin the entry that starts them (cli.js) and the program that
 * claims them (program.cjs) are two bundles, each with its own copy of this module.
 */
const early: Array<Early> = ((globalThis as Record<symbol, unknown>)[Symbol.for("destill.earlyThreads")] ??=
  []) as Array<Early>

/** A thread started early, with whether it has said it is ready; undefined when none is left. */
export const takeEarlyThread = (): { readonly worker: Worker; readonly ready: boolean } | undefined => {
  for (let entry = early.shift(); entry !== undefined; entry = early.shift()) {
    entry.worker.off("message", entry.watch)
    entry.worker.off("error", entry.lost)
    entry.worker.off("exit", entry.lost)
    if (entry.gone) continue
    // it held nothing open while unclaimed; its new owner terminates it
    entry.worker.ref()
    return { worker: entry.worker, ready: entry.ready }
  }
  return undefined
}

/** Inputs at least this big are cut into several chunks, which is when analyze scores on threads at all. */
const SEVERAL_CHUNKS = 2 * defaultChunkLimits.maxBytes

/** A local file worth starting threads for: `analyze` would cut it into several chunks. */
const isBigFile = (arg: string): boolean => {
  try {
    const stats = statSync(arg)
    return stats.isFile() && stats.size >= SEVERAL_CHUNKS
  } catch {
    return false
  }
}

/**
 * Starts the scoring threads for `destill analyze <big local file>` before the rest of the CLI loads. Anything else
 * (another command, stdin, a URL, a small file, `--jobs` given, a broker configured, which sends the work elsewhere)
 * starts none here: the analyzer pool starts them when it needs them, as before. Threads started here hold nothing
 * open; should no pool claim them (a bad option, say), the process exits as if they were not there.
 */
export const startScoringThreadsFor = (argv: ReadonlyArray<string>): void => {
  const args = argv.slice(2)
  if (args[0] !== "analyze") return
  if (args.some((arg) => arg === "-j" || arg.startsWith("--jobs") || arg === "-h" || arg === "--help")) return
  if (process.env["KAFKA_BROKERS"] || process.env["REDPANDA_BROKERS"]) return
  if (!args.slice(1).some(isBigFile)) return
  const file = scoringThreadFile()
  if (file === undefined) return
  for (let i = 0; i < defaultScoringThreads(); i++) {
    const worker = spawnScoringThread(file)
    const entry: Early = {
      worker,
      ready: false,
      gone: false,
      watch: (message) => {
        if (message.ready === true) entry.ready = true
      },
      lost: () => {
        entry.gone = true
      },
    }
    worker.on("message", entry.watch)
    worker.on("error", entry.lost)
    worker.on("exit", entry.lost)
    worker.unref()
    early.push(entry)
  }
}
