import { describe, expect, it } from "vitest"
import { analyzeChunk } from "../../src/triage/analyzeChunk.js"
import { FindingRanker } from "../../src/triage/rank.js"
import { triage } from "./analyze.js"
import { noise, sliceJob } from "./logChunk.js"

const javaTrace = [
  "java.lang.IllegalStateException: Failed to load ApplicationContext",
  "\tat org.springframework.test.context.cache.DefaultCacheAwareContextLoaderDelegate.loadContext(DefaultCacheAwareContextLoaderDelegate.java:132)",
  "\tat org.springframework.test.context.support.DefaultTestContext.getApplicationContext(DefaultTestContext.java:124)",
  "Caused by: org.postgresql.util.PSQLException: Connection to localhost:5432 refused.",
  "\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:319)",
  "\t... 42 more",
]

describe("blocks", () => {
  it("reports a Java trace with its Caused by as one finding", () => {
    const findings = triage([...noise(40), ...javaTrace, ...noise(40, 40)])
    const trace = findings.filter((f) => f.lines.some((l) => l.includes("PSQLException")))
    expect(trace).toHaveLength(1)
    expect(trace[0]!.lines).toEqual(javaTrace)
    expect(trace[0]!.lineStart).toBe(41)
    expect(trace[0]!.lineEnd).toBe(46)
    expect(findings[0]!.id).toBe(trace[0]!.id)
  })

  it("reports a compiler error with its notes as one finding", () => {
    const tsc = [
      "src/order.ts:12:3 - error TS2322: Type 'string' is not assignable to type 'number'.",
      "",
      "12   total: '12',",
      "     ~~~~~",
      "",
      "  src/types.ts:4:3",
      "    4   total: number",
      "        ~~~~~",
      "    The expected type comes from property 'total' which is declared here on type 'Order'",
    ]
    const findings = triage([...noise(30), ...tsc, ...noise(30, 30)])
    expect(findings[0]!.lines[0]).toBe(tsc[0])
    expect(findings[0]!.lines).toContain("     ~~~~~")
    expect(findings.filter((f) => f.lines.some((l) => l.includes("TS2322")))).toHaveLength(1)
  })

  it("keeps blocks short enough to read", () => {
    const longTrace = [
      "java.lang.RuntimeException: boom",
      ...Array.from({ length: 200 }, (_, i) => `\tat com.acme.Deep.f${i}(Deep.java:${i})`),
    ]
    const [top] = triage([...noise(10), ...longTrace])
    expect(top!.lines.length).toBeLessThanOrEqual(25)
    expect(top!.lines[0]).toBe("java.lang.RuntimeException: boom")
  })

  it("gives context lines around a finding", () => {
    const [top] = triage([
      "step one",
      "step two",
      "step three",
      "fatal: repository 'x' not found",
      "cleanup",
      "done",
    ])
    expect(top!.context.before).toEqual(["step one", "step two", "step three"])
    expect(top!.context.after).toEqual(["cleanup", "done"])
  })
})

describe("ownership across chunk edges", () => {
  const job = [...noise(95), ...javaTrace, ...noise(95, 95)]

  for (const edge of [96, 98, 100, 101, 102]) {
    it(`reports a trace crossing a chunk edge at line ${edge} once and whole`, () => {
      const ranker = new FindingRanker()
      const chunks = sliceJob(job, edge - 1, 50)
      const batches = chunks.map((chunk) => analyzeChunk(chunk, { context: 3 }))
      const reported = batches
        .flatMap((b) => b.findings)
        .filter((f) => f.lines.some((l) => l.includes("PSQLException")))
      expect(reported).toHaveLength(1)
      expect(reported[0]!.lines).toEqual(javaTrace)
      expect(reported[0]!.lineStart).toBe(96)
      for (const batch of batches) ranker.add(batch)
      expect(ranker.ranked({ top: 1, minConfidence: 0 })[0]!.lines).toEqual(javaTrace)
    })
  }

  it("reports a block that ends the log from the job's last chunk", () => {
    const chunks = sliceJob([...noise(60), "Error: Process completed with exit code 1."], 40, 50)
    const findings = chunks.flatMap((chunk) => analyzeChunk(chunk, { context: 3 }).findings)
    expect(findings.map((f) => f.lineStart)).toEqual([61])
  })

  it("gives a redelivered chunk the same finding ids", () => {
    const [chunk] = sliceJob([...noise(20), ...javaTrace], 100, 50)
    const first = analyzeChunk(chunk!, { context: 3 }).findings.map((f) => f.id)
    const again = analyzeChunk(chunk!, { context: 3 }).findings.map((f) => f.id)
    expect(again).toEqual(first)
    expect(first.length).toBeGreaterThan(0)
  })
})

describe("the failing step", () => {
  const stepFailed = "##[error]Process completed with exit code 1."
  const printed = "Error: connect ECONNREFUSED 127.0.0.1:5432"
  const bonusOf = (lines: ReadonlyArray<string>): boolean | undefined =>
    triage(lines, { top: 50 })
      .find((f) => f.lines.includes(printed))
      ?.signals.some((signal) => signal.startsWith("step: printed by the failing step"))

  it("weighs what the step that failed printed before it failed", () => {
    expect(bonusOf(["##[group]Run npm ci", ...noise(5), printed, ...noise(5, 5), stepFailed])).toBe(true)
  })

  it("does not weigh what an earlier step printed, nor anything after the failure", () => {
    const nextStep = "##[group]Run npm test"
    expect(bonusOf(["##[group]Run npm ci", printed, ...noise(5), nextStep, ...noise(5, 5), stepFailed])).toBe(
      false,
    )
    expect(bonusOf(["##[group]Run npm ci", ...noise(5), stepFailed, ...noise(5, 5), printed])).toBe(false)
    expect(bonusOf(["##[group]Run npm ci", ...noise(5), printed, ...noise(5, 5)])).toBe(false)
  })
})
