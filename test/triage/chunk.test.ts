import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Chunker, type ChunkSlice } from "../../src/triage/chunk.js"

const chunkAll = (batches: ReadonlyArray<ReadonlyArray<string>>, maxBytes: number, overlap: number) => {
  const chunker = new Chunker({ maxBytes, overlap })
  const out: Array<ChunkSlice> = []
  for (const batch of batches) out.push(...chunker.push(batch))
  out.push(...chunker.end())
  return out
}

describe("Chunker", () => {
  it("owns every line in exactly one chunk, in order, however lines arrive", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ maxLength: 40 }), { maxLength: 30 }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 0, max: 8 }),
        (batches, maxBytes, overlap) => {
          const all = batches.flat()
          const chunks = chunkAll(batches, maxBytes, overlap)
          const owned = chunks.flatMap((c) => c.lines.slice(c.overlap))
          expect(owned).toEqual(all)
          let next = 1
          for (const [i, c] of chunks.entries()) {
            expect(c.index).toBe(i)
            expect(c.firstLine + c.overlap).toBe(next)
            expect(c.overlap).toBeLessThanOrEqual(overlap)
            next += c.lines.length - c.overlap
          }
          // Only the last chunk says how many there are.
          chunks.forEach((c, i) =>
            expect(c.totalChunks).toBe(i === chunks.length - 1 ? chunks.length : undefined),
          )
        },
      ),
    )
  })

  it("repeats the tail of the previous chunk as overlap so context crosses the edge", () => {
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i + 1}`)
    const chunks = chunkAll([lines], 1000, 50)
    expect(chunks.length).toBeGreaterThan(2)
    const second = chunks[1] as ChunkSlice
    expect(second.overlap).toBe(50)
    expect(second.lines[0]).toBe(`line ${second.firstLine}`)
    expect(second.lines[second.overlap]).toBe(`line ${second.firstLine + 50}`)
  })

  it("produces no chunk for an empty log", () => {
    expect(chunkAll([[]], 1000, 50)).toEqual([])
  })
})
