import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { LineSplitter, SplitRejection } from "../../src/triage/split.js"
import { cutAt, splitAll } from "../support/byteParts.js"

describe("LineSplitter", () => {
  it("splits on \\n and \\r\\n and keeps a lone \\r inside its line", () => {
    const text = "one\r\ntwo\nprogress 10%\rprogress 100%\nlast"
    expect(splitAll([Buffer.from(text)])).toEqual(["one", "two", "progress 10%\rprogress 100%", "last"])
  })

  it("gives the same lines wherever the byte stream is cut, multi-byte characters included", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "grapheme", maxLength: 20 }), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (lines, cuts) => {
          const text = lines.map((l) => l.replace(/[\r\n\0]/g, "") + "\n").join("")
          const bytes = Buffer.from(text)
          const expected = text === "" ? [] : text.slice(0, -1).split("\n")
          expect(splitAll(cutAt(bytes, cuts))).toEqual(expected)
        },
      ),
    )
  })

  it("rejects binary data with a clear reason", () => {
    const out = splitAll([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3])])
    expect(out).toBeInstanceOf(SplitRejection)
    expect((out as SplitRejection).reason).toMatch(/binary/)
  })

  it("rejects text that is mostly not UTF-8, but tolerates a stray byte in a real log", () => {
    const latin1 = Buffer.from("caf\xe9 cr\xe8me br\xfbl\xe9e\n", "latin1")
    expect(splitAll([latin1])).toBeInstanceOf(SplitRejection)
    const log = Buffer.concat([
      Buffer.from("ok line\n".repeat(2000)),
      Buffer.from([0xff]),
      Buffer.from("\nend\n"),
    ])
    const splitter = new LineSplitter()
    const lines = splitAll([log], splitter)
    expect(Array.isArray(lines) && lines.at(-1)).toBe("end")
    expect(splitter.invalidSequences).toBe(1)
  })

  it("refuses a single line longer than the limit without holding it in memory", () => {
    const splitter = new LineSplitter({ maxLineBytes: 1024 * 1024, keepLineChars: 100 })
    const block = Buffer.alloc(64 * 1024, 0x61)
    let result: Array<string> | SplitRejection = []
    for (let i = 0; i < 32 && !(result instanceof SplitRejection); i++) result = splitter.push(block)
    expect(result).toBeInstanceOf(SplitRejection)
    expect((result as SplitRejection).reason).toMatch(/line 1 is longer than 1 MiB/)
  })

  it("cuts long lines it keeps to the display limit", () => {
    const splitter = new LineSplitter({ maxLineBytes: 1024 * 1024, keepLineChars: 10 })
    const out = splitAll([Buffer.from("x".repeat(50) + "\nshort\n")], splitter)
    expect(out).toEqual(["xxxxxxxxxx …[line cut]", "short"])
    expect(splitter.truncatedLines).toBe(1)
  })
})
