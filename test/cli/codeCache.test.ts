// The bin's program runs through V8's code cache: written by the first run, taken by the next, and never trusted
// beyond the program text and the Node it was made for. Each run is a fresh node process, as a user's are.
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { tempDir } from "../support/cli.js"

const codeCache = pathToFileURL(path.resolve(import.meta.dirname, "../../dist/src/cli/codeCache.js")).href
const tmp = tempDir("destill-code-cache-")
const xdg = path.join(tmp.dir, "xdg")
afterAll(() => tmp.remove())

/** A CommonJS program, whose `require`, `__filename` and `__dirname` must be as if node had loaded it. */
const program = (dir: string, greeting: string) => {
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, "program.cjs")
  writeFileSync(
    file,
    `"use strict"
const path = require("node:path")
process.stdout.write(${JSON.stringify(greeting)} + " from " + path.basename(__filename) + " in " + path.basename(__dirname))
`,
  )
  return file
}

interface Run {
  readonly printed: string
  readonly accepted: string | null
  readonly writesTo: ReadonlyArray<string>
}

/** Runs the program through the cache in a new node: what it printed, and what the cache did. */
const run = (file: string, env: Record<string, string> = {}): Run => {
  const child = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { runWithCodeCache } from ${JSON.stringify(codeCache)}
const { accepted, writesTo } = runWithCodeCache(${JSON.stringify(file)})
process.stderr.write(JSON.stringify({ accepted: accepted ?? null, writesTo }))`,
    ],
    { encoding: "utf8", env: { ...process.env, XDG_CACHE_HOME: xdg, ...env } },
  )
  expect(child.status).toBe(0)
  return { printed: child.stdout, ...(JSON.parse(child.stderr) as Omit<Run, "printed">) }
}

const cacheFiles = (dir: string) =>
  existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith(".v8cache")) : []

describe("runWithCodeCache", () => {
  it("writes the cache beside the program on the first run, and the next run takes it", () => {
    const dir = path.join(tmp.dir, "first")
    const file = program(dir, "hello")
    const first = run(file)
    expect(first).toMatchObject({
      printed: `hello from program.cjs in ${path.basename(dir)}`,
      accepted: null,
    })
    expect(cacheFiles(dir)).toHaveLength(1)
    const second = run(file)
    expect(second).toMatchObject({ printed: `hello from program.cjs in ${path.basename(dir)}`, writesTo: [] })
    expect(second.accepted).toBe(path.join(dir, cacheFiles(dir)[0]!))
  })

  it("never runs a cache made for another text, even one of the same length", () => {
    const dir = path.join(tmp.dir, "changed")
    const file = program(dir, "hello")
    run(file)
    program(dir, "howdy")
    const changed = run(file)
    expect(changed).toMatchObject({
      printed: `howdy from program.cjs in ${path.basename(dir)}`,
      accepted: null,
    })
    // the new text's cache sits beside the old one, and is the one taken from now on
    expect(cacheFiles(dir)).toHaveLength(2)
    expect(run(file).accepted).not.toBeNull()
  })

  it("runs from source when the cache is damaged, and writes a good one", () => {
    const dir = path.join(tmp.dir, "damaged")
    const file = program(dir, "hello")
    run(file)
    const [name] = cacheFiles(dir)
    writeFileSync(path.join(dir, name!), "not bytecode")
    expect(run(file)).toMatchObject({
      printed: `hello from program.cjs in ${path.basename(dir)}`,
      accepted: null,
    })
    expect(run(file).accepted).toBe(path.join(dir, name!))
  })

  it("keeps one cache per set of Node flags, so runs with different flags do not undo each other", () => {
    const dir = path.join(tmp.dir, "flags")
    const file = program(dir, "hello")
    run(file)
    run(file, { NODE_OPTIONS: "--max-old-space-size=200" })
    expect(cacheFiles(dir)).toHaveLength(2)
    expect(run(file).accepted).not.toBeNull()
    expect(run(file, { NODE_OPTIONS: "--max-old-space-size=200" }).accepted).not.toBeNull()
  })

  it("falls back to the user's cache dir when it cannot write beside the program", () => {
    const dir = path.join(tmp.dir, "unwritable")
    const file = program(dir, "hello")
    const { writesTo } = run(file)
    // a directory where the cache file goes: it can be neither read nor replaced, even by root
    rmSync(writesTo[0]!)
    mkdirSync(writesTo[0]!)
    expect(run(file).accepted).toBeNull()
    expect(cacheFiles(path.join(xdg, "destill"))).toContain(path.basename(writesTo[1]!))
    expect(run(file)).toMatchObject({
      printed: `hello from program.cjs in ${path.basename(dir)}`,
      accepted: writesTo[1],
    })
  })

  it("removes the caches of other texts of the program once they are a month old, and keeps recent ones", () => {
    const dir = path.join(tmp.dir, "prune")
    const file = program(dir, "hello")
    const stale = path.join(dir, ".program.cjs-0123456789ab-0123456789ab.v8cache")
    const recent = path.join(dir, ".program.cjs-ba9876543210-0123456789ab.v8cache")
    writeFileSync(stale, "an old version's bytecode")
    writeFileSync(recent, "another version in use")
    const monthAgo = new Date(Date.now() - 31 * 24 * 3600 * 1000)
    utimesSync(stale, monthAgo, monthAgo)
    run(file)
    expect(cacheFiles(dir)).not.toContain(path.basename(stale))
    expect(cacheFiles(dir)).toContain(path.basename(recent))
    expect(cacheFiles(dir)).toHaveLength(2)
  })

  it("reads and writes no cache with DESTILL_CODE_CACHE=0", () => {
    const dir = path.join(tmp.dir, "off")
    const file = program(dir, "hello")
    expect(run(file, { DESTILL_CODE_CACHE: "0" })).toMatchObject({
      printed: `hello from program.cjs in ${path.basename(dir)}`,
      accepted: null,
      writesTo: [],
    })
    expect(cacheFiles(dir)).toEqual([])
  })
})
