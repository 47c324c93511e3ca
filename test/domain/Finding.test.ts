import { Either, ParseResult, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { Finding } from "../../src/domain/Finding.js"

const decode = Schema.decodeUnknownEither(Finding)

const wire = {
  id: "f-1",
  requestId: "r-1",
  rank: 0,
  severity: "error",
  confidence: 0.8,
  lineStart: 12,
  lineEnd: 13,
  lines: ["FAIL src/cart.test.ts", "  expected 3, received 2"],
  message: "FAIL src/cart.test.ts",
  context: { before: ["> jest"], after: [] },
  occurrences: 1,
  hash: "abc",
  category: "test",
  signals: ["pattern:jest-file +0.7"],
  jobName: "test",
  jobOutcome: "failed",
}

const firstIssue = (input: unknown) =>
  Either.match(decode(input), {
    onLeft: (error) => ParseResult.ArrayFormatter.formatErrorSync(error)[0],
    onRight: () => undefined,
  })

describe("Finding schema", () => {
  it("rejects a finding without its line range", () => {
    expect(decode({ id: "x" })._tag).toBe("Left")
  })

  it("reads a finding off the wire with its lines as they were", () => {
    const finding = Either.getOrThrow(decode(wire))
    expect(finding.lines).toEqual(wire.lines)
    expect(finding.context).toEqual(wire.context)
    expect(JSON.parse(JSON.stringify(finding))).toEqual(wire)
  })

  it("names the list that holds something other than text", () => {
    expect(firstIssue({ ...wire, lines: ["ok", 3] })).toMatchObject({
      path: ["lines"],
      message: "Expected an array of strings",
    })
    expect(firstIssue({ ...wire, context: { before: "x", after: [] } })).toMatchObject({
      path: ["context", "before"],
    })
    expect(firstIssue({ ...wire, signals: null })).toMatchObject({ path: ["signals"] })
  })
})
