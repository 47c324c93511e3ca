// Templates of a passing build's log: what a failed log shares with it is noise, what is new may be the cause.
import { cleanLine } from "./clean.js"
import { normalizeLine } from "./normalize.js"

/** Most distinct templates kept (~16 bytes each): memory stays bounded however long the baseline log. */
export const MAX_BASELINE_TEMPLATES = 2_000_000

/** A 52-bit FNV-1a pair: a Set of numbers is far smaller than a Set of template strings. */
const templateKey = (text: string): number => {
  let a = 0x811c9dc5
  let b = 0x01000193
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
  }
  return (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff)
}

const keyOf = (raw: string): number => templateKey(normalizeLine(cleanLine(raw)))

export class BaselineTemplates {
  private readonly keys = new Set<number>()
  /** Lines read, and whether the template cap was reached (later new templates were not kept). */
  lines = 0
  full = false

  add(lines: ReadonlyArray<string>): void {
    for (const line of lines) {
      this.lines++
      if (line.length === 0) continue
      if (this.keys.size >= MAX_BASELINE_TEMPLATES) {
        this.full = true
        continue
      }
      this.keys.add(keyOf(line))
    }
  }

  get size(): number {
    return this.keys.size
  }

  /** Whether a line of the failed log has a template the passing build also printed. */
  has(line: string): boolean {
    return this.keys.has(keyOf(line))
  }
}

export interface BaselineVerdict {
  /** Added to the finding's score before the job outcome is applied. */
  readonly delta: number
  readonly signal: string
}

/**
 * A finding whose headline also occurs in the passing build is most likely noise (a warning every build prints);
 * one whose lines are all new is what changed. Mixed blocks get a share of the penalty.
 */
export const baselineVerdict = (
  baseline: BaselineTemplates,
  finding: { readonly message: string; readonly lines: ReadonlyArray<string> },
): BaselineVerdict => {
  const lines = finding.lines.filter((l) => l.trim().length > 0)
  const seen = lines.filter((l) => baseline.has(l)).length
  const headlineSeen = baseline.has(finding.message)
  if (headlineSeen && seen === lines.length) {
    return { delta: -0.45, signal: "baseline: also in the passing build -0.45" }
  }
  if (headlineSeen) return { delta: -0.3, signal: "baseline: headline also in the passing build -0.30" }
  if (seen === 0) return { delta: 0.08, signal: "baseline: new since the passing build +0.08" }
  return { delta: 0.04, signal: `baseline: ${lines.length - seen} of ${lines.length} lines new +0.04` }
}
