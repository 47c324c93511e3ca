// The bench sections, in the order they run. Adding one is a one-file change: write a module that exports a
// BenchSection (see section.ts) and list it here; `--only NAME` / BENCH_ONLY picks it by name.
import { distillSection } from "./distill.js"
import { distributedSection } from "./distributed.js"
import { insightSection } from "./insight.js"
import { qualitySection } from "./quality.js"
import type { BenchSection } from "./section.js"
import { throughputSection } from "./throughput.js"

export const sections: ReadonlyArray<BenchSection> = [
  throughputSection,
  qualitySection,
  distillSection,
  insightSection,
  distributedSection,
]
