// The job's JSONL output: appended in batches after the samples are committed to the store, and reconciled
// with the store when a job starts again (a torn last line cut off, samples missing from the file added).
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { DistillError } from "../../src/domain/Distill.js"
import { sampleLine } from "../../src/distill/exportFormat.js"
import type { StoreError } from "../../src/domain/errors.js"
import type { DistillRepoShape } from "../../src/services/DistillRepo.js"

const idPrefix = /^\{"id":"((?:[^"\\]|\\.)*)"/

const failure = (output: string, action: string) => (error: unknown) =>
  new DistillError({
    message: `cannot ${action} the output ${output}: ${error instanceof Error ? error.message : String(error)}`,
  })

/** Cut a last line that has no newline (a write the process did not finish); returns the bytes removed. */
const truncateTornLine = (file: string): number => {
  const size = fs.statSync(file).size
  if (size === 0) return 0
  const fd = fs.openSync(file, "r+")
  try {
    const chunk = Buffer.alloc(Math.min(size, 1 << 16))
    let end = size
    // Walk back until the last newline; a torn line longer than one chunk is walked back chunk by chunk.
    while (end > 0) {
      const start = Math.max(0, end - chunk.length)
      const read = fs.readSync(fd, chunk, 0, end - start, start)
      const last = chunk.subarray(0, read).lastIndexOf(10)
      if (last !== -1) {
        const keep = start + last + 1
        if (keep !== size) fs.ftruncateSync(fd, keep)
        return size - keep
      }
      end = start
    }
    fs.ftruncateSync(fd, 0)
    return size
  } finally {
    fs.closeSync(fd)
  }
}

/** The ids of the samples already in the file, read line by line without holding the file. */
const writtenIds = (file: string): Set<string> => {
  const ids = new Set<string>()
  const fd = fs.openSync(file, "r")
  const buffer = Buffer.alloc(1 << 20)
  let rest = ""
  try {
    for (;;) {
      const read = fs.readSync(fd, buffer, 0, buffer.length, null)
      if (read === 0) break
      const lines = (rest + buffer.toString("utf8", 0, read)).split("\n")
      rest = lines.pop() ?? ""
      for (const line of lines) {
        const id = idPrefix.exec(line)?.[1]
        if (id !== undefined) ids.add(JSON.parse(`"${id}"`) as string)
      }
    }
  } finally {
    fs.closeSync(fd)
  }
  return ids
}

export interface Reconciled {
  readonly tornBytes: number
  readonly appended: number
}

/**
 * Make the file hold every accepted sample of the job exactly once. A new job refuses to append to a file
 * that already holds lines, since they would belong to some other dataset.
 */
export const reconcileOutput = (
  repo: DistillRepoShape,
  jobId: string,
  output: string,
  fresh: boolean,
): Effect.Effect<Reconciled, DistillError | StoreError> =>
  Effect.gen(function* () {
    const state = yield* Effect.try({
      try: () => {
        fs.mkdirSync(path.dirname(output), { recursive: true })
        if (!fs.existsSync(output)) fs.writeFileSync(output, "")
        return fs.statSync(output).size
      },
      catch: failure(output, "create"),
    })
    if (fresh && state > 0) {
      return yield* new DistillError({
        message: `the output ${output} already holds data; move it away, choose another output, or pass --restart`,
      })
    }
    const tornBytes = yield* Effect.try({
      try: () => truncateTornLine(output),
      catch: failure(output, "repair"),
    })
    const ids = yield* Effect.try({ try: () => writtenIds(output), catch: failure(output, "read") })
    let appended = 0
    let after = -1
    for (;;) {
      const page = yield* repo.samples(jobId, after, 2_000)
      if (page.length === 0) break
      after = page[page.length - 1]!.taskIndex
      const missing = page.filter((sample) => !ids.has(sample.id))
      if (missing.length > 0) {
        yield* appendLines(output, missing.map(sampleLine))
        appended += missing.length
      }
    }
    return { tornBytes, appended }
  })

/** Append whole lines in one write, so a crash leaves at most one torn line at the end. */
export const appendLines = (
  output: string,
  lines: ReadonlyArray<string>,
): Effect.Effect<void, DistillError> =>
  lines.length === 0
    ? Effect.void
    : Effect.try({
        try: () => fs.appendFileSync(output, lines.join("\n") + "\n"),
        catch: failure(output, "append to"),
      })
