// Prompt packing: the best findings with numbered lines and context, within a budget, saying what was cut.
import { describe, expect, it } from "vitest"
import { buildInsightPrompt, promptLines } from "../../src/insight/prompt.js"
import { finding } from "./fixtures.js"

describe("buildInsightPrompt", () => {
  it("shows the finding's lines with their numbers, flagged, and the context around them", () => {
    const prompt = buildInsightPrompt([finding()], { maxChars: 10_000 })
    expect(prompt.user).toContain(
      ">    121 | [ERROR] /src/main/java/com/acme/Billing.java:[42,17] cannot find symbol",
    )
    expect(prompt.user).toContain("     118 | [INFO] Compiling 214 source files")
    expect(prompt.user).toContain("     123 | [INFO] BUILD FAILURE")
    expect(prompt.included).toEqual(["f1"])
    expect(prompt.cutNote).toBe("")
    expect(prompt.system).toContain("JSON")
  })

  it("puts the best-ranked findings first and leaves out what does not fit, saying so", () => {
    const big = (id: string, rank: number) =>
      finding({
        id,
        rank,
        lines: Array.from({ length: 40 }, (_, i) => `[ERROR] failure ${id} detail line ${i}`),
        lineEnd: 159,
      })
    const prompt = buildInsightPrompt([big("third", 3), big("first", 1), big("second", 2)], {
      maxChars: 2_500,
    })
    expect(prompt.included[0]).toBe("first")
    expect(prompt.omitted.length + prompt.included.length).toBe(3)
    expect(prompt.omitted).toContain("third")
    expect(prompt.shortened).toEqual(["second"])
    expect(prompt.cutNote).toBe("1 finding left out, 1 shortened to fit 2500 characters")
    expect(prompt.user).toContain(prompt.cutNote)
    expect(prompt.user).toContain("lines left out")
  })

  it("keeps at most maxFindings", () => {
    const findings = [1, 2, 3, 4].map((rank) => finding({ id: `f${rank}`, rank }))
    const prompt = buildInsightPrompt(findings, { maxChars: 50_000, maxFindings: 2 })
    expect(prompt.included).toEqual(["f1", "f2"])
    expect(prompt.omitted).toEqual(["f3", "f4"])
  })

  it("redacts secrets in what it sends unless told not to", () => {
    const leaky = finding({ lines: ["curl -H 'Authorization: Bearer 0123456789abcdef' failed", "x", "y"] })
    const redacted = buildInsightPrompt([leaky], { maxChars: 10_000 })
    expect(redacted.user).not.toContain("0123456789abcdef")
    expect(redacted.redactions).toBe(1)
    const raw = buildInsightPrompt([leaky], { maxChars: 10_000, redact: false })
    expect(raw.user).toContain("0123456789abcdef")
    expect(promptLines([leaky])(120)[0]).toContain("[REDACTED:token]")
  })
})
