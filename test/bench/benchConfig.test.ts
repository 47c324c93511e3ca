import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { knownSettings, readSettings } from "../../bench/benchSettings.js"
import { destillTemplate, failedCases, parseScore } from "../../bench/quality.js"

describe("bench settings", () => {
  it("reads BENCH_* variables and lets flags win", () => {
    const settings = readSettings(
      ["--size-mb", "64", "--only=quality"],
      { BENCH_SIZE_MB: "2048", BENCH_SEED: "7", BENCH_UNRELATED: "x" },
      ["only", "size-mb", "seed"],
    )
    expect(Object.fromEntries(settings)).toEqual({ "size-mb": "64", only: "quality", seed: "7" })
  })

  it("knows the settings each section declares", () => {
    const section = { name: "x", description: "", settings: ["x-size"], run: () => Effect.die("unused") }
    expect(knownSettings([section])).toContain("x-size")
  })
})

describe("quality section", () => {
  it("reads the summary line of the reference scorer", () => {
    const line =
      "logchunks-dev cmd:node dist/src/cli/main.js analyze {log}: n=200 hit@1=0.515 hit@3=0.700 hit@5=0.810 " +
      "hit@10=0.880 MRR@10=0.623 median_lines_top5=31.5 failures=2 seconds=88.1"
    expect(parseScore(line)).toEqual({
      cases: 200,
      hit1: 0.515,
      hit3: 0.7,
      hit5: 0.81,
      hit10: 0.88,
      mrr10: 0.623,
      medianLinesTop5: 31.5,
      failures: 2,
      seconds: 88.1,
    })
    expect(parseScore("Traceback (most recent call last):")).toBeUndefined()
  })

  it("builds the scorer's command, quoting paths and adding baseline arguments when asked", () => {
    expect(destillTemplate(["node", "/repo dir/main.js"])).toBe(
      "cmd:node '/repo dir/main.js' analyze {log} --format json --no-store",
    )
    expect(destillTemplate(["destill"], "--baseline {pass}")).toBe(
      "cmd:destill analyze {log} --format json --no-store --baseline {pass}",
    )
  })
})

describe("quality failures", () => {
  it("names the cases the scorer could not run destill on", () => {
    const stderr =
      "  failed on /work/shared/eval/../data/triage-eval/logchunks-dev/Go_x_y_1: boom\n" +
      "  failed on /data/cidiff-breakages/case-2: Expecting value: line 1 column 1\n"
    expect(failedCases(stderr)).toEqual(["logchunks-dev/Go_x_y_1", "cidiff-breakages/case-2"])
  })
})
