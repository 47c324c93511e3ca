// Bundles the compiled CLI into dist/bundle/, the files the `destill` bin runs:
//
// - program.cjs: the program (dist/src/cli/program.js and everything it imports), one CommonJS file that cli.js runs
//   through V8's code cache (src/cli/codeCache.ts). Loading effect, @effect/* and fast-check (which effect's Schema
//   imports) as ~950 separate ES modules took ~0.6 s of every start; as one ES module bundle ~0.45 s, much of it
//   parsing and compiling, which the code cache skips (`destill --help` now takes ~0.34 s).
// - cli.js (src/cli/bundleMain.ts): the bin, an ES module that starts the scoring threads and runs the program.
// - analyzeWorker.js: the scoring thread's entry, which scoringThreads.ts finds next to the code that starts it.
//
// Every other package stays external: some load native code, wasm or files next to their own modules (PGlite,
// kafkajs, whose internals layers/broker/kafka/kafkajs.ts patches through require), and node loads them as usual,
// when a command first needs them. Last, one small analysis writes the code cache, so the first run is as quick.
import { execFileSync } from "node:child_process"
import { chmod, rm } from "node:fs/promises"
import * as esbuild from "esbuild"

/** Packages compiled into the bundle: pure ES modules that load nothing from disk. */
const bundled = (name) =>
  ["effect", "fast-check", "pure-rand"].some((p) => name === p || name.startsWith(`${p}/`)) ||
  name.startsWith("@effect/")

const externalPackages = {
  name: "external-packages",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("node:") || !bundled(args.path) ? { path: args.path, external: true } : undefined,
    )
  },
}

/**
 * Packages @effect/* loads at every start for something few runs do: @effect/cli parses ini, toml and yaml option
 * files, which destill has none of; @effect/sql and @effect/experimental make ids with uuid (23 files). Each is
 * required when one of the functions listed is first called (~60 ms of every start). A function not listed fails
 * the build (import-is-undefined).
 */
const lazyPackages = { ini: ["parse"], toml: ["parse"], yaml: ["parse"], uuid: ["v4", "v7", "stringify"] }
const lazyForEffect = {
  name: "lazy-for-effect",
  setup(build) {
    build.onResolve({ filter: /^(ini|toml|yaml|uuid)$/ }, (args) =>
      args.importer.includes("/node_modules/@effect/") ? { path: args.path, namespace: "lazy" } : undefined,
    )
    build.onLoad({ filter: /.*/, namespace: "lazy" }, (args) => ({
      contents: lazyPackages[args.path]
        .map((name) => `export const ${name} = (...a) => require(${JSON.stringify(args.path)}).${name}(...a)`)
        .join("\n"),
      loader: "js",
    }))
  },
}

/**
 * Ink has top-level await, so CommonJS cannot require it: its static imports in the UI read the module that
 * loadUi (src/ui/load.ts) imported before loading the UI; `import("ink")` stays an import.
 */
const inkFromLoadUi = {
  name: "ink-from-load-ui",
  setup(build) {
    build.onResolve({ filter: /^ink$/ }, (args) =>
      args.kind === "dynamic-import"
        ? { path: "ink", external: true }
        : { path: "ink", namespace: "loaded-ink" },
    )
    build.onLoad({ filter: /.*/, namespace: "loaded-ink" }, () => ({
      contents:
        'const ink = globalThis[Symbol.for("destill.ink")]\n' +
        'if (ink === undefined) throw new Error("the UI was imported without loadUi (src/ui/load.ts)")\n' +
        "module.exports = ink\n",
      loader: "js",
    }))
  },
}

/** The program's import() of anything outside it goes through the bin's ES module entry (pipelines/esmImport.ts). */
const esmImportFromEntry = {
  name: "esm-import-from-entry",
  setup(build) {
    build.onLoad({ filter: /[/\\]pipelines[/\\]esmImport\.js$/ }, () => ({
      contents:
        'const ESM_IMPORT = Symbol.for("destill.esmImport")\n' +
        "export const esmImport = (specifier) => globalThis[ESM_IMPORT](specifier)\n",
      loader: "js",
    }))
  },
}

const common = {
  outdir: "dist/bundle",
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
}

// chunk names carry content hashes: clear the last build's, or every rebuild would leave its chunks behind
await rm("dist/bundle", { recursive: true, force: true })
const { metafile } = await esbuild.build({
  ...common,
  metafile: true,
  entryPoints: { program: "dist/src/cli/program.js" },
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  logOverride: { "import-is-undefined": "error" },
  // strict, as the ES modules it is made of; import.meta.url is the bundle's own URL
  banner: { js: '"use strict";\nconst __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { "import.meta.url": "__bundleUrl" },
  plugins: [lazyForEffect, inkFromLoadUi, esmImportFromEntry, externalPackages],
})
// a script compiled by node:vm from a code cache cannot import(): it would fail only once a cache exists
for (const [file, output] of Object.entries(metafile.outputs))
  for (const imported of output.imports)
    if (imported.kind === "dynamic-import" && imported.external)
      throw new Error(
        `${file} imports ${imported.path} with import(): use esmImport (pipelines/esmImport.ts)`,
      )
await esbuild.build({
  ...common,
  entryPoints: { cli: "dist/src/cli/bundleMain.js", analyzeWorker: "dist/pipelines/triage/analyzeWorker.js" },
  splitting: true,
  format: "esm",
  plugins: [externalPackages],
})
await chmod("dist/bundle/cli.js", 0o755)
// the heap cap is the bin's shebang's: the cache is kept per set of Node flags
execFileSync(
  process.execPath,
  [
    "--max-old-space-size=256",
    "dist/bundle/cli.js",
    "analyze",
    "examples/failing-build.log",
    "--no-store",
    "--format",
    "json",
  ],
  { stdio: "ignore", env: { ...process.env, DESTILL_QUIET: "1" } },
)
