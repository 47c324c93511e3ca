// Each template's validators on answers shaped like real model output: good ones pass, each kind of bad
// one fails with a reason the model can act on.
import { describe, expect, it } from "vitest"
import { findTemplate, type Template } from "../../src/distill/templates.js"
import { validateAnswer } from "../../src/distill/validators.js"

const template = (id: string): Template => findTemplate(id)!
const check = (id: string, value: unknown, seed: Record<string, unknown> = {}, bounds = {}) =>
  validateAnswer(template(id), seed, { text: JSON.stringify(value), finish: "stop", value }, bounds)

describe("simple", () => {
  const good = {
    instruction: "How can I get a refund for an order that arrived damaged?",
    response:
      "Sorry about that! Open Orders, pick the order and choose 'Report a problem'. Attach a photo of the damage; the refund goes back to your original payment method within 5 business days.",
  }
  it("accepts a complete answer", () => expect(check("simple", good)).toEqual([]))
  it("names a missing field", () =>
    expect(check("simple", { instruction: good.instruction })).toEqual(["response is missing"]))
  it("catches a response that stops mid-sentence", () =>
    expect(check("simple", { ...good, response: "Open Orders, pick the order and choose the" })).toContain(
      "the answer stops mid-sentence; finish it",
    ))
  it("enforces length bounds", () =>
    expect(check("simple", good, {}, { maxChars: 50 })[0]).toMatch(/keep it under 50/))
  it("rejects prose and cut-off JSON", () => {
    expect(validateAnswer(template("simple"), {}, { text: "Sure! Here you go:", finish: "stop" })[0]).toMatch(
      /not a JSON object/,
    )
    expect(
      validateAnswer(template("simple"), {}, { text: '{"instruction": "How do I', finish: "stop" })[0],
    ).toMatch(/cut off/)
    expect(
      validateAnswer(template("simple"), {}, { text: '{"instruction"', finish: "truncated" })[0],
    ).toMatch(/cut off/)
  })
})

describe("reasoning", () => {
  const good = {
    question: "A train leaves at 14:10 and the trip takes 95 minutes. When does it arrive?",
    steps: ["95 minutes is 1 hour and 35 minutes.", "14:10 plus 1:35 is 15:45."],
    answer: "15:45",
  }
  it("accepts an answer the last step reaches", () => expect(check("reasoning", good)).toEqual([]))
  it("rejects an answer the last step does not state", () =>
    expect(check("reasoning", { ...good, answer: "16:05" })[0]).toMatch(/last step must state 16, 5/))
  it("needs at least two steps", () =>
    expect(check("reasoning", { ...good, steps: ["It arrives at 15:45."] })).toEqual([
      "steps must have at least 2 items",
    ]))
  it("checks worded answers by their words", () =>
    expect(
      check("reasoning", {
        question: "Which planet is closest to the sun, given the orbit list?",
        steps: ["Mercury orbits at 0.39 AU.", "So the closest planet is Mercury."],
        answer: "Venus",
      })[0],
    ).toMatch(/does not follow from the last step/))
})

describe("moe", () => {
  const good = {
    question: "Should we cache product prices at the edge?",
    domain: "e-commerce architecture",
    experts: [
      { expert: "performance engineer", answer: "Yes, with a short TTL: most reads hit the cache." },
      { expert: "pricing analyst", answer: "Only if promotions invalidate the cache immediately." },
    ],
  }
  it("accepts distinct experts", () => expect(check("moe", good)).toEqual([]))
  it("rejects the same expert twice", () =>
    expect(
      check("moe", {
        ...good,
        experts: [good.experts[0], { ...good.experts[1], expert: "Performance Engineer" }],
      }),
    ).toEqual(["two experts share a label; each expert must be different"]))
})

describe("tool-trace", () => {
  const good = {
    request: "What's the weather in Lyon tomorrow?",
    tools: [
      {
        name: "get_forecast",
        description: "Daily forecast for a city",
        parameters: {
          type: "object",
          required: ["city", "days"],
          properties: { city: { type: "string" }, days: { type: "integer" } },
        },
      },
    ],
    calls: [
      {
        tool: "get_forecast",
        arguments: { city: "Lyon", days: 1 },
        result: { high: 21, low: 12, sky: "sunny" },
      },
    ],
    final: "Tomorrow in Lyon: sunny, 12–21 °C.",
  }
  it("accepts calls to declared tools with valid arguments", () =>
    expect(check("tool-trace", good)).toEqual([]))
  it("rejects an undeclared tool", () =>
    expect(check("tool-trace", { ...good, calls: [{ ...good.calls[0], tool: "search_web" }] })[0]).toMatch(
      /uses the tool "search_web", which is not declared/,
    ))
  it("rejects arguments that break the tool's schema", () =>
    expect(
      check("tool-trace", {
        ...good,
        calls: [{ ...good.calls[0], arguments: { city: "Lyon", days: "one" } }],
      }),
    ).toEqual(["calls[0].arguments.days must be integer, got string (per the parameters of get_forecast)"]))
})

describe("ci-triage", () => {
  const log = [
    "Step 4/9 : RUN npm ci",
    "npm ERR! code ERESOLVE",
    'npm ERR! Could not resolve dependency: peer react@"^17" from react-dom@17.0.2',
    "The command '/bin/sh -c npm ci' returned a non-zero code: 1",
  ].join("\n")
  const good = {
    rootCause: "react-dom 17 needs react 17 as a peer, but the lockfile resolves react 18.",
    evidence: [
      "npm ERR! code ERESOLVE",
      'npm ERR! Could not resolve dependency: peer react@"^17" from react-dom@17.0.2',
    ],
    fix: "Upgrade react-dom to 18 alongside react, or pin react to 17.",
  }
  it("accepts evidence quoted from the log", () => expect(check("ci-triage", good, { log })).toEqual([]))
  it("rejects ungrounded evidence", () =>
    expect(check("ci-triage", { ...good, evidence: ["npm ERR! network timeout"] }, { log })[0]).toMatch(
      /does not appear in the log excerpt/,
    ))
})
