// Findings whose texts travel packed (scoring thread → a local run's ranking) rank and read exactly like records.
import { readFileSync } from "node:fs"
import * as path from "node:path"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { logText } from "../../bench/generateLog.js"
import { Finding } from "../../src/domain/Finding.js"
import { fromPackedChunkFindings, fullFinding, toChunkFindings } from "../../src/triage/analyzeChunk.js"
import { analyzeChunkFields } from "../../src/triage/chunkAnalysis.js"
import { packChunkFindings, packTexts, unpackTexts } from "../../src/triage/packedFindings.js"
import { FindingRanker } from "../../src/triage/rank.js"
import { sliceJob } from "./logChunk.js"

const example = readFileSync(path.resolve(import.meta.dirname, "../../examples/failing-build.log"), "utf8")
const generated = [...logText({ sizeBytes: 400 * 1024, seed: 3 })].join("")
// the example and a generated log, cut small: repeats across chunks, blocks at chunk edges, every kind of finding
const chunks = sliceJob((example + generated).split("\n").slice(0, -1), 400, 50)
const records = chunks.map((chunk) => analyzeChunkFields(chunk, { context: 3 }))

describe("packed findings", () => {
  it("unpack to the texts they were packed from, whatever characters those hold", () => {
    // lengths and colons inside the texts, digits after a colon, empty texts and lists, lone surrogates
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: "grapheme" }),
      fc.string({ unit: "binary" }),
      fc.stringMatching(/^[0-9:]{0,8}$/),
    )
    const texts = fc.array(text, { maxLength: 5 })
    fc.assert(
      fc.property(
        fc.constantFrom("critical", "error", "warning", "info"),
        text,
        text,
        texts,
        texts,
        texts,
        texts,
        (severity, category, message, lines, before, after, signals) => {
          const original = {
            severity,
            category,
            message,
            lines,
            context: { before, after },
            signals,
          } as const
          expect(unpackTexts(packTexts(original))).toEqual(original)
        },
      ),
      { numRuns: 5000 },
    )
  })

  it("read as the record they were packed from, texts included", () => {
    const findings = records.flatMap((record) => record.findings)
    expect(findings.length).toBeGreaterThan(50)
    const packed = records.flatMap(
      (record) => fromPackedChunkFindings(packChunkFindings(record, "failed")).findings,
    )
    expect(packed).toHaveLength(findings.length)
    packed.forEach((finding, k) => {
      const record = findings[k]!
      expect(finding).toBeInstanceOf(Finding)
      // the texts are getters until unpacked; each reads as the record's field
      expect(finding.lines).toEqual(record.lines)
      expect(finding.signals).toEqual(record.signals)
      expect(finding.context).toEqual(record.context)
      expect([finding.severity, finding.category, finding.message]).toEqual([
        record.severity,
        record.category,
        record.message,
      ])
      expect({ ...fullFinding(finding) }).toEqual({ ...new Finding(record) })
    })
  })

  it("keep the chunk's place in its job", () => {
    const record = records[records.length - 1]!
    const { findings: _packed, ...header } = fromPackedChunkFindings(packChunkFindings(record, "failed"))
    const { findings: _records, ...expected } = toChunkFindings(record)
    expect(header).toEqual(expected)
  })

  it("rank exactly as records do, whichever way they arrive", () => {
    const rank = (packed: boolean) => {
      const ranker = new FindingRanker({ detached: true })
      for (const record of packed ? [...records].reverse() : records)
        ranker.add(
          packed ? fromPackedChunkFindings(packChunkFindings(record, "failed")) : toChunkFindings(record),
        )
      return ranker.ranked({ top: 20, minConfidence: 0 }).map((finding) => ({ ...finding }))
    }
    const ranked = rank(false)
    expect(ranked).toHaveLength(20)
    expect(rank(true)).toEqual(ranked)
  })

  it("are copied whole when a ranking keeps them attached to nothing", () => {
    const ranker = new FindingRanker()
    for (const record of records) ranker.add(fromPackedChunkFindings(packChunkFindings(record, "failed")))
    const expected = new FindingRanker({ detached: true })
    for (const record of records) expected.add(toChunkFindings(record))
    const plain = (findings: ReadonlyArray<Finding>) => findings.map((finding) => ({ ...finding }))
    expect(plain(ranker.ranked({ top: 20, minConfidence: 0 }))).toEqual(
      plain(expected.ranked({ top: 20, minConfidence: 0 })),
    )
  })
})
