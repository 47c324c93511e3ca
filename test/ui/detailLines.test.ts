// What the browser shows of a finding and which findings a filter keeps.
import { describe, expect, it } from "vitest"
import { detailLines, findingBlock } from "../../src/ui/detailLines.js"
import { matchesFilter, nextSeverity, scrollWindow } from "../../src/ui/findingFilter.js"
import { findings, longFinding } from "./fixtures.js"

describe("finding detail", () => {
  it("never takes more rows than it is given, dropping context before the finding's own lines", () => {
    for (const height of [1, 2, 3, 4, 5, 8, 12, 20, 60]) {
      const lines = detailLines(longFinding, 80, height)
      expect(lines.length).toBeLessThanOrEqual(height)
      expect(lines[0]?.text).toContain("#1 ERROR")
    }
  })

  it("prints the whole block with line numbers, context and why for copying", () => {
    const block = findingBlock(findings[0]!)
    expect(block.split("\n")).toEqual([
      "#1 CRITICAL 0.97 ██████████  lines 120–122 · compile · build (failed)",
      "  119 │ [INFO] Compiling 214 source files to /target/classes",
      "▶ 120 │ [ERROR] /src/main/java/com/acme/Billing.java:[42,17] cannot find symbol",
      "▶ 121 │ [ERROR]   symbol:   method chargeCard(java.lang.String)",
      "▶ 122 │ [ERROR]   location: class com.acme.Billing",
      "  123 │ [INFO] BUILD FAILURE",
      "why: pattern:maven-compile +0.7, rarity: one-off, outcome: failed",
    ])
  })
})

describe("finding filter", () => {
  it("matches text in the headline, lines, category and signals, ignoring case", () => {
    const [compile, npm] = findings
    expect(matchesFilter(compile!, { text: "CHARGECARD", severity: "all" })).toBe(true)
    expect(matchesFilter(compile!, { text: "maven-compile", severity: "all" })).toBe(true)
    expect(matchesFilter(npm!, { text: "chargecard", severity: "all" })).toBe(false)
    expect(matchesFilter(npm!, { text: "", severity: "critical" })).toBe(false)
  })

  it("cycles all → critical → error → warning → info → all", () => {
    const seen = ["all" as const]
    let s = nextSeverity("all")
    while (s !== "all") {
      seen.push(s as never)
      s = nextSeverity(s)
    }
    expect(seen).toEqual(["all", "critical", "error", "warning", "info"])
  })

  it("scrolls so the selected row stays visible", () => {
    for (let selected = 0; selected < 50; selected++) {
      const w = scrollWindow(50, selected, 7)
      expect(w.end - w.start).toBe(7)
      expect(selected).toBeGreaterThanOrEqual(w.start)
      expect(selected).toBeLessThan(w.end)
    }
    expect(scrollWindow(3, 2, 10)).toEqual({ start: 0, end: 3 })
  })
})
