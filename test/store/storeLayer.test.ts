// Where the store lives by default.
import { describe, expect, it } from "@effect/vitest"
import * as os from "node:os"
import { defaultDataDir } from "../../layers/store/index.js"

describe("defaultDataDir", () => {
  it("lives under XDG_DATA_HOME when it is set", () => {
    expect(defaultDataDir({ XDG_DATA_HOME: "/data/xdg", HOME: "/home/ada" })).toBe("/data/xdg/destill")
  })

  it("falls back to ~/.local/share", () => {
    expect(defaultDataDir({ HOME: "/home/ada" })).toBe("/home/ada/.local/share/destill")
    expect(defaultDataDir({ XDG_DATA_HOME: "relative/dir", HOME: "/home/ada" })).toBe(
      "/home/ada/.local/share/destill",
    )
    expect(defaultDataDir({})).toBe(`${os.homedir()}/.local/share/destill`)
  })
})
