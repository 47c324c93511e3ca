// The throughput section as `npm run bench` runs it, on a small generated log: grep and the built bin take turns,
// and the figures reported are the median turn's.
import * as path from "node:path"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { throughputSection } from "../../bench/throughput.js"
import { binary, tempDir } from "../support/cli.js"

const out = tempDir("destill-bench-")
afterAll(() => out.remove())

interface SpeedFigures {
  readonly wallMs: number
  readonly linesPerSec: number
  readonly peakRssMb: number | null
}

describe("throughput section", () => {
  it("runs grep and destill in turns and reports the median turn", async () => {
    const report = await Effect.runPromise(
      throughputSection.run({
        repoRoot: path.resolve(import.meta.dirname, "../.."),
        outDir: out.dir,
        destill: [process.execPath, binary],
        settings: new Map([
          ["size-mb", "2"],
          ["throughput-runs", "3"],
        ]),
      }),
    )
    const figures = report.figures as {
      readonly runs: ReadonlyArray<{ readonly destill: SpeedFigures; readonly grep: SpeedFigures }>
      readonly destill: SpeedFigures
      readonly sameFindingsEveryRun: boolean
      readonly plantedInTop5: number
    }
    expect(figures.runs).toHaveLength(3)
    // the reported run is the middle one by wall time, not the best
    const walls = figures.runs.map((run) => run.destill.wallMs).sort((a, b) => a - b)
    expect(figures.destill.wallMs).toBe(walls[1])
    // peak RSS is the highest of the turns
    const rss = figures.runs.map((run) => run.destill.peakRssMb ?? 0)
    expect(figures.destill.peakRssMb ?? 0).toBe(Math.max(...rss))
    expect(figures.sameFindingsEveryRun).toBe(true)
    const speed = report.rows.find((row) => row.metric === "destill lines/s")
    expect(speed?.value).toMatch(/^[\d,]+ \(median of 3: [\d,]+–[\d,]+\)$/)
    expect(report.rows.find((row) => row.metric === "wall ratio destill/grep")?.value).toMatch(
      /× \(median of 3 turns\)$/,
    )
  })
})
