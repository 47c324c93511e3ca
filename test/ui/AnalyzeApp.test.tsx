// The live view of `destill analyze`: progress and the best findings so far, then the browser; Ctrl-C cancels.
import { render } from "ink-testing-library"
import { describe, expect, it, vi } from "vitest"
import { AnalyzeApp, type AnalyzeState } from "../../src/ui/AnalyzeApp.js"
import { LiveFeed } from "../../src/ui/LiveFeed.js"
import type { LiveSnapshot } from "../../src/ui/LiveView.js"
import { findings, plain } from "./fixtures.js"
import { keys, press } from "./keys.js"

const snapshot = (over: Partial<LiveSnapshot> = {}): AnalyzeState => ({
  phase: "running",
  snapshot: {
    source: "builds/nightly.log",
    elapsedMs: 2000,
    bytes: 250_000_000,
    expectedBytes: 1_000_000_000,
    lines: 3_000_000,
    chunks: 500,
    chunksScored: 480,
    top: [],
    ...over,
  },
})

const mount = (initial: AnalyzeState) => {
  const feed = new LiveFeed(initial)
  const onCancel = vi.fn()
  const view = render(<AnalyzeApp feed={feed} onCancel={onCancel} size={{ columns: 80, rows: 24 }} />)
  return { ...view, feed, onCancel, frame: () => plain(view.lastFrame()) }
}

describe("the live view", () => {
  it("shows the source, a progress bar over the known total, lines, chunks, lines/s and elapsed time", () => {
    const { frame, unmount } = mount(snapshot())
    const f = frame()
    expect(f).toContain("destill · builds/nightly.log")
    expect(f).toMatch(/█+░+\s+25%\s+250 MB of 1\.0 GB/)
    expect(f).toContain("3,000,000 lines · 500 chunks, 480 scored · 1.50M lines/s · 2.0s")
    expect(f).toContain("nothing yet")
    expect(f).toContain("ctrl-c cancel")
    for (const line of f.split("\n")) expect([...line].length).toBeLessThanOrEqual(80)
    unmount()
  })

  it("shows bytes read without a bar when the total is unknown (stdin)", () => {
    const { frame, unmount } = mount(snapshot({ expectedBytes: undefined, bytes: 12_400_000 }))
    expect(frame()).toContain("12 MB read")
    expect(frame()).not.toContain("%")
    unmount()
  })

  it("updates the top findings as the pipeline publishes them", async () => {
    const { feed, frame, unmount } = mount(snapshot())
    feed.set(snapshot({ top: findings.slice(0, 2), lines: 4_000_000 }))
    await vi.waitFor(() => expect(frame()).toContain("4,000,000 lines"))
    expect(frame()).toMatch(/1 CRITICAL\s+██████████ 0\.97\s+120–122\s+Billing\.java/)
    expect(frame()).toContain("npm ERR! code ELIFECYCLE")
    unmount()
  })

  it("turns into the browser when the run ends", async () => {
    const { feed, stdin, frame, unmount } = mount(snapshot())
    feed.set({ phase: "done", title: "destill · builds/nightly.log · 3 findings", findings })
    await vi.waitFor(() => expect(frame()).toContain("filter: none · severity: all · 4 of 4"))
    await press(stdin, keys.enter, () => expect(frame()).toContain("why: pattern:maven-compile"))
    unmount()
  })

  it("cancels the run on Ctrl-C", async () => {
    const { stdin, onCancel, unmount } = mount(snapshot())
    await press(stdin, keys.ctrlC, () => expect(onCancel).toHaveBeenCalledTimes(1))
    unmount()
  })
})
