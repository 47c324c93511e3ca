#!/usr/bin/env -S node --max-old-space-size=256
// The entry of dist/bundle/cli.js, the `destill` bin (main.ts is the same program unbundled). The program itself is
// dist/bundle/program.cjs, run through V8's code cache (codeCache.ts); the heap cap in the shebang is main.ts's.
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { startScoringThreadsFor } from "../../pipelines/triage/scoringThreads.js"
import { runWithCodeCache } from "./codeCache.js"
import { ESM_IMPORT } from "../../pipelines/esmImport.js"

const program = fileURLToPath(new URL("./program.cjs", import.meta.url))
if (!existsSync(program)) {
  process.stderr.write(`destill: ${program} is missing: run npm run build\n`)
  process.exit(1)
}
startScoringThreadsFor(process.argv)
// the program's import() of packages and files outside it (pipelines/esmImport.ts), resolved from here, beside it
;(globalThis as Record<symbol, unknown>)[ESM_IMPORT] = (specifier: string) => import(specifier)
runWithCodeCache(program)
