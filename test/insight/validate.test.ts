// Validation of an insight answer: schema, truncation and grounding of every quote in the log.
import { describe, expect, it } from "vitest"
import type { InsightAnswer } from "../../src/insight/InsightAnswer.js"
import { promptLines } from "../../src/insight/prompt.js"
import { validateInsight, validateInsightText, verdictForFailure } from "../../src/insight/validate.js"
import { InvalidAnswer, Overloaded, Truncated } from "../../src/services/LanguageModel.js"
import { finding } from "./fixtures.js"

const log = promptLines([finding()])

const answer = (overrides: Partial<InsightAnswer> = {}): InsightAnswer => ({
  summary: "The build does not compile.",
  rootCause: "Billing.java calls chargeCard(String), which no longer exists.",
  category: "compile",
  evidence: [{ lineStart: 121, lineEnd: 121, quote: "Billing.java:[42,17] cannot find symbol" }],
  suggestedFix: "Update the call to the new payment API.",
  confidence: 0.8,
  ...overrides,
})

describe("validateInsight", () => {
  it("accepts a grounded answer", () => {
    expect(validateInsight(answer(), log)).toEqual({ ok: true, reasons: [], feedback: "" })
  })

  it("accepts a quote a few lines off, with a copied line-number prefix, or spanning lines", () => {
    const verdict = validateInsight(
      answer({
        evidence: [
          { lineStart: 119, lineEnd: 119, quote: "cannot find symbol" },
          {
            lineStart: 121,
            lineEnd: 121,
            quote: ">    121 | [ERROR] /src/main/java/com/acme/Billing.java:[42,17]",
          },
          {
            lineStart: 120,
            lineEnd: 122,
            quote: "[ERROR] COMPILATION ERROR :\n[ERROR]   symbol:   method chargeCard",
          },
        ],
      }),
      log,
    )
    expect(verdict.reasons).toEqual([])
  })

  it("grounds a quote in whichever job of the build shows it at the cited lines", () => {
    // Two jobs number their logs from 1: line 121 is a compile error in one and a test failure in the other.
    const twoJobs = promptLines([
      finding(),
      finding({
        id: "f2",
        jobName: "test",
        lines: ["FAIL src/checkout.test.ts", "  Expected: 107.99", "  Received: 109.07"],
        context: { before: [], after: [] },
        hash: "h2",
      }),
    ])
    const cite = (quote: string) => answer({ evidence: [{ lineStart: 121, lineEnd: 121, quote }] })
    expect(validateInsight(cite("Expected: 107.99"), twoJobs).reasons).toEqual([])
    expect(validateInsight(cite("Billing.java:[42,17] cannot find symbol"), twoJobs).reasons).toEqual([])
    expect(validateInsight(cite("Expected: 99.00"), twoJobs).ok).toBe(false)
  })

  it("rejects a quote that does not occur near the lines it cites, and says which", () => {
    const verdict = validateInsight(
      answer({
        evidence: [{ lineStart: 121, lineEnd: 121, quote: "NullPointerException in PaymentService" }],
      }),
      log,
    )
    expect(verdict.ok).toBe(false)
    expect(verdict.reasons[0]).toContain("NullPointerException in PaymentService")
    expect(verdict.feedback).toContain("rejected")
    expect(verdict.feedback).toContain("NullPointerException in PaymentService")
  })

  it("rejects a citation of lines that are not in the log", () => {
    const verdict = validateInsight(
      answer({ evidence: [{ lineStart: 900, lineEnd: 901, quote: "cannot find symbol" }] }),
      log,
    )
    expect(verdict.reasons).toEqual(["evidence 1 (lines 900-901): those lines are not in the log excerpts"])
  })

  it("rejects empty evidence and a confidence out of range", () => {
    const verdict = validateInsight(answer({ evidence: [], confidence: 1.5 }), log)
    expect(verdict.reasons).toEqual([
      "confidence 1.5 is outside 0..1",
      "evidence is empty: cite at least one log line with a quote",
    ])
  })
})

describe("validateInsightText", () => {
  it("rejects invalid JSON", () => {
    const verdict = validateInsightText('{"summary": "The build', log)
    expect(verdict.ok).toBe(false)
    expect(verdict.reasons[0]).toContain("not valid JSON")
  })

  it("rejects JSON outside the schema, naming the field", () => {
    const verdict = validateInsightText(JSON.stringify({ ...answer(), evidence: "line 121" }), log)
    expect(verdict.reasons[0]).toContain("evidence")
  })

  it("decodes and grounds a good answer", () => {
    const verdict = validateInsightText(JSON.stringify(answer()), log)
    expect(verdict.ok).toBe(true)
    expect(verdict.answer?.category).toBe("compile")
  })
})

describe("verdictForFailure", () => {
  it("turns a truncated answer into feedback asking for a shorter one", () => {
    const truncated = new Truncated({
      provider: "ollama",
      model: "m",
      text: '{"summary": "The',
      usage: { promptTokens: 900, completionTokens: 512 },
    })
    const verdict = verdictForFailure(truncated)!
    expect(verdict.reasons[0]).toContain("cut off")
    expect(verdict.feedback).toContain("shorter")
  })

  it("turns an answer outside the schema into feedback", () => {
    const invalid = new InvalidAnswer({ provider: "p", model: "m", text: "oops", reason: "not valid JSON" })
    expect(verdictForFailure(invalid)?.reasons[0]).toContain("not valid JSON")
  })

  it("leaves provider failures to the retry logic", () => {
    expect(verdictForFailure(new Overloaded({ provider: "p", detail: "busy" }))).toBeUndefined()
  })
})
