// `destill view` on a terminal: the past requests, one opened into the browser, and back.
import { render } from "ink-testing-library"
import { describe, expect, it, vi } from "vitest"
import type { RequestSummary } from "../../src/ui/RequestList.js"
import { ViewApp } from "../../src/ui/ViewApp.js"
import { findings, plain } from "./fixtures.js"
import { keys, press } from "./keys.js"

const requests: ReadonlyArray<RequestSummary> = [
  {
    id: "3f2a1b9c-0000-4000-8000-000000000001",
    source: "builds/nightly.log",
    createdAt: new Date(2026, 10, 22, 5, 10).getTime(),
    status: "complete",
    topMessage: "Billing.java:[42,17] cannot find symbol",
  },
  {
    id: "77aa00ff-0000-4000-8000-000000000002",
    source: "-",
    createdAt: new Date(2026, 10, 21, 18, 2).getTime(),
    status: "cancelled",
    topMessage: null,
  },
]

const mount = (list = requests) => {
  const open = vi.fn((id: string) =>
    Promise.resolve({ title: `destill · request ${id.slice(0, 8)}`, findings }),
  )
  const view = render(<ViewApp requests={list} open={open} size={{ columns: 80, rows: 24 }} />)
  return { ...view, open, frame: () => plain(view.lastFrame()) }
}

describe("the request browser", () => {
  it("lists past requests: id, when, status, source and top finding", () => {
    const { frame, unmount } = mount()
    const f = frame()
    expect(f).toContain("destill · 2 past requests")
    expect(f).toMatch(/▶ 3f2a1b9c {2}2026-11-22 05:10 {2}complete\s+builds\/nightly\.log/)
    expect(f).toContain("Billing.java:[42,17] cannot find symbol")
    expect(f).toMatch(/77aa00ff {2}2026-11-21 18:02 {2}cancelled\s+-/)
    unmount()
  })

  it("opens the selected request's findings with enter and goes back with esc", async () => {
    const { stdin, frame, open, unmount } = mount()
    await press(stdin, "j", () => expect(frame()).toMatch(/▶ 77aa00ff/))
    await press(stdin, keys.enter, () => expect(frame()).toContain("destill · request 77aa00ff"))
    expect(open).toHaveBeenCalledWith("77aa00ff-0000-4000-8000-000000000002")
    expect(frame()).toContain("4 of 4")
    await press(stdin, keys.escape, () => expect(frame()).toContain("2 past requests"))
    unmount()
  })

  it("says what to do when the store is empty", () => {
    const { frame, unmount } = mount([])
    expect(frame()).toContain("no requests yet: run destill analyze <log> first")
    unmount()
  })
})
