// Progress on stderr when there is no live view: a line every few seconds for long runs, nothing for short ones.
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Ref, TestClock } from "effect"
import { emptyProgress } from "../../pipelines/triage/ingest.js"
import { makeProgress } from "../../pipelines/triage/run.js"
import { progressLine, reportProgress } from "../../src/ui/progressLine.js"

describe("progress lines", () => {
  it("says bytes of the known total, lines and lines/s", () => {
    const line = progressLine(
      { ...emptyProgress, bytes: 600_000_000, expectedBytes: 2_000_000_000, lines: 9_000_000 },
      6000,
    )
    expect(line).toBe("destill: 600 MB of 2.0 GB (30%) · 9,000,000 lines · 1.50M lines/s · 6.0s")
  })

  it("says only what was read when a job's size is unknown or exceeded (stdin, gzip)", () => {
    expect(progressLine({ ...emptyProgress, bytes: 5_000_000, unsizedJobs: 1, lines: 1000 }, 3000)).toMatch(
      /^destill: 5\.0 MB read · 1,000 lines/,
    )
    expect(progressLine({ ...emptyProgress, bytes: 5_000_000, expectedBytes: 1_000_000 }, 3000)).toMatch(
      /^destill: 5\.0 MB read/,
    )
  })

  it.effect("writes nothing for a short run, then a line every few seconds", () =>
    Effect.gen(function* () {
      const progress = yield* makeProgress
      const written: Array<string> = []
      const fiber = yield* Effect.fork(
        reportProgress(progress, (line) => Effect.sync(() => void written.push(line)), Duration.seconds(3)),
      )
      yield* TestClock.adjust(Duration.seconds(2))
      expect(written).toEqual([])
      yield* Ref.update(progress.ingest, (p) => ({ ...p, bytes: 30_000_000, lines: 300_000 }))
      yield* TestClock.adjust(Duration.seconds(1))
      expect(written).toEqual(["destill: 30 MB read · 300,000 lines · 100.0k lines/s · 3.0s"])
      yield* TestClock.adjust(Duration.seconds(6))
      expect(written).toHaveLength(3)
      yield* Fiber.interrupt(fiber)
    }),
  )
})
