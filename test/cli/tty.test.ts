// The terminal path end to end: the built binary in a real pseudo-terminal (tmux, 80×24), driven with keys the
// way a person would: the live view turns into the browser, q quits and restores the terminal, Ctrl-C cancels.
import { execFileSync } from "node:child_process"
import { copyFileSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { binary, runCli, tempDir } from "../support/cli.js"

const example = path.resolve(import.meta.dirname, "../../examples/failing-build.log")
const socket = `destill-tty-${process.pid}`
const tmp = tempDir("destill-tty-")
const tmux = (...args: Array<string>) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" })

let windows = 0
/** Runs a shell command in a new 80×24 terminal; the shell reports the exit code and keeps the pane open. */
const terminal = (command: string) => {
  const name = `w${windows++}`
  const script = `${command}; echo "EXIT=$?"; stty -a | grep -o -- '-\\?icanon'; sleep 600`
  if (windows === 1) tmux("new-session", "-d", "-s", "destill", "-n", name, "-x", "80", "-y", "24", script)
  else tmux("new-window", "-t", "destill", "-n", name, script)
  const target = `destill:${name}`
  const screen = () => tmux("capture-pane", "-p", "-t", target)
  const waitFor = (text: string | RegExp, timeout = 90_000) =>
    vi.waitFor(
      () => {
        const s = screen()
        if (typeof text === "string" ? !s.includes(text) : !text.test(s))
          throw new Error(`not yet: ${text}\n${s}`)
        return s
      },
      { timeout, interval: 200 },
    )
  const keys = (...k: Array<string>) => tmux("send-keys", "-t", target, ...k)
  return { screen, waitFor, keys }
}

// Ink draws only a final frame when it believes it runs in CI: the terminal under test is a person's, not CI's.
const destill = (args: string) =>
  `cd ${JSON.stringify(tmp.dir)} && env -u CI -u CONTINUOUS_INTEGRATION NO_COLOR=1 node ${binary} ${args}`

beforeAll(() => {
  // A log long enough that a run is still going when Ctrl-C arrives.
  const noise = Array.from({ length: 2000 }, (_, i) => `2026-11-20T14:00:00Z step ${i}: compiled module ${i}`)
  const block = `${noise.join("\n")}\n`
  writeFileSync(path.join(tmp.dir, "long.log"), block.repeat(400) + "Error: the end\n")
  // Named relative to the terminal's directory, so the header fits 80 columns wherever the repo lives.
  copyFileSync(example, path.join(tmp.dir, "failing-build.log"))
})

afterAll(() => {
  try {
    tmux("kill-server")
  } catch {
    // no server was started
  }
  tmp.remove()
})

describe("destill on a terminal", () => {
  it("shows the findings in the browser after the run, expands one, and quits with q restoring the terminal", async () => {
    const t = terminal(destill("analyze failing-build.log --no-store"))
    const browser = await t.waitFor("filter: none · severity: all")
    expect(browser).toMatch(/destill · .*failing-build\.log · 68 lines in \d+\.\d+s · \d+ findings/)
    expect(browser).toMatch(/▶\s+1 ERROR\s+█+░* 0\.\d\d/)
    expect(browser).toContain("q quit")
    for (const line of browser.split("\n")) expect([...line].length).toBeLessThanOrEqual(80)
    t.keys("Enter")
    await t.waitFor("why:")
    t.keys("q")
    const after = await t.waitFor(/EXIT=0\n(icanon|-icanon)/)
    expect(after).toMatch(/EXIT=0\nicanon/)
  })

  it("cancels a running analysis with Ctrl-C: exit 130, the request recorded as cancelled", async () => {
    const dataDir = path.join(tmp.dir, "data")
    const t = terminal(destill(`analyze long.log --data-dir ${JSON.stringify(dataDir)}`))
    const live = await t.waitFor("ctrl-c cancel")
    expect(live).toContain("destill · long.log")
    t.keys("C-c")
    const after = await t.waitFor(/EXIT=\d+\n(icanon|-icanon)/)
    expect(after).toContain("destill: interrupted")
    expect(after).toMatch(/EXIT=130\nicanon/)
    const list = await runCli(["view", "--data-dir", dataDir, "--format", "json"])
    expect(JSON.parse(list.stdout)).toMatchObject([{ source: "long.log", status: "cancelled" }])

    const view = terminal(destill(`view --data-dir ${JSON.stringify(dataDir)}`))
    const requests = await view.waitFor("1 past request")
    expect(requests).toMatch(/▶ [0-9a-f]{8} {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}cancelled\s+long\.log/)
    view.keys("q")
    await view.waitFor(/EXIT=0\nicanon/)
  }, 240_000)
})
