import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { buildByteAutomaton } from "../../src/triage/ahoCorasick.js"
import { cleanLine } from "../../src/triage/clean.js"
import { prepareChunkLine, prepareLine, scorePrepared } from "../../src/triage/score.js"
import { cleanChunkLine, lastTextHash, loadChunkBytes } from "../../src/triage/triggers.js"
import { makeWasmCollector } from "../../src/triage/wasmCollect.js"

/** Lines as one chunk's bytes, each ending in `\n` (or `\r\n`), and where each starts. */
const chunkOf = (
  lines: ReadonlyArray<string>,
  crlf: boolean,
): { utf8: Uint8Array; starts: Array<number> } => {
  const starts: Array<number> = []
  const parts: Array<Buffer> = []
  let at = 0
  for (const line of lines) {
    const bytes = Buffer.from(crlf ? `${line}\r\n` : `${line}\n`, "utf8")
    starts.push(at)
    parts.push(bytes)
    at += bytes.length
  }
  starts.push(at)
  return { utf8: Uint8Array.from(Buffer.concat(parts)), starts }
}

// what cleaning strips, whole, cut short or next to each other, and what makes a line take the string path
const piece = fc.oneof(
  fc.constantFrom(
    "\x1b[31m",
    "\x1b[0m",
    "\x1b[1;32m",
    "\x1b[?25l",
    "\x1b[2K",
    "\x1b[ q",
    "\x1b[",
    "\x1b[31",
    "\x1b[3:4m",
    "\x1b]0;title\x07",
    "\x1b]8;;http://x\x1b\\",
    "\x1b]unterminated",
    "\x1b]x\x1bq",
    "\x1b(B",
    "\x1b)0",
    "\x1b(",
    "\x1b=",
    "\x1b>",
    "\x1b",
    "\x07",
  ),
  fc.constantFrom(
    "_bk;t=1700000000000\x07",
    "\x1b_bk;t=12\x07",
    "_bk;t=\x07",
    "_bk;t=12",
    "_bk;",
    "\x1b\x1b_bk;t=1\x07[31m",
  ),
  fc.constantFrom(
    "2024-05-14T10:00:00Z ",
    "2024-05-14T10:00:00.123Z ",
    "2024-05-14T10:00:00Z",
    "2024-05-14T10:00:00.Z",
    "2024-05-14T10:00:0",
    "1999-01-01T00:00:00.5Zx",
  ),
  fc.constantFrom("error: boom", "FAILED", "npm ERR! code 1", "   ", " \v\f", "\t", "\r", "é", "✗", "\u00a0"),
  fc.stringMatching(/^[ -~]{0,12}$/),
)

describe("cleanLine in WebAssembly, on a chunk's bytes", () => {
  it("cleans, collects and hashes a line as the string path does, or leaves it to that path", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(piece, { maxLength: 6 }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (pieces, crlf) => {
          const lines = pieces.map((parts) => parts.join("").replaceAll("\n", ""))
          const { utf8, starts } = chunkOf(lines, crlf)
          expect(loadChunkBytes(utf8)).toBe(true)
          lines.forEach((raw, i) => {
            const cleaned = prepareChunkLine(starts[i]!, starts[i + 1]! - 1)
            // a context line is cleaned the same way, without the collection
            expect(cleanChunkLine(starts[i]!, starts[i + 1]! - 1)).toBe(cleaned)
            if (cleaned === undefined) {
              // the string path: a tab (a `gh run view` prefix), a character past ASCII, a `\r` inside the line
              expect(/[\t\r\u0080-\uffff]/.test(raw)).toBe(true)
              return
            }
            expect(cleaned).toBe(cleanLine(raw))
            const hash = lastTextHash()
            const score = scorePrepared()
            expect(prepareLine(cleaned)).toBe(hash)
            expect(scorePrepared()).toEqual(score)
          })
        },
      ),
      { numRuns: 5000 },
    )
  })

  it("checks a line's bytes one at a time where SIMD is missing, with the same outcome", () => {
    const literals = ["error", "fail"]
    const tables = { ...buildByteAutomaton(literals), literals: literals.length }
    const bytewise = makeWasmCollector(tables, 4096, { simd: false })!
    const lanes = makeWasmCollector(tables, 4096)!
    fc.assert(
      fc.property(fc.array(fc.array(piece, { maxLength: 8 }), { minLength: 1, maxLength: 6 }), (pieces) => {
        const lines = pieces.map((parts) => parts.join("").replaceAll("\n", ""))
        const { utf8, starts } = chunkOf(lines, false)
        bytewise.loadChunk(utf8)
        lanes.loadChunk(utf8)
        lines.forEach((raw, i) => {
          const cleaned = bytewise.cleanLine(starts[i]!, starts[i + 1]! - 1)
          expect(lanes.cleanLine(starts[i]!, starts[i + 1]! - 1)).toBe(cleaned)
          expect(cleaned ?? /[\t\r\u0080-\uffff]/.test(raw)).toBe(
            cleaned === undefined ? true : cleanLine(raw),
          )
        })
      }),
      { numRuns: 2000 },
    )
    // bytes that are not UTF-8 (a lone continuation byte, 0xff): decoding makes U+FFFD of them, so the string path
    for (const collector of [bytewise, lanes]) {
      collector.loadChunk(Uint8Array.of(0x61, 0x80, 0x62, 0x0a, 0xff, 0x0a))
      expect([collector.cleanLine(0, 3), collector.cleanLine(4, 5)]).toEqual([undefined, undefined])
    }
  })

  it("takes ASCII lines with colours, markers and stamps", () => {
    const lines = [
      "2024-05-14T10:00:00.123Z \x1b[31merror:\x1b[0m boom  ",
      "\x1b_bk;t=1700000000000\x07\x1b[1mnpm ERR!\x1b[0m code 1",
      "  plain line\v",
    ]
    const { utf8, starts } = chunkOf(lines, true)
    loadChunkBytes(utf8)
    expect(lines.map((_, i) => prepareChunkLine(starts[i]!, starts[i + 1]! - 1))).toEqual([
      "error: boom",
      "npm ERR! code 1",
      "  plain line",
    ])
  })
})
