import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { EXACT, scanChunk, scanChunkJs, scannerKind } from "../../src/triage/bytePrefilter.js"
import { analyzeChunk } from "../../src/triage/analyzeChunk.js"
import { isCandidate } from "../../src/triage/score.js"
import { makeChunk, noise } from "./logChunk.js"

// pieces of log text near the prefilter's edges: its words in any case, the failure marks, line-start shapes
const piece = fc.oneof(
  fc.constantFrom(
    "ERR",
    "Exception",
    "fAiL",
    "timed out",
    "no such",
    "no ",
    " found",
    "noX found",
    " FOUND",
    "No x Found",
    "no\u00a0x found",
    "** (",
    " ** (RuntimeError)",
    "✗",
    "×",
    "●",
    "⠋",
    "E  ",
    "--- ",
    "-- ",
    "___ ",
    "~~~ ",
    "+++ ",
    "$ ",
    "##[group]",
    "Warn",
    "ok",
    " ",
    "\t",
    "\r",
  ),
  fc.string({ unit: "grapheme", maxLength: 6 }),
)
const line = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join("").replace(/[\n\0]/g, ""))

describe("byte prefilter", () => {
  it("flags every line isCandidate accepts, and is sure only of lines it accepts", () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const scan = scanChunk(Buffer.from(lines.map((l) => l + "\n").join("")))
        expect(scan.count).toBe(lines.length)
        lines.forEach((text, i) => {
          const raw = text.endsWith("\r") ? text.slice(0, -1) : text
          if (isCandidate(raw)) expect(scan.flags[i]).not.toBe(0)
          if (scan.flags[i] === EXACT) expect(isCandidate(raw)).toBe(true)
        })
      }),
      { numRuns: 500 },
    )
  })

  it("gives the same findings whether a chunk travels as lines or as raw bytes", () => {
    const failures = [
      "\x1b[31mnpm ERR! code ELIFECYCLE\x1b[0m",
      "src/app.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'.",
      "  ✗ renders the header (12 ms)",
      "ValueError: no value found",
      "2024-05-14T10:00:00.0000000Z ##[error]Process completed with exit code 1.",
      "progress 10%\rFATAL: disk full\rprogress 100%\r",
    ]
    // failures apart, so each is its own finding
    const lines = failures.flatMap((failure, i) => [...noise(20, i * 20), failure])
    const asLines = makeChunk(lines)
    const asBytes = makeChunk([])
    const bytes = Buffer.from(lines.map((l) => l + "\n").join(""))
    const viaBytes = analyzeChunk({ ...asBytes, utf8: bytes } as typeof asBytes, { context: 3 })
    const viaLines = analyzeChunk(asLines, { context: 3 })
    expect(viaLines.findings.length).toBeGreaterThan(2)
    expect(viaBytes).toEqual(viaLines)
  })
  it("gives the same findings as raw bytes and as lines on lines of every kind the cleaning meets", () => {
    // failures, with what cleaning strips (or leaves to the string path) around them, between noise lines
    const decorated = fc
      .tuple(
        fc.constantFrom(
          "",
          "\x1b[31m",
          "2024-05-14T10:00:00.1Z ",
          "\x1b_bk;t=1700000000000\x07",
          "job\tstep\t",
        ),
        fc.oneof(
          line,
          fc.constantFrom(
            "npm ERR! code ELIFECYCLE",
            "error: cannot find symbol",
            "FAILED tests/test_app.py::test_login - AssertionError: 401 != 200",
            "  ✗ renders the header (12 ms)",
            "Error: connect ECONNREFUSED 127.0.0.1:5432",
            "make: *** [all] Error 2",
          ),
        ),
        fc.constantFrom("", "\x1b[0m", "  ", "\r", " é"),
      )
      .map((parts) => parts.join(""))
    fc.assert(
      fc.property(
        fc.array(fc.oneof(decorated, fc.constant("plain noise line 42")), { maxLength: 40 }),
        (lines) => {
          const viaLines = analyzeChunk(
            makeChunk(lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l))),
            {
              context: 3,
            },
          )
          const asBytes = makeChunk([])
          const utf8 = Buffer.from(lines.map((l) => l + "\n").join(""))
          expect(analyzeChunk({ ...asBytes, utf8 } as typeof asBytes, { context: 3 })).toEqual(viaLines)
        },
      ),
      { numRuns: 300 },
    )
  })

  it("scans in WebAssembly on Node, with the JavaScript scan's answers", () => {
    expect(scannerKind()).toBe("wasm")
    const same = (bytes: Buffer) => {
      const wasm = scanChunk(bytes)
      const js = scanChunkJs(bytes)
      expect(wasm.count).toBe(js.count)
      expect(Array.from(wasm.starts.subarray(0, wasm.count + 1))).toEqual(
        Array.from(js.starts.subarray(0, js.count + 1)),
      )
      expect(Array.from(wasm.flags.subarray(0, wasm.count))).toEqual(
        Array.from(js.flags.subarray(0, js.count)),
      )
    }
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.boolean(), (lines, lastNewline) => {
        // the last line may lack its newline: both scans then end it at the input's end
        same(Buffer.from(lines.join("\n") + (lastNewline ? "\n" : "")))
      }),
      { numRuns: Number(process.env["SCAN_RUNS"] ?? 2000) },
    )
    // edges: nothing, a lone newline, a shape or a `no … found` cut off by the end of the input
    for (const text of ["", "\n", "\n\n", "E ", "---", "--- x", "no x", "no x foun", "no x found", "ERR"])
      same(Buffer.from(text))
  })
})
