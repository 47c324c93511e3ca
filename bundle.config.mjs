// Bundles the compiled CLI (dist/src/cli/main.js) and the scoring thread's entry into dist/bundle/, the files the
// `destill` bin runs. Loading effect, @effect/* and fast-check (which effect's Schema imports) as ~950 separate ES
// modules took ~0.6 s of every start, before a byte of the log was read; one bundle of what is used loads in
// ~0.1 s. Every other package stays external: some load native code, wasm or files next to their own modules
// (PGlite, kafkajs, whose internals layers/broker/kafka/kafkajs.ts patches through require), and are loaded by
// node as usual. The scoring thread resolves its file as ./analyzeWorker.js next to the code that starts it, which
// in the bundle is dist/bundle/ too.
import { chmod, rm } from "node:fs/promises"
import * as esbuild from "esbuild"

/** Packages compiled into the bundle: pure ES modules that load nothing from disk. */
const bundled = (name) =>
  ["effect", "fast-check", "pure-rand"].some((p) => name === p || name.startsWith(`${p}/`)) ||
  name.startsWith("@effect/")

// chunk names carry content hashes: clear the last build's, or every rebuild would leave its chunks behind
await rm("dist/bundle", { recursive: true, force: true })
await esbuild.build({
  entryPoints: { cli: "dist/src/cli/main.js", analyzeWorker: "dist/pipelines/triage/analyzeWorker.js" },
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
  plugins: [
    {
      name: "external-packages",
      setup(build) {
        build.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith("node:") || !bundled(args.path)
            ? { path: args.path, external: true }
            : undefined,
        )
      },
    },
  ],
})
await chmod("dist/bundle/cli.js", 0o755)
