// Scores one cleaned line against the pattern tables: the best boost, a little for corroborating boosts,
// minus the strongest penalty.
import type { Severity } from "../domain/Finding.js"
import {
  BOOSTS,
  NONZERO_COUNT,
  PENALTIES,
  PREFILTER_LINE_START,
  ZERO_COUNT,
  type BoostRule,
  type PenaltyRule,
} from "./patterns.js"
import {
  boostGate,
  firstNonSpaceChar,
  type Gate,
  penaltyGate,
  prefilterMatches,
  scanTriggers,
  TRIGGER_COUNT,
  ZERO_COUNT_GATE,
} from "./triggers.js"

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
  if (prefilterMatches(raw)) return true
  const first = raw.charCodeAt(0)
  // E (pytest), - (rust test headers, step markers), _ (pytest headers), ~ and + (step markers)
  if (first === 69 || first === 45 || first === 95 || first === 126 || first === 43)
    return PREFILTER_LINE_START.test(raw)
  return first === 32 && raw.includes("** (")
}

const round = (value: number): number => Math.round(value * 100) / 100

interface Gated<R> {
  readonly rule: R
  /** What the line must hold for the rule to possibly match. */
  readonly gate: Gate
}

const BY_WEIGHT: ReadonlyArray<Gated<BoostRule>> = [...BOOSTS]
  .sort((a, b) => b.weight - a.weight)
  .map((rule) => ({ rule, gate: boostGate(rule.name) }))
const GATED_PENALTIES: ReadonlyArray<Gated<PenaltyRule>> = PENALTIES.map((rule) => ({
  rule,
  gate: penaltyGate(rule.name),
}))

// which trigger literals the line being scored holds: hits[id] === mark, a new mark per line
const hits = new Int32Array(TRIGGER_COUNT)
let mark = 0
const open = (gate: Gate, text: string, first: string, firstNonSpace: string): boolean => {
  if (gate.first !== undefined && (first === "" || !gate.first.includes(first))) return false
  if (
    gate.firstNonSpace !== undefined &&
    (firstNonSpace === "" || !gate.firstNonSpace.includes(firstNonSpace))
  )
    return false
  const ids = gate.ids
  if (ids !== undefined) {
    let hit = false
    for (let k = 0; k < ids.length && !hit; k++) hit = hits[ids[k]!] === mark
    if (!hit) return false
  }
  const cased = gate.cased
  if (cased !== undefined) {
    for (const word of cased) if (text.includes(word)) return true
    return false
  }
  return true
}
/** Only specific rules (at least this weight) count as corroboration; generic words always co-occur. */
const CORROBORATING_WEIGHT = 0.6

/** The score of a cleaned line, or undefined when no boost rule matches. */
export const scoreLine = (cleaned: string): LineScore | undefined => {
  const text = cleaned.length > MAX_SCORED_CHARS ? cleaned.slice(0, MAX_SCORED_CHARS) : cleaned
  if (++mark === 0x7fffffff) {
    hits.fill(0)
    mark = 1
  }
  scanTriggers(text, text.length, hits, mark)
  const first = text.charAt(0)
  const firstNonSpace = firstNonSpaceChar(text)
  let best: BoostRule | undefined
  let matched = 0
  for (const { rule: boost, gate } of BY_WEIGHT) {
    // rules are sorted strongest first: once one matched, weaker generic rules can neither win nor corroborate
    if (best !== undefined && (boost.weight < CORROBORATING_WEIGHT || matched >= 4)) break
    if (!open(gate, text, first, firstNonSpace) || !boost.pattern.test(text)) continue
    matched++
    best ??= boost
  }
  if (best === undefined) return undefined
  const signals = [`pattern:${best.name} +${best.weight}`]
  // corroboration: a line several rules agree on is more likely the real failure
  const corroboration = Math.min(0.06, (matched - 1) * 0.02)
  let penalty = 0
  let penaltyName = ""
  for (const { rule, gate } of GATED_PENALTIES) {
    if (rule.weight > penalty && open(gate, text, first, firstNonSpace) && rule.pattern.test(text)) {
      penalty = rule.weight
      penaltyName = rule.name
    }
  }
  if (
    open(ZERO_COUNT_GATE, text, first, firstNonSpace) &&
    ZERO_COUNT.test(text) &&
    !NONZERO_COUNT.test(text) &&
    penalty < 0.6
  ) {
    penalty = 0.6
    penaltyName = "zero-count"
  }
  if (penalty > 0) signals.push(`penalty:${penaltyName} -${penalty}`)
  const score = Math.max(0, Math.min(1, best.weight + corroboration - penalty))
  const severity: Severity = best.severity === "error" && score < 0.3 ? "info" : best.severity
  return { score: round(score), severity, category: best.category, signals }
}
