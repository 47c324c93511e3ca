import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { ByteChunker, type ByteSlice } from "../../src/triage/byteChunk.js"
import { decodeLines } from "../../src/triage/chunkText.js"
import { SplitRejection } from "../../src/triage/split.js"
import { makeWasmLineCounter } from "../../src/triage/wasmLines.js"
import { cutAt, splitAll } from "../support/byteParts.js"

const chunkAll = (
  parts: ReadonlyArray<Uint8Array>,
  chunker: ByteChunker,
): Array<ByteSlice> | SplitRejection => {
  const out: Array<ByteSlice> = []
  for (const part of parts) {
    const slices = chunker.push(part)
    if (slices instanceof SplitRejection) return slices
    out.push(...slices)
  }
  const rest = chunker.end()
  return rest instanceof SplitRejection ? rest : [...out, ...rest]
}

const INVALID = "<invalid>"
// one invalid byte among enough valid ones that no region of lines around it reads as "mostly not UTF-8"
const STRAY = Buffer.concat([Buffer.from([0x62, 0xff]), Buffer.alloc(120, 0x61)])

/** The same input read in place (`room`/`received`), each read at most the next of `reads` bytes. */
const chunkInPlace = (
  bytes: Uint8Array,
  reads: ReadonlyArray<number>,
  chunker: ByteChunker,
): Array<ByteSlice> | SplitRejection => {
  const out: Array<ByteSlice> = []
  let from = 0
  for (let k = 0; from < bytes.length; k++) {
    const { target, offset, length } = chunker.room(reads.length === 0 ? 64 * 1024 : reads[k % reads.length]!)
    const n = Math.min(length, bytes.length - from)
    target.set(bytes.subarray(from, from + n), offset)
    from += n
    const slices = chunker.received(n)
    if (slices instanceof SplitRejection) return slices
    out.push(...slices)
  }
  const rest = chunker.end()
  return rest instanceof SplitRejection ? rest : [...out, ...rest]
}

/** What a chunker's output is made of, to compare two ways of feeding it. */
const outcome = (result: Array<ByteSlice> | SplitRejection, chunker: ByteChunker) =>
  result instanceof SplitRejection
    ? result.reason
    : {
        chunks: result.map(({ utf8, ...slice }) => ({
          ...slice,
          text: Buffer.from(utf8).toString("latin1"),
        })),
        counts: [chunker.bytes, chunker.lines, chunker.invalidSequences, chunker.truncatedLines],
      }

