import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { FindingRecord } from "../../src/domain/Finding.js"
import { RequestId } from "../../src/domain/Request.js"
import { analyzeChunk, toChunkFindings } from "../../src/triage/analyzeChunk.js"
import { FindingRanker } from "../../src/triage/rank.js"
import { triage } from "./analyze.js"
import { makeChunk, noise, sliceJob } from "./logChunk.js"

describe("rarity", () => {
  it("ranks a one-off error above a line repeated 300 times", () => {
    const repeated = Array.from(
      { length: 300 },
      (_, i) => `WARN worker-${i} failed to refresh cache entry ${i * 7}`,
    )
    const oneOff = "ERROR: could not open settings.yml: permission denied"
    const findings = triage([...noise(20), oneOff, ...noise(20, 20), ...repeated])
    expect(findings[0]!.lines).toContain(oneOff)
    expect(findings[0]!.signals).toContain("rarity: one-off")
  })
})

describe("dedup", () => {
  it("collapses repeats that differ only in numbers into one finding with an occurrence count", () => {
    const log = [
      ...noise(10),
      "Error: connect ECONNREFUSED 127.0.0.1:5432",
      ...noise(10, 10),
      "Error: connect ECONNREFUSED 127.0.0.1:6379",
      ...noise(10, 20),
      "Error: connect ECONNREFUSED 10.0.0.7:5432",
      ...noise(10, 30),
    ]
    const refused = triage(log).filter((f) => f.message.includes("ECONNREFUSED"))
    expect(refused).toHaveLength(1)
    expect(refused[0]!.occurrences).toBe(3)
  })

  it("collapses repeats across chunks", () => {
    const line = "fatal: unable to access 'https://example.test/repo.git/': Could not resolve host"
    const chunks = [
      makeChunk([...noise(10), line, ...noise(5, 10)], { index: 0, last: false }),
      makeChunk([...noise(10, 20), line, ...noise(5, 30)], { index: 1, firstLine: 16 }),
    ]
    const ranker = new FindingRanker()
    for (const chunk of chunks) ranker.add(analyzeChunk(chunk, { context: 3 }))
    const found = ranker.ranked({ top: 10, minConfidence: 0 }).filter((f) => f.message.startsWith("fatal:"))
    expect(found).toHaveLength(1)
    expect(found[0]!.occurrences).toBe(2)
  })
})

describe("job outcome", () => {
  it("ranks every failed-job finding above every passed-job finding, keeping the order within each", () => {
    const strong = [...noise(5), "Segmentation fault (core dumped)"]
    const weak = [...noise(5), "warning: unused variable `x`"]
    const ranker = new FindingRanker()
    ranker.add(
      analyzeChunk(makeChunk(strong, { jobName: "passed-job", jobOutcome: "passed" }), { context: 1 }),
    )
    ranker.add(analyzeChunk(makeChunk(weak, { jobName: "failed-job", jobOutcome: "failed" }), { context: 1 }))
    const ranked = ranker.ranked({ top: 10, minConfidence: 0 })
    expect(ranked.map((f) => f.jobName)).toEqual(["failed-job", "passed-job"])
    expect(ranked.map((f) => f.rank)).toEqual([1, 2])
    expect(ranked[0]!.confidence).toBeGreaterThanOrEqual(0.5)
    expect(ranked[1]!.confidence).toBeLessThan(0.5)
  })

  it("drops findings under the minimum confidence and keeps the top N", () => {
    const log = [
      ...noise(10),
      "error: first",
      ...noise(5, 10),
      "error: second",
      ...noise(5, 20),
      "error: third",
    ]
    const ranker = new FindingRanker()
    ranker.add(analyzeChunk(makeChunk(log, { jobOutcome: "passed" }), { context: 0 }))
    expect(ranker.ranked({ top: 2, minConfidence: 0 })).toHaveLength(2)
    expect(ranker.ranked({ top: 10, minConfidence: 0.6 })).toHaveLength(0)
  })
})

