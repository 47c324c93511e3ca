import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { runMeasured } from "../../bench/measuredProcess.js"

// Touches ~100 MB and stays alive a moment, so even a coarse /proc poll sees the peak.
const hungry = [
  process.execPath,
  "-e",
  "const b = Buffer.alloc(100 * 1024 * 1024, 1); setTimeout(() => console.log(b.length), 300)",
]

describe("measured process", () => {
  it.each([true, false])(
    "reports the peak memory and output of a command (GNU time preferred: %s)",
    async (useGnuTime) => {
      const run = await Effect.runPromise(runMeasured(hungry, { useGnuTime }))
      expect(run.exitCode).toBe(0)
      expect(run.stdout.trim()).toBe(String(100 * 1024 * 1024))
      expect(run.peakRssBytes ?? 0).toBeGreaterThan(100 * 1024 * 1024)
      if (!useGnuTime) expect(run.rssMethod).toBe("proc-poll")
    },
  )

  it("returns a failing command's exit code and stderr instead of failing", async () => {
    const run = await Effect.runPromise(
      runMeasured([process.execPath, "-e", "console.error('nope'); process.exit(3)"]),
    )
    expect(run.exitCode).toBe(3)
    expect(run.stderrTail).toBe("nope")
  })

  it("fails with a clear error when the command does not exist", async () => {
    const outcome = await Effect.runPromise(Effect.either(runMeasured(["/no/such/destill-binary"])))
    expect(outcome._tag).toBe("Left")
    if (outcome._tag === "Left") expect(outcome.left.message).toContain("cannot run /no/such/destill-binary")
  })
})
