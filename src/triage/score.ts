// Scores one cleaned line against the pattern tables: the best boost, a little for corroborating boosts,
// minus the strongest penalty.
import type { Severity } from "../domain/Finding.js"
import {
  BOOSTS,
  NONZERO_COUNT,
  PENALTIES,
  PREFILTER,
  PREFILTER_LINE_START,
  ZERO_COUNT,
  type BoostRule,
} from "./patterns.js"

export interface LineScore {
  readonly score: number
  readonly severity: Severity
  readonly category: string
  readonly signals: ReadonlyArray<string>
}

/** Lines this long are data dumps (minified code, base64), not messages: only their head is read. */
const MAX_SCORED_CHARS = 2000

/** True when the raw line is worth scoring at all; false for the vast majority of log noise. */
export const isCandidate = (raw: string): boolean => {
  if (PREFILTER.test(raw)) return true
  const first = raw.charCodeAt(0)
  // E (pytest), - (rust test headers, step markers), _ (pytest headers), ~ and + (step markers)
  if (first === 69 || first === 45 || first === 95 || first === 126 || first === 43)
    return PREFILTER_LINE_START.test(raw)
  return first === 32 && raw.includes("** (")
}

const round = (value: number): number => Math.round(value * 100) / 100

const BY_WEIGHT: ReadonlyArray<BoostRule> = [...BOOSTS].sort((a, b) => b.weight - a.weight)
/** Only specific rules (at least this weight) count as corroboration; generic words always co-occur. */
const CORROBORATING_WEIGHT = 0.6

/** The score of a cleaned line, or undefined when no boost rule matches. */
export const scoreLine = (cleaned: string): LineScore | undefined => {
  const text = cleaned.length > MAX_SCORED_CHARS ? cleaned.slice(0, MAX_SCORED_CHARS) : cleaned
  let best: BoostRule | undefined
  let matched = 0
  for (const boost of BY_WEIGHT) {
    // rules are sorted strongest first: once one matched, weaker generic rules can neither win nor corroborate
    if (best !== undefined && (boost.weight < CORROBORATING_WEIGHT || matched >= 4)) break
    if (!boost.pattern.test(text)) continue
    matched++
    best ??= boost
  }
  if (best === undefined) return undefined
  const signals = [`pattern:${best.name} +${best.weight}`]
  // corroboration: a line several rules agree on is more likely the real failure
  const corroboration = Math.min(0.06, (matched - 1) * 0.02)
  let penalty = 0
  let penaltyName = ""
  for (const rule of PENALTIES) {
    if (rule.weight > penalty && rule.pattern.test(text)) {
      penalty = rule.weight
      penaltyName = rule.name
    }
  }
  if (ZERO_COUNT.test(text) && !NONZERO_COUNT.test(text) && penalty < 0.6) {
    penalty = 0.6
    penaltyName = "zero-count"
  }
  if (penalty > 0) signals.push(`penalty:${penaltyName} -${penalty}`)
  const score = Math.max(0, Math.min(1, best.weight + corroboration - penalty))
  const severity: Severity = best.severity === "error" && score < 0.3 ? "info" : best.severity
  return { score: round(score), severity, category: best.category, signals }
}