describe("ByteChunker", () => {
  it("cuts the same chunks when bytes are read straight into it as when they are pushed", () => {
    const line = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 30 }),
      fc.string({ unit: "grapheme", maxLength: 3 }).map((s) => s.repeat(40)),
      fc.constant(INVALID),
    )
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 5 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom("\n", "\r\n"),
        fc.boolean(),
        (raw, cuts, reads, maxBytes, overlap, newline, lastNewline) => {
          const text = raw.map((l) => l.replace(/[\n\0]/g, "")).join(newline) + (lastNewline ? newline : "")
          // a stray byte that is not UTF-8 where a line says so
          const bytes = Buffer.concat(
            text
              .split(INVALID)
              .flatMap((part, k) => (k === 0 ? [Buffer.from(part)] : [STRAY, Buffer.from(part)])),
          )
          const limits = { maxLineBytes: 2000, keepLineChars: 50 }
          const pushed = new ByteChunker(limits, { maxBytes, overlap })
          const inPlace = new ByteChunker(limits, { maxBytes, overlap })
          expect(outcome(chunkInPlace(bytes, reads, inPlace), inPlace)).toEqual(
            outcome(chunkAll(cutAt(bytes, cuts), pushed), pushed),
          )
        },
      ),
      { numRuns: 300 },
    )
  })

  it("yields LineSplitter's lines, each owned by exactly one chunk, wherever the bytes are cut", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "grapheme", maxLength: 30 }), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 6 }),
        fc.boolean(),
        (raw, cuts, maxBytes, overlap, crlf) => {
          const text = raw.map((l) => l.replace(/[\n\0]/g, "") + (crlf ? "\r\n" : "\n")).join("")
          const parts = cutAt(Buffer.from(text), cuts)
          const chunks = chunkAll(parts, new ByteChunker(undefined, { maxBytes, overlap }))
          if (chunks instanceof SplitRejection) throw new Error(chunks.reason)
          const owned = chunks.flatMap((c) => decodeLines(c.utf8).slice(c.overlap))
          expect(owned).toEqual(splitAll(parts))
          let next = 1
          for (const [i, c] of chunks.entries()) {
            expect(c.index).toBe(i)
            expect(c.firstLine + c.overlap).toBe(next)
            expect(c.overlap).toBeLessThanOrEqual(overlap)
            expect(decodeLines(c.utf8).length).toBe(c.overlap + c.lines)
            next += c.lines
            expect(c.totalChunks).toBe(i === chunks.length - 1 ? chunks.length : undefined)
          }
        },
      ),
    )
  })

  it("cuts ASCII logs where the line chunker does, at 500 KB of text by default", () => {
    const lines = Array.from({ length: 40_000 }, (_, i) => `step ${i}: compiling module ${i % 97}`)
    const chunks = chunkAll([Buffer.from(lines.join("\r\n") + "\r\n")], new ByteChunker())
    if (chunks instanceof SplitRejection) throw new Error(chunks.reason)
    expect(chunks.length).toBeGreaterThan(1)
    for (const c of chunks.slice(0, -1)) expect(c.bytes).toBeGreaterThanOrEqual(500 * 1024)
    expect(chunks[1]?.overlap).toBe(50)
  })

  it("repeats the tail of the previous chunk as overlap so context crosses the edge", () => {
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i + 1}`)
    const chunks = chunkAll(
      [Buffer.from(lines.join("\n") + "\n")],
      new ByteChunker(undefined, { maxBytes: 1000, overlap: 50 }),
    )
    if (chunks instanceof SplitRejection) throw new Error(chunks.reason)
    expect(chunks.length).toBeGreaterThan(2)
    const second = chunks[1]!
    const text = decodeLines(second.utf8)
    expect(second.overlap).toBe(50)
    expect(text[0]).toBe(`line ${second.firstLine}`)
    expect(text[second.overlap]).toBe(`line ${second.firstLine + 50}`)
  })

  it("produces no chunk for an empty log", () => {
    expect(chunkAll([Buffer.alloc(0)], new ByteChunker())).toEqual([])
  })

  it("keeps the last line when the log does not end in a newline", () => {
    const chunks = chunkAll([Buffer.from("first\nlast")], new ByteChunker())
    if (chunks instanceof SplitRejection) throw new Error(chunks.reason)
    expect(chunks.flatMap((c) => decodeLines(c.utf8))).toEqual(["first", "last"])
  })

  it("rejects binary data, non-UTF-8 text and monstrous lines like LineSplitter", () => {
    const binary = chunkAll([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 10])], new ByteChunker())
    expect((binary as SplitRejection).reason).toMatch(/binary/)
    const latin1 = chunkAll([Buffer.from("caf\xe9 cr\xe8me br\xfbl\xe9e\n", "latin1")], new ByteChunker())
    expect((latin1 as SplitRejection).reason).toMatch(/not UTF-8/)
    const chunker = new ByteChunker({ maxLineBytes: 1024 * 1024, keepLineChars: 100 })
    const block = Buffer.alloc(64 * 1024, 0x61)
    const long = chunkAll(
      Array.from({ length: 32 }, () => block),
      chunker,
    )
    expect((long as SplitRejection).reason).toMatch(/line 1 is longer than 1 MiB/)
  })

  it("counts stray invalid bytes and lines too long to show, which the decoding side cuts", () => {
    const chunker = new ByteChunker({ maxLineBytes: 1024 * 1024, keepLineChars: 10 })
    const log = Buffer.concat([
      Buffer.from("ok line\n".repeat(2000)),
      Buffer.from([0xff]),
      Buffer.from("\n" + "x".repeat(50) + "\nend\n"),
    ])
    const chunks = chunkAll([log], chunker)
    if (chunks instanceof SplitRejection) throw new Error(chunks.reason)
    expect(chunker.invalidSequences).toBe(1)
    expect(chunker.truncatedLines).toBe(1)
    expect(chunks.flatMap((c) => decodeLines(c.utf8, 10)).slice(-3)).toEqual([
      "\uFFFD",
      "xxxxxxxxxx …[line cut]",
      "end",
    ])
  })

  it("does not count a U+FFFD the log holds as an invalid byte", () => {
    // a log an earlier tool decoded lossily: valid UTF-8 full of U+FFFD, and one stray byte of its own
    const log = Buffer.concat([
      Buffer.from("build \uFFFD\uFFFD\uFFFD step\n".repeat(20)),
      Buffer.from([0xff]),
      Buffer.from("\nend\n"),
    ])
    for (const parts of [[log], [log.subarray(0, 100), log.subarray(100)]]) {
      const chunker = new ByteChunker()
      const chunks = chunkAll(parts, chunker)
      if (chunks instanceof SplitRejection) throw new Error(chunks.reason)
      expect(chunker.invalidSequences).toBe(1)
    }
  })
})

describe("the WebAssembly line count", () => {
  // ByteChunker.countLine, line after line: the count a run of them gives
  const reference = (bytes: Uint8Array, owned: number, maxBytes: number, keep: number) => {
    let pos = 0
    let lines = 0
    while (pos < bytes.length) {
      const newline = bytes.indexOf(10, pos)
      let length = newline - pos
      if (length > keep) break
      if (length > 0 && bytes[newline - 1] === 13) length--
      owned += length + 1
      lines++
      pos = newline + 1
      if (owned >= maxBytes) break
    }
    return { pos, lines, owned }
  }

  it("counts what counting line by line counts, and stops where it stops, wherever the bytes lie", () => {
    const counter = makeWasmLineCounter()!
    expect(counter).toBeDefined()
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: 70 }), fc.constantFrom("\n", "\r\n", "\r\r\n")), { maxLength: 40 }),
        fc.nat({ max: 31 }),
        fc.nat({ max: 500 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 0, max: 80 }),
        (shapes, offset, owned, maxBytes, keep) => {
          const text = Buffer.from(shapes.map(([length, end]) => "x".repeat(length) + end).join(""))
          // in shared memory at any offset, as a chunk buffer's bytes are
          const shared = new Uint8Array(new SharedArrayBuffer(offset + text.length + 1))
          shared.set(text, offset)
          const bytes = shared.subarray(offset, offset + text.length)
          const want = reference(bytes, owned, maxBytes, keep)
          const stop = counter.count(bytes, owned, maxBytes, keep)
          expect({ pos: stop, lines: counter.lines, owned: counter.owned }).toEqual(want)
        },
      ),
      { numRuns: 2000 },
    )
  })
})
