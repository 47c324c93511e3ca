import { describe, expect, it } from "vitest"
import { BaselineTemplates, baselineVerdict } from "../../src/triage/baseline.js"

const passing = [
  "2024-05-01T10:00:01.1234567Z [WARNING] Using platform encoding (UTF-8 actually) to copy filtered resources",
  "npm warn deprecated glob@7.2.3: Glob versions prior to v9 are no longer supported",
  "Tests run: 42, Failures: 0, Errors: 0, Skipped: 1, Time elapsed: 3.2 s",
  "BUILD SUCCESS",
]

describe("baseline templates", () => {
  const baseline = new BaselineTemplates()
  baseline.add(passing)

  it("recognises a line of the passing build despite other timestamps, numbers and colours", () => {
    expect(
      baseline.has(
        "2024-06-09T23:59:59.9999999Z \x1b[33m[WARNING]\x1b[0m Using platform encoding (UTF-8 actually) to copy filtered resources",
      ),
    ).toBe(true)
    expect(baseline.has("Tests run: 17, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.4 s")).toBe(true)
    expect(baseline.has("[ERROR] Failed to execute goal on project core: compilation failure")).toBe(false)
  })

  it("lowers a finding the passing build also printed and lifts one that is new", () => {
    const old = baselineVerdict(baseline, {
      message: "npm warn deprecated glob@8.1.0: Glob versions prior to v9 are no longer supported",
      lines: ["npm warn deprecated glob@8.1.0: Glob versions prior to v9 are no longer supported"],
    })
    const fresh = baselineVerdict(baseline, {
      message: "error TS2322: Type 'string' is not assignable to type 'number'.",
      lines: ["src/cart.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'."],
    })
    expect(old.delta).toBeLessThan(0)
    expect(old.signal).toMatch(/also in the passing build/)
    expect(fresh.delta).toBeGreaterThan(0)
    expect(fresh.signal).toMatch(/new since the passing build/)
  })

  it("counts the lines it read", () => {
    expect(baseline.lines).toBe(4)
    expect(baseline.size).toBe(4)
  })
})
