// Runs a command and measures its wall time and peak resident memory, with GNU time when it is installed
// and by polling /proc/<pid>/status otherwise (no other tool is assumed).
import { spawn, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { BenchError } from "./section.js"

export type RssMethod = "gnu-time" | "proc-poll" | "unavailable"

export interface MeasuredRun {
  readonly argv: ReadonlyArray<string>
  readonly exitCode: number
  readonly wallMs: number
  readonly peakRssBytes: number | undefined
  readonly rssMethod: RssMethod
  /** User + system CPU time, from GNU time; wall time alone misleads on a machine shared with others. */
  readonly cpuMs: number | undefined
  readonly stdout: string
  readonly stderrTail: string
}

const gnuTime = "/usr/bin/time"
let gnuTimeWorks: boolean | undefined

const hasGnuTime = (): boolean => {
  gnuTimeWorks ??= (() => {
    const probe = spawnSync(gnuTime, ["-f", "%M", "true"], { encoding: "utf8" })
    return probe.status === 0 && /^\d+\s*$/.test(probe.stderr)
  })()
  return gnuTimeWorks
}

const highWaterKb = (pid: number): number | undefined => {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
    return match?.[1] === undefined ? undefined : Number(match[1])
  } catch {
    return undefined
  }
}

const run = (argv: ReadonlyArray<string>, useGnuTime: boolean): Promise<MeasuredRun> =>
  new Promise((resolve, reject) => {
    const [command, ...args] = argv
    if (command === undefined) return reject(new Error("empty command"))
    const viaTime = useGnuTime && hasGnuTime()
    const timeDir = viaTime ? mkdtempSync(join(tmpdir(), "destill-bench-")) : undefined
    const timeFile = timeDir === undefined ? undefined : join(timeDir, "rss")
    const spawned =
      timeFile === undefined
        ? spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] })
        : spawn(gnuTime, ["-f", "%M %U %S", "-o", timeFile, command, ...args], {
            stdio: ["ignore", "pipe", "pipe"],
          })
    const started = performance.now()
    const stdout: Array<Buffer> = []
    let stderr = ""
    let polledKb: number | undefined
    // VmHWM is already a peak, so a coarse poll only misses growth in the last few milliseconds.
    const poll =
      viaTime || spawned.pid === undefined
        ? undefined
        : setInterval(() => {
            const kb = highWaterKb(spawned.pid as number)
            if (kb !== undefined) polledKb = Math.max(polledKb ?? 0, kb)
          }, 20)
    spawned.stdout.on("data", (chunk: Buffer) => stdout.push(chunk))
    spawned.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000)
    })
    spawned.once("error", (error) => {
      if (poll !== undefined) clearInterval(poll)
      reject(error)
    })
    spawned.once("close", (code) => {
      const wallMs = performance.now() - started
      if (poll !== undefined) clearInterval(poll)
      // GNU time reports a command it cannot start as exit 127 with this line; fail as a direct spawn would.
      const notStarted = viaTime && code === 127 ? /cannot run .*/.exec(stderr) : null
      if (notStarted !== null) {
        if (timeDir !== undefined) rmSync(timeDir, { recursive: true, force: true })
        return reject(new Error(notStarted[0]))
      }
      let peakKb = polledKb
      let cpuMs: number | undefined
      if (timeFile !== undefined && timeDir !== undefined) {
        // The last line is ours; a killed child makes GNU time print a "Command terminated" line before it.
        const recorded = /(\d+) ([\d.]+) ([\d.]+)\s*$/.exec(readFileSync(timeFile, "utf8"))
        peakKb = recorded?.[1] === undefined ? undefined : Number(recorded[1])
        cpuMs = recorded === null ? undefined : (Number(recorded[2]) + Number(recorded[3])) * 1000
        rmSync(timeDir, { recursive: true, force: true })
      }
      resolve({
        argv,
        exitCode: code ?? -1,
        wallMs,
        peakRssBytes: peakKb === undefined ? undefined : peakKb * 1024,
        rssMethod: peakKb === undefined ? "unavailable" : viaTime ? "gnu-time" : "proc-poll",
        cpuMs,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderrTail: stderr.trim(),
      })
    })
  })

/**
 * Runs `argv` to completion; a command that cannot start is a BenchError, a non-zero exit is returned.
 * `useGnuTime: false` forces the /proc poll (what a machine without GNU time gets).
 */
export const runMeasured = (
  argv: ReadonlyArray<string>,
  options: { readonly useGnuTime?: boolean } = {},
): Effect.Effect<MeasuredRun, BenchError> =>
  Effect.tryPromise({
    try: () => run(argv, options.useGnuTime ?? true),
    catch: (error) => new BenchError({ message: `cannot run ${argv.join(" ")}: ${String(error)}` }),
  })
