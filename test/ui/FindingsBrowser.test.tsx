// The findings browser as a person uses it on an 80×24 terminal: move, expand, filter, cycle severity, copy, quit.
import { render } from "ink-testing-library"
import { describe, expect, it, vi } from "vitest"
import { FindingsBrowser } from "../../src/ui/FindingsBrowser.js"
import { findings, longFinding, plain } from "./fixtures.js"
import { keys, press } from "./keys.js"

const small = { columns: 80, rows: 24 }
const title = "destill · build.log · 1,204 lines in 0.31s · 4 findings"

const mount = (overrides: Partial<Parameters<typeof FindingsBrowser>[0]> = {}) => {
  const onQuit = vi.fn()
  const onBack = vi.fn()
  const view = render(
    <FindingsBrowser
      title={title}
      findings={findings}
      onQuit={onQuit}
      onBack={onBack}
      size={small}
      {...overrides}
    />,
  )
  const frame = () => plain(view.lastFrame())
  const selectedRow = () =>
    frame()
      .split("\n")
      .find((l) => l.startsWith("▶ ")) ?? ""
  return { ...view, onQuit, onBack, frame, selectedRow }
}

/** Every frame must fit the terminal: no line wider than 80 columns, fewer rows than 24. */
const expectFits = (frame: string) => {
  const lines = frame.split("\n")
  expect(lines.length).toBeLessThan(24)
  for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80)
}

describe("FindingsBrowser", () => {
  it("lists findings by rank with severity, a confidence bar and line range, within 80×24", () => {
    const { frame, unmount } = mount()
    const f = frame()
    expect(f).toContain(title)
    expect(f).toMatch(
      /▶\s+1 CRITICAL\s+██████████ 0\.97\s+120–122\s+Billing\.java:\[42,17\] cannot find symbol/,
    )
    expect(f).toMatch(/2 ERROR\s+████████░░ 0\.81\s+88\s+npm ERR! code ELIFECYCLE/)
    expect(f).toMatch(/4 INFO\s+█░░░░░░░░░ 0\.12/)
    expect(f).toContain("q quit")
    expectFits(f)
    unmount()
  })

  it("moves with j/k and the arrow keys, and stops at the ends", async () => {
    const { stdin, selectedRow, unmount } = mount()
    await press(stdin, "j", () => expect(selectedRow()).toContain("npm ERR!"))
    await press(stdin, keys.down, () => expect(selectedRow()).toContain("unused variable"))
    await press(stdin, "jjjj", () => expect(selectedRow()).toContain("Retrying request"))
    await press(stdin, keys.up, () => expect(selectedRow()).toContain("unused variable"))
    await press(stdin, "kkkkk", () => expect(selectedRow()).toContain("cannot find symbol"))
    unmount()
  })

  it("expands the selected finding with its context and why it scored, and collapses it again", async () => {
    const { stdin, frame, unmount } = mount()
    expect(frame()).not.toContain("why:")
    await press(stdin, keys.enter, () => expect(frame()).toContain("why: pattern:maven-compile +0.7"))
    const f = frame()
    expect(f).toContain("119 │ [INFO] Compiling 214 source files")
    expect(f).toContain("▶ 120 │ [ERROR] /src/main/java/com/acme/Billing.java:[42,17] cannot find symbol")
    expect(f).toContain("123 │ [INFO] BUILD FAILURE")
    expectFits(f)
    await press(stdin, keys.escape, () => expect(frame()).not.toContain("why:"))
    unmount()
  })

  it("keeps a long finding inside the screen, saying how much is left out", async () => {
    const { stdin, frame, unmount } = mount({ findings: [longFinding] })
    await press(stdin, keys.enter, () => expect(frame()).toMatch(/… \d+ more lines/))
    expectFits(frame())
    unmount()
  })

  it("uses a taller terminal's rows to show more of a finding", async () => {
    const { stdin, frame, unmount } = mount({ findings: [longFinding], size: { columns: 120, rows: 60 } })
    await press(stdin, keys.enter, () => expect(frame()).toContain("Frame39.java:40"))
    expect(frame()).not.toMatch(/more lines/)
    unmount()
  })

  it("filters by text typed after /, and clears the filter with esc", async () => {
    const { stdin, frame, unmount } = mount()
    await press(stdin, "/", () => expect(frame()).toContain("filter: /▏"))
    await press(stdin, "npm", () => expect(frame()).toContain("1 of 4"))
    expect(frame()).toContain("npm ERR! code ELIFECYCLE")
    expect(frame()).not.toContain("cannot find symbol")
    await press(stdin, keys.backspace, () => expect(frame()).toContain("filter: /np▏"))
    await press(stdin, keys.enter, () => expect(frame()).toContain("filter: /np ·"))
    // j moves now, it is no longer typed into the filter
    await press(stdin, "/", () => expect(frame()).toContain("filter: /np▏"))
    await press(stdin, keys.escape, () => expect(frame()).toContain("filter: none · severity: all · 4 of 4"))
    unmount()
  })

  it("takes a pasted filter ending in enter as typed text", async () => {
    const { stdin, frame, unmount } = mount()
    await press(stdin, "/", () => expect(frame()).toContain("filter: /▏"))
    await press(stdin, "retry\r", () => expect(frame()).toContain("filter: /retry · severity: all · 1 of 4"))
    unmount()
  })

  it("cycles the severity filter with s", async () => {
    const { stdin, frame, unmount } = mount()
    await press(stdin, "s", () => expect(frame()).toContain("severity: critical · 1 of 4"))
    await press(stdin, "s", () => expect(frame()).toContain("severity: error · 1 of 4"))
    expect(frame()).toContain("npm ERR!")
    expect(frame()).not.toContain("cannot find symbol")
    await press(stdin, "ss", () => expect(frame()).toContain("severity: info · 1 of 4"))
    await press(stdin, "s", () => expect(frame()).toContain("severity: all · 4 of 4"))
    unmount()
  })

  it("says when nothing matches", async () => {
    const { stdin, frame, unmount } = mount()
    await press(stdin, "/zzz\r", () => expect(frame()).toContain("no finding matches"))
    unmount()
  })

  it("prints the selected block above the view and copies it with c", async () => {
    const { stdin, frame, frames, unmount } = mount()
    await press(stdin, "j", () => expect(frame()).toContain("▶  2 ERROR"))
    await press(stdin, "c", () => expect(frame()).toContain("#2 printed above and copied"))
    const printed = frames
      .map(plain)
      .find((f) => f.includes("▶ 88 │ npm ERR! code ELIFECYCLE") && f.includes("\x1b]52;c;"))
    expect(printed).toBeDefined()
    expect(printed).toContain("why: pattern:npm-err +0.5")
    unmount()
  })

  it("quits with q, goes back with esc", async () => {
    const { stdin, onQuit, onBack, unmount } = mount()
    await press(stdin, keys.escape, () => expect(onBack).toHaveBeenCalled())
    await press(stdin, "q", () => expect(onQuit).toHaveBeenCalled())
    unmount()
  })

  it("says so when a request has no findings", () => {
    const { frame, unmount } = mount({ findings: [] })
    expect(frame()).toContain("no findings: nothing in this log looks like a failure")
    unmount()
  })
})
