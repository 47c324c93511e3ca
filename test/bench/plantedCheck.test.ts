import { describe, expect, it } from "vitest"
import { locatePlanted } from "../../bench/plantedCheck.js"
import type { PlantedFailure } from "../../bench/plantedFailures.js"

const tsc: PlantedFailure = {
  kind: "tsc-error",
  line: 900,
  lineStart: 897,
  lineEnd: 904,
  text: "src/api/orders.ts(87,14): error TS2345: Argument of type 'string | undefined' is not assignable.",
}

describe("planted failure check", () => {
  it("finds a failure shown with a timestamp and colours, at its rank", () => {
    const findings = [
      { lineStart: 10, lineEnd: 12, lines: ["warning: unused import"] },
      { lines: [`2024-05-14T10:00:00.0000000Z \x1b[31m${tsc.text}\x1b[39m`] },
    ]
    expect(locatePlanted(findings, [tsc])).toEqual([{ kind: "tsc-error", line: 900, rank: 2 }])
  })

  it("counts a finding that overlaps the failure's block and ignores findings elsewhere", () => {
    expect(locatePlanted([{ lineStart: 903, lineEnd: 910, lines: ["Found 1 error"] }], [tsc])[0]?.rank).toBe(
      1,
    )
    expect(
      locatePlanted([{ lineStart: 905, lineEnd: 910, lines: ["npm ERR! code 2"] }], [tsc])[0]?.rank,
    ).toBe(null)
  })

  it("looks only at the first findings", () => {
    const far = [...Array.from({ length: 10 }, () => ({ lines: ["noise"] })), { lines: [tsc.text] }]
    expect(locatePlanted(far, [tsc])[0]?.rank).toBe(null)
  })
})
