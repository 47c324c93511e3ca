// Runs the bundled program (a CommonJS file) through V8's code cache. Node 20 compiles every ES module from source on
// each start (its compile cache for ES modules came with Node 22): for the 2.7 MB bundle that is ~0.15 s of parsing,
// then each function compiled again when first called. A script compiled with the bytecode of a previous run skips
// both: `destill --help` starts in ~0.3 s instead of ~0.5 s, and `analyze` reaches its first chunk that much sooner.
//
// The cache belongs to one program text, one Node and one set of V8 flags (V8 refuses it otherwise, and checks the
// text only by its length): its file name carries a hash of all three. A missing or refused cache is written at exit,
// best effort and atomically, next to the program or else in the user's cache dir; a cache that cannot be read or
// written only costs the time it would have saved. DESTILL_CODE_CACHE=0 turns it off.
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"
import * as vm from "node:vm"

export interface CodeCacheRun {
  /** The cache file V8 accepted, if any. */
  readonly accepted: string | undefined
  /** Where the bytecode of this run will be written at exit, when none was accepted. */
  readonly writesTo: ReadonlyArray<string>
}

/** Directories searched for a program's cache, in order: beside the program, then `$XDG_CACHE_HOME/destill`. */
export const cacheDirs = (programFile: string, env: NodeJS.ProcessEnv): ReadonlyArray<string> => {
  const xdg = env["XDG_CACHE_HOME"]
  const base =
    xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(env["HOME"] || os.homedir(), ".cache")
  return [path.dirname(programFile), path.join(base, "destill")]
}

const hash12 = (...parts: ReadonlyArray<string | Buffer>): string => {
  const hash = createHash("sha256")
  for (const part of parts) hash.update(part)
  return hash.digest("hex").slice(0, 12)
}

/**
 * The cache file's name: the program's text, then Node's version and the flags V8 runs with, decide whether it fits.
 * `.program.cjs-<text>-<runtime>.v8cache`, so the caches of other texts can be told apart (see prune).
 */
export const cacheName = (programFile: string, source: Buffer, env: NodeJS.ProcessEnv): string => {
  const runtime = hash12(process.version, process.arch, process.execArgv.join(" "), env["NODE_OPTIONS"] ?? "")
  return `.${path.basename(programFile)}-${hash12(source)}-${runtime}.v8cache`
}

/** Caches of another program text untouched this long are a version no longer run: removed when a cache is written. */
const STALE_MS = 30 * 24 * 3600 * 1000

/** Removes the stale caches of other texts of the program beside `file` (the user's cache dir outlives versions). */
const prune = (file: string): void => {
  const dir = path.dirname(file)
  const name = path.basename(file)
  const program = name.slice(0, name.lastIndexOf("-", name.lastIndexOf("-") - 1) + 1)
  const text = name.slice(program.length, name.lastIndexOf("-"))
  try {
    for (const other of fs.readdirSync(dir)) {
      if (!other.startsWith(program) || !other.endsWith(".v8cache") || other.startsWith(`${program}${text}-`))
        continue
      const at = path.join(dir, other)
      if (Date.now() - fs.statSync(at).mtimeMs > STALE_MS) fs.rmSync(at, { force: true })
    }
  } catch {
    // another process pruned first, or the dir cannot be listed: nothing lost
  }
}

const readCache = (file: string): Buffer | undefined => {
  try {
    return fs.readFileSync(file)
  } catch {
    return undefined
  }
}

/** Writes a file whole or not at all: a reader never sees half of it. */
const writeAtomically = (file: string, data: Buffer): boolean => {
  const temporary = `${file}.${process.pid}.tmp`
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(temporary, data)
    fs.renameSync(temporary, file)
    return true
  } catch {
    fs.rmSync(temporary, { force: true })
    return false
  }
}

/**
 * Compiles and runs `programFile`, a CommonJS module, with a code cache when one fits. Its `require` resolves from
 * its own directory, as if Node had loaded the file itself. It cannot use `import()`: Node 20 offers a script only an
 * experimental hook for it, which a script compiled from a cache loses (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so
 * the bin's program imports through its entry instead (pipelines/esmImport.ts; bundle.config.mjs checks).
 */
export const runWithCodeCache = (programFile: string, env: NodeJS.ProcessEnv = process.env): CodeCacheRun => {
  const source = fs.readFileSync(programFile)
  const name = cacheName(programFile, source, env)
  const candidates =
    env["DESTILL_CODE_CACHE"] === "0" ? [] : cacheDirs(programFile, env).map((dir) => path.join(dir, name))
  // the first cache found is tried (the next is not read); refused, it costs no more than compiling without one
  let found: { readonly file: string; readonly data: Buffer } | undefined
  for (const file of candidates) {
    const data = readCache(file)
    if (data === undefined) continue
    found = { file, data }
    break
  }
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${source.toString("utf8")}\n})`,
    {
      filename: programFile,
      ...(found === undefined ? {} : { cachedData: found.data }),
    },
  )
  const accepted = found !== undefined && !script.cachedDataRejected ? found.file : undefined
  const writesTo = accepted === undefined ? candidates : []
  if (writesTo.length > 0)
    // at exit the cache holds every function the run compiled, not only the top level
    process.once("exit", () => {
      const data = script.createCachedData()
      const written = writesTo.find((file) => writeAtomically(file, data))
      if (written !== undefined) prune(written)
    })
  const module = { exports: {} }
  const run = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: unknown,
    filename: string,
    dirname: string,
  ) => void
  run(module.exports, createRequire(programFile), module, programFile, path.dirname(programFile))
  return { accepted, writesTo }
}
