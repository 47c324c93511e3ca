import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { cleanLine, cleanSegments, displayLine } from "../../src/triage/clean.js"

describe("cleanLine", () => {
  it("strips colour codes so patterns see the words", () => {
    expect(cleanLine("\x1b[31;1merror\x1b[0m: linker failed   ")).toBe("error: linker failed")
  })

  it("strips GitHub Actions timestamps, also behind a gh job/step prefix", () => {
    expect(cleanLine("2024-01-02T03:04:05.1234567Z npm ERR! code E404")).toBe("npm ERR! code E404")
    expect(cleanLine("build\tRun tests\t2024-01-02T03:04:05.1234567Z FAIL src/a.test.ts")).toBe(
      "FAIL src/a.test.ts",
    )
  })

  it("strips exactly what the timestamp pattern matches, whatever surrounds it", () => {
    const stamp = /^(?:[^\t]{1,200}\t[^\t]{0,200}\t)?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/
    const piece = fc.oneof(
      fc.constantFrom("2024-01-02T03:04:05", ".", ".123", "Z", " ", "\t", "T", "-", ":", "9", "x"),
      fc.string({ maxLength: 3 }),
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (parts) => {
        const line = parts.join("").replace(/[\r\x1b\x07]/g, "")
        expect(cleanLine(line)).toBe(line.replace(stamp, "").trimEnd())
      }),
      { numRuns: 2000 },
    )
  })

  it("strips Buildkite timestamp markers", () => {
    expect(cleanLine("\x1b_bk;t=1700000000000\x07make: *** [all] Error 2")).toBe("make: *** [all] Error 2")
    expect(cleanLine("_bk;t=1700000000000\x07fatal: not a git repository")).toBe(
      "fatal: not a git repository",
    )
  })

  it("keeps an error printed before a terminal overwrite findable", () => {
    const raw = "error: download failed\r[=====>    ] 50%\r[==========] 100%"
    expect(cleanLine(raw)).toContain("error: download failed")
    expect(cleanSegments(raw)).toEqual(["error: download failed", "[=====>    ] 50%", "[==========] 100%"])
  })

  it("shows what a terminal shows: the last overwrite", () => {
    expect(displayLine("Downloading 10%\rDownloading 100%\r")).toBe("Downloading 100%")
    expect(displayLine("\x1b[32mdone\x1b[0m")).toBe("done")
  })
})
