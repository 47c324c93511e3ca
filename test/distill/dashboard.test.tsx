// The job dashboard shows progress, outcomes, reasons and provider health, and its keys pause the job and
// open a task's attempts.
import { render } from "ink-testing-library"
import { createElement } from "react"
import { describe, expect, it } from "vitest"
import { JobProgress, progressLine } from "../../pipelines/distill/progress.js"
import type { Attempt } from "../../src/domain/Distill.js"
import type { ProviderStats } from "../../src/services/LanguageModel.js"
import { Dashboard } from "../../src/ui/distill/Dashboard.js"

const provider: ProviderStats = {
  provider: "ollama/llama3.1:8b",
  model: "llama3.1:8b",
  calls: 57,
  failures: 2,
  inFlight: 3,
  promptTokens: 12_000,
  completionTokens: 8_000,
  costUsd: 0,
  latencyMsSum: 57_000,
  latencyMsAvg: 1_040,
  breaker: "closed",
}

const attempt: Attempt = {
  jobId: "support-qa",
  taskIndex: 41,
  attempt: 1,
  provider: "ollama",
  model: "llama3.1:8b",
  text: "Sure! Here is a question",
  finish: "stop",
  promptTokens: 100,
  completionTokens: 8,
  reasons: ["the answer is not a JSON object; answer with JSON only, no prose or fences"],
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 30))

describe("the distill dashboard", () => {
  it("shows progress, reasons and providers, pauses and opens attempts", async () => {
    const progress = new JobProgress("support-qa", 200)
    progress.accepted = 50
    progress.rejected = 3
    progress.checked(["the answer is not a JSON object; answer with JSON only, no prose or fences"])
    progress.checked([])
    progress.settled(41, "rejected", 3)
    let held = false
    const view = render(
      createElement(Dashboard, {
        progress,
        providers: () => [provider],
        attemptsOf: () => Promise.resolve([attempt]),
        togglePause: () => (held = !held),
        stop: () => undefined,
        refreshMs: 20,
      }),
    )
    await tick()
    const frame = view.lastFrame() ?? ""
    expect(frame).toContain("50/200 (25%)")
    expect(frame).toContain("rejected 4")
    expect(frame).toContain("pass rate 50%")
    expect(frame).toContain("1 the answer is not a JSON object")
    expect(frame).toMatch(/ollama\/llama3\.1:8b\s+57\s+2\s+20000\s+1040ms closed/)
    view.stdin.write("p")
    await tick()
    expect(held).toBe(true)
    expect(view.lastFrame()).toContain("held (p to continue)")
    view.stdin.write("\r")
    await tick()
    expect(view.lastFrame()).toContain("task 41 — 1 attempt(s)")
    expect(view.lastFrame()).toContain("Sure! Here is a question")
    view.unmount()
  })

  it("writes a progress line without a terminal", () => {
    const progress = new JobProgress("support-qa", 200)
    progress.accepted = 20
    expect(progressLine(progress)).toMatch(
      /^support-qa: 20\/200 \(10%\) · rejected 0 · in flight 0 · [\d.]+ samples\/s · pass 0% · eta/,
    )
  })
})
