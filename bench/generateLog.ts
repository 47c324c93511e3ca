// Generates a realistic CI log of a requested size from a seed (same seed, same bytes), streamed to disk
// with backpressure and cached under bench/out/ so reruns reuse it.
import { once } from "node:events"
import { createWriteStream } from "node:fs"
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { LogWriter } from "./logWriter.js"
import { noiseSections, runnerHeader } from "./noiseSections.js"
import { failurePlan, type PlantedFailure, writeFailure } from "./plantedFailures.js"
import { SeededRandom } from "./seededRandom.js"

/** Bump when the generated text changes, so cached logs of an older shape are not reused. */
export const generatorVersion = 1

export interface LogSpec {
  readonly sizeBytes: number
  readonly seed: number
}

export interface LogSummary {
  readonly sizeBytes: number
  readonly seed: number
  readonly generatorVersion: number
  readonly bytes: number
  /** Lines as `\n` separates them (a lone `\r` does not start a new line here). */
  readonly lines: number
  readonly failures: ReadonlyArray<PlantedFailure>
}

export interface GeneratedLog extends LogSummary {
  readonly path: string
  readonly cached: boolean
  readonly generationMs: number
}

const batchChars = 256 * 1024
// A fixed start time keeps timestamps, and so the bytes, independent of when the log is generated.
const startMs = Date.UTC(2024, 4, 14, 10, 0, 0)

/**
 * Yields the log text in batches of about 256 KB and returns where the planted failures are. Noise sections
 * run once each in order (so even a small log has every kind), then at random until the failures are due.
 */
export function* logText(spec: LogSpec): Generator<string, LogSummary, void> {
  const r = new SeededRandom(spec.seed)
  const w = new LogWriter(startMs)
  const failures: Array<PlantedFailure> = []
  w.stamped = true
  runnerHeader(w, r)
  let section = 0
  for (const [index, { after, block }] of failurePlan.entries()) {
    while (w.approximateBytes < spec.sizeBytes * after || section < noiseSections.length) {
      const noise =
        noiseSections[section < noiseSections.length ? section : r.int(0, noiseSections.length - 1)]
      section++
      if (noise === undefined) continue
      w.stamped = r.chance(0.4)
      w.emit(`##[group]${noise.title}`)
      noise.write(w, r)
      w.emit("##[endgroup]")
      w.advance(r.int(1_000, 90_000))
      if (w.pendingChars >= batchChars) yield w.take()
    }
    w.stamped = index % 2 === 0
    failures.push(writeFailure(w, block))
  }
  yield w.take()
  return {
    sizeBytes: spec.sizeBytes,
    seed: spec.seed,
    generatorVersion,
    bytes: w.bytesTaken,
    lines: w.lines,
    failures,
  }
}

/** Writes the log to `path`, waiting for the disk whenever the stream's buffer is full. */
export const writeLog = async (spec: LogSpec, path: string): Promise<LogSummary> => {
  const out = createWriteStream(path)
  const failed = new Promise<never>((_, reject) => out.once("error", reject))
  const text = logText(spec)
  let step = text.next()
  while (step.done !== true) {
    if (!out.write(step.value)) await Promise.race([once(out, "drain"), failed])
    step = text.next()
  }
  out.end()
  await Promise.race([once(out, "finish"), failed])
  return step.value
}

export const cachedLogPath = (outDir: string, spec: LogSpec): string => {
  const size =
    spec.sizeBytes % (1024 * 1024) === 0 ? `${spec.sizeBytes / 1024 / 1024}mb` : `${spec.sizeBytes}b`
  return join(outDir, `ci-${size}-seed${spec.seed}-v${generatorVersion}.log`)
}

/** Returns the cached log for this size and seed, generating it first if it is missing or incomplete. */
export const ensureLog = async (spec: LogSpec, outDir: string): Promise<GeneratedLog> => {
  const path = cachedLogPath(outDir, spec)
  const manifest = `${path}.json`
  const started = performance.now()
  try {
    const summary = JSON.parse(await readFile(manifest, "utf8")) as LogSummary
    if ((await stat(path)).size === summary.bytes) return { ...summary, path, cached: true, generationMs: 0 }
  } catch {
    // no usable cache: generate below
  }
  await mkdir(outDir, { recursive: true })
  // Written under a temporary name so an interrupted run never leaves a log that looks complete.
  const summary = await writeLog(spec, `${path}.partial`)
  await rename(`${path}.partial`, path)
  await writeFile(manifest, JSON.stringify(summary, null, 2))
  return { ...summary, path, cached: false, generationMs: performance.now() - started }
}