describe("order independence", () => {
  const jobs = [
    [
      ...noise(120),
      "npm ERR! 404 Not Found - GET https://registry.npmjs.org/nope",
      ...noise(90, 120),
      "error: build failed",
    ],
    [
      ...noise(60),
      "--- FAIL: TestLogin (0.02s)",
      "    login_test.go:40: got 401, want 200",
      ...noise(150, 60),
    ],
    [
      ...noise(30),
      "Error: connect ECONNREFUSED 127.0.0.1:5432",
      ...noise(100, 30),
      "Error: connect ECONNREFUSED 127.0.0.1:5433",
    ],
  ]
  const batches = jobs.flatMap((lines, j) =>
    sliceJob(lines, 70, 50, `job-${j}`).map((chunk) => analyzeChunk(chunk, { context: 2 })),
  )
  const rank = (order: ReadonlyArray<number>) => {
    const ranker = new FindingRanker()
    for (const i of order) ranker.add(batches[i]!)
    return ranker.ranked({ top: 10, minConfidence: 0 })
  }

  it("gives the same ranking whatever order the chunks arrive in", () => {
    const reference = rank(batches.map((_, i) => i))
    expect(reference.length).toBeGreaterThan(2)
    fc.assert(
      fc.property(
        fc.shuffledSubarray(
          batches.map((_, i) => i),
          { minLength: batches.length },
        ),
        (order) => {
          expect(rank(order)).toEqual(reference)
        },
      ),
    )
  })

  it("keeps memory bounded by keeping only the best candidates", () => {
    const ranker = new FindingRanker({ maxCandidates: 5 })
    for (let j = 0; j < 40; j++) {
      const lines = [...noise(5), `error: distinct failure ${"x".repeat(j)}`]
      ranker.add(analyzeChunk(makeChunk(lines, { jobName: `job-${j}` }), { context: 0 }))
    }
    expect(ranker.ranked({ top: 100, minConfidence: 0 }).length).toBeLessThanOrEqual(10)
  })
})

describe("neighbours", () => {
  /** A finding of `job` on lines `start`-`end` with a raw confidence, everything else plain. */
  const finding = (job: string, start: number, end: number, confidence: number): FindingRecord => ({
    id: `${job}-${start}`,
    requestId: RequestId.make("r"),
    rank: 0,
    severity: "error",
    confidence,
    lineStart: start,
    lineEnd: end,
    lines: [`failure at ${start}`],
    message: `failure at ${start}`,
    context: { before: [], after: [] },
    occurrences: 1,
    hash: `hash-${job}-${start}`,
    category: "test",
    signals: [],
    jobName: job,
    jobOutcome: "failed",
  })
  const rank = (findings: ReadonlyArray<FindingRecord>) => {
    const ranker = new FindingRanker({ detached: true })
    for (const job of new Set(findings.map((f) => f.jobName)))
      ranker.add(
        toChunkFindings({
          requestId: RequestId.make("r"),
          buildId: "b",
          jobName: job,
          chunkIndex: 0,
          totalChunks: 1,
          lines: 1000,
          lastLine: 1000,
          findings: findings.filter((f) => f.jobName === job),
        }),
      )
    return ranker.ranked({ top: 10, minConfidence: 0 })
  }

  it("shows a distinct failure before a second view of one already ranked, and says why", () => {
    const ranked = rank([
      finding("build", 100, 103, 0.6), // an assertion
      finding("build", 106, 106, 0.59), // its test's summary line, two lines below
      finding("build", 400, 400, 0.57), // another failure
    ])
    expect(ranked.map((f) => f.lineStart)).toEqual([100, 400, 106])
    expect(ranked[2]!.signals).toContain("neighbour: next to lines 100-103, ranked higher -0.05")
    expect(ranked[2]!.confidence).toBeLessThan(ranked[1]!.confidence)
    expect(ranked[1]!.signals.some((s) => s.startsWith("neighbour"))).toBe(false)
  })

  it("leaves findings alone that are further apart, or in another job", () => {
    const ranked = rank([
      finding("build", 100, 103, 0.6),
      finding("build", 109, 109, 0.59), // six lines below: a failure of its own
      finding("test", 104, 104, 0.585), // same lines, another job
      finding("build", 400, 400, 0.57),
    ])
    expect(ranked.map((f) => f.lineStart)).toEqual([100, 109, 104, 400])
    expect(ranked.every((f) => !f.signals.some((s) => s.startsWith("neighbour")))).toBe(true)
  })
})
