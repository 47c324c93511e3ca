// Job files: the example decodes as written, JSON works too, and every mistake names its field and line.
import { Either } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { parseJobFile } from "../../src/distill/jobFile.js"
import { checkSeeds, resolveTemplate } from "../../src/distill/plan.js"
import { exportLine } from "../../src/distill/exportFormat.js"
import { findTemplate } from "../../src/distill/templates.js"

const example = fs.readFileSync(
  path.resolve(import.meta.dirname, "../../examples/distill/support-qa.yaml"),
  "utf8",
)
const errorOf = (text: string, source = "job.yaml") =>
  Either.getLeft(parseJobFile(text, source)).pipe((o) => (o._tag === "Some" ? o.value.message : ""))

describe("job files", () => {
  it("decode the issue's example as written", () => {
    const spec = Either.getOrThrow(parseJobFile(example, "support-qa.yaml"))
    expect(spec).toMatchObject({
      name: "support-qa",
      template: "simple",
      target: 200,
      seeds: { topics: ["billing", "shipping", "refunds"] },
      providers: [{ type: "ollama", model: "llama3.1:8b", weight: 1 }],
      strategy: "round-robin",
      concurrency: 16,
      maxAttempts: 3,
      validators: { nearDuplicate: 0.8 },
      output: "out/support-qa.jsonl",
    })
  })

  it("decode JSON", () => {
    const spec = parseJobFile(
      JSON.stringify({
        name: "j",
        template: "reasoning",
        target: 5,
        seeds: { file: "s.jsonl" },
        providers: [{ type: "scripted" }],
        output: "o.jsonl",
      }),
      "job.json",
    )
    expect(Either.isRight(spec)).toBe(true)
  })

  it("name the field and the line of each mistake", () => {
    const broken = example
      .replace("target: 200", "target: -5")
      .replace("weight: 1 }", "weight: heavy }")
      .replace("maxAttempts: 3", "maxAttempt: 3")
    const message = errorOf(broken)
    expect(message).toContain("job.yaml:3: target: Expected a positive number, actual -5")
    expect(message).toContain('job.yaml:6: providers[0].weight: Expected number, actual "heavy"')
    expect(message).toContain("job.yaml:9: maxAttempt: is not a known field")
  })

  it("name a missing field and bad YAML", () => {
    expect(errorOf(example.replace("output: out/support-qa.jsonl\n", ""))).toContain("output: is missing")
    expect(errorOf("name: [unclosed\n")).toMatch(/^job.yaml:\d+: not valid YAML or JSON/)
  })

  it("accept a custom template and check its placeholders against the seeds", () => {
    const custom = `name: sql
template:
  schema: { type: object, required: [query], properties: { query: { type: string } } }
  system: You write SQL.
  user: "Write a query over {table} that answers: {question}"
  examples: [{ input: { table: users, question: how many? }, output: { query: "SELECT count(*) FROM users" } }]
target: 3
seeds: { topics: [users] }
providers: [{ type: scripted }]
output: sql.jsonl
`
    const spec = Either.getOrThrow(parseJobFile(custom, "sql.yaml"))
    const template = Either.getOrThrow(resolveTemplate(spec))
    expect(template.id).toBe("custom")
    const seeds = Either.getLeft(checkSeeds(template, [{ topic: "users" }]))
    expect(seeds._tag === "Some" && seeds.value.message).toBe(
      'seed 1 has no "table", "question", which the custom template\'s prompt uses as {table}',
    )
  })
})

describe("export formats", () => {
  const sample = {
    id: "j-0000001",
    jobId: "j",
    taskIndex: 1,
    attempt: 1,
    template: "reasoning",
    seed: { topic: "trains", variation: 0 },
    value: {
      question: "When does it arrive?",
      steps: ["95 min is 1:35.", "14:10 + 1:35 = 15:45."],
      answer: "15:45",
    },
    provider: "scripted",
    model: "m",
  }
  const reasoning = findTemplate("reasoning")!
  it("write chatml messages and alpaca records", () => {
    expect(JSON.parse(exportLine(reasoning, sample, "chatml"))).toEqual({
      id: "j-0000001",
      messages: [
        { role: "user", content: "When does it arrive?" },
        { role: "assistant", content: "95 min is 1:35.\n14:10 + 1:35 = 15:45.\n15:45" },
      ],
    })
    expect(JSON.parse(exportLine(reasoning, sample, "alpaca"))).toMatchObject({
      instruction: "When does it arrive?",
      input: "",
    })
    expect(exportLine(reasoning, sample, "jsonl").startsWith('{"id":"j-0000001"')).toBe(true)
  })
})
