#!/usr/bin/env -S node --max-old-space-size=256
// The destill binary. The heap cap in the shebang keeps memory flat on huge logs: V8 would otherwise grow the heap
// lazily towards a share of the RAM. Loading the program takes ~0.4 s on one core: an analysis of a big file starts
// its scoring threads first, so they load on the other core meanwhile (scoringThreads.ts).
import { startScoringThreadsFor } from "../../pipelines/triage/scoringThreads.js"

startScoringThreadsFor(process.argv)
await import("./program.js")
