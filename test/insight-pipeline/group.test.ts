// Grouping findings for the prompt: neighbours in one job sit together, repeats drop out, best group first.
import { describe, expect, it } from "vitest"
import { groupFindings, promptOrder } from "../../pipelines/insight/group.js"
import { finding } from "../insight/fixtures.js"

const at = (id: string, rank: number, lineStart: number, overrides: Parameters<typeof finding>[0] = {}) =>
  finding({ id, rank, lineStart, lineEnd: lineStart + 2, hash: `hash-${id}`, ...overrides })

describe("groupFindings", () => {
  it("puts a job's nearby findings beside the best one, in log order, before the next-best failure", () => {
    const groups = groupFindings([
      at("compile", 1, 120),
      at("elsewhere", 2, 900),
      at("just-before", 3, 110),
      at("other-job", 4, 125, { jobName: "lint" }),
    ])
    expect(groups.map((g) => g.findings.map((f) => f.id))).toEqual([
      ["compile", "just-before"],
      ["elsewhere"],
      ["other-job"],
    ])
  })

  it("treats a finding with the same hash as a repeat, not as a second block", () => {
    const groups = groupFindings([
      at("first", 1, 120, { hash: "same" }),
      at("again", 2, 700, { hash: "same" }),
    ])
    expect(groups).toHaveLength(1)
    expect(groups[0]!.repeats.map((f) => f.id)).toEqual(["again"])
  })
})

describe("promptOrder", () => {
  it("renumbers to the prompt order, strips CI decorations, redacts, and stops at the limit", () => {
    const groups = groupFindings([
      at("a", 1, 120, {
        lines: ["2026-11-20T14:00:14.4891590Z \u001b[31mdeploy failed: password=hunter2secret\u001b[0m"],
      }),
      at("b", 2, 900),
      at("c", 3, 1900),
    ])
    const { findings, beyondLimit } = promptOrder(groups, { redact: true, maxFindings: 2 })
    expect(findings.map((f) => [f.id, f.rank])).toEqual([
      ["a", 1],
      ["b", 2],
    ])
    expect(findings[0]!.lines).toEqual(["deploy failed: password=[REDACTED:secret]"])
    expect(beyondLimit.map((f) => f.id)).toEqual(["c"])
    const raw = promptOrder(groups, { redact: false, maxFindings: 2 })
    expect(raw.findings[0]!.lines).toEqual(["deploy failed: password=hunter2secret"])
  })
})
