// The insight above the findings: its summary and fix at a glance, `i` for root cause and evidence, a line while
// the model works, and the reasons when no answer validated.
import { render } from "ink-testing-library"
import { describe, expect, it, vi } from "vitest"
import { AnalyzeApp, type AnalyzeState } from "../../src/ui/AnalyzeApp.js"
import { FindingsBrowser } from "../../src/ui/FindingsBrowser.js"
import type { InsightState } from "../../src/ui/InsightPanel.js"
import { LiveFeed } from "../../src/ui/LiveFeed.js"
import { ViewApp } from "../../src/ui/ViewApp.js"
import { findings, insight, plain, rejectedInsight } from "./fixtures.js"
import { keys, press } from "./keys.js"

const size = { columns: 80, rows: 24 }

const browser = (state: InsightState) => {
  const view = render(
    <FindingsBrowser
      title="destill · nightly.log"
      findings={findings}
      insight={state}
      onQuit={() => {}}
      size={size}
    />,
  )
  return { ...view, frame: () => plain(view.lastFrame()) }
}

describe("the insight in the browser", () => {
  it("sits between the title and the findings: category, confidence, model, summary and fix", () => {
    const { frame, unmount } = browser({ _tag: "Ready", insight })
    const f = frame()
    const lines = f.split("\n")
    expect(lines[0]).toContain("destill · nightly.log")
    expect(lines[1]).toContain("insight · compile · confidence 0.85 · ollama llama3.1:8b")
    expect(lines[2]).toContain("The build does not compile: Billing.java calls a method")
    expect(lines[3]).toContain("fix: Call charge(PaymentRequest) in Billing.java.")
    expect(f.indexOf("filter: none")).toBeGreaterThan(f.indexOf("fix: Call charge"))
    expect(f).toContain("4 of 4")
    expect(f).toContain("i insight")
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80)
    unmount()
  })

  it("opens the whole insight with i (root cause, evidence lines) and closes it again", async () => {
    const { stdin, frame, unmount } = browser({ _tag: "Ready", insight })
    expect(frame()).not.toContain("root cause:")
    await press(stdin, "i", () => expect(frame()).toContain("root cause: chargeCard(String) was removed"))
    expect(frame()).toMatch(/line 120 +Billing\.java:\[42,17\] cannot find symbol/)
    // The findings stay on screen below it.
    expect(frame()).toContain("filter: none")
    await press(stdin, "i", () => expect(frame()).not.toContain("root cause:"))
    unmount()
  })

  it("says why there is no insight when the model's answers never validated", async () => {
    const { stdin, frame, unmount } = browser({ _tag: "Ready", insight: rejectedInsight })
    expect(frame()).toContain(
      "no insight: ollama llama3.1:8b's answers failed validation (3 attempts; i: why)",
    )
    await press(stdin, "i", () => expect(frame()).toContain('evidence quote "it is flaky" does not occur'))
    unmount()
  })

  it("shows the insight in analyze's browser once the model has answered", async () => {
    const feed = new LiveFeed<AnalyzeState>({
      phase: "done",
      title: "destill · nightly.log",
      findings,
      insight: { _tag: "Explaining", by: "the model" },
    })
    const view = render(<AnalyzeApp feed={feed} onCancel={() => {}} size={size} />)
    const frame = () => plain(view.lastFrame())
    expect(frame()).toContain("insight: asking the model…")
    feed.set({ phase: "done", title: "destill · nightly.log", findings, insight: { _tag: "Ready", insight } })
    await vi.waitFor(() => expect(frame()).toContain("insight · compile · confidence 0.85"))
    feed.set({
      phase: "done",
      title: "destill · nightly.log",
      findings,
      insight: { _tag: "Unavailable", reason: "no LLM provider configured: set DESTILL_PROVIDER" },
    })
    await vi.waitFor(() => expect(frame()).toContain("no insight: no LLM provider configured"))
    view.unmount()
  })

  it("shows a stored insight when destill view opens a request", async () => {
    const open = vi.fn(() => Promise.resolve({ title: "destill · request 3f2a1b9c", findings, insight }))
    const view = render(
      <ViewApp
        requests={[
          {
            id: "3f2a1b9c-0000-4000-8000-000000000001",
            source: "nightly.log",
            createdAt: 0,
            status: "complete",
            topMessage: null,
          },
        ]}
        open={open}
        size={size}
      />,
    )
    const frame = () => plain(view.lastFrame())
    await press(view.stdin, keys.enter, () =>
      expect(frame()).toContain("insight · compile · confidence 0.85"),
    )
    view.unmount()
  })
})
