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
} from "./patterns.js"
import { RuleIndex } from "./ruleIndex.js"
import {
  boostGate,
  collectLineTriggers,
  collectTriggers,
  firstNonSpaceCode,
  lastLineText,
  lastTextHash,
  penaltyGate,
  prefilterMatches,
  STEP_FAILED_WORDS,
  TRIGGER_COUNT,
  ZERO_COUNT_GATE,
} from "./triggers.js"
import { codeAt, includes, slice } from "./strings.js"

export interface LineScore {
  readonly score: number
  readonly severity: Severity
  readonly category: string
  readonly signals: ReadonlyArray<string>
  /** False when the line lacks every word a step-failure line holds (STEP_FAILED_WORDS): it cannot end a step. */
  readonly mayEndStep: boolean
}

/** Lines this long are data dumps (minified code, base64), not messages: only their head is read. */
const MAX_SCORED_CHARS = 2000

/** True when the raw line is worth scoring at all; false for the vast majority of log noise. */
export const isCandidate = (raw: string): boolean => {
  if (prefilterMatches(raw)) return true
  const first = codeAt(raw, 0)
  // E (pytest), - (rust test headers, step markers), _ (pytest headers), ~ and + (step markers)
  if (first === 69 || first === 45 || first === 95 || first === 126 || first === 43)
    return PREFILTER_LINE_START.test(raw)
  return first === 32 && includes(raw, "** (")
}

const round = (value: number): number => Math.round(value * 100) / 100

const BY_WEIGHT: ReadonlyArray<BoostRule> = [...BOOSTS].sort((a, b) => b.weight - a.weight)
const BOOST_INDEX = new RuleIndex(
  BY_WEIGHT.map((rule) => boostGate(rule.name)),
  TRIGGER_COUNT,
)
/** The penalty rules in order, then the zero-count test as one more rule. */
const PENALTY_INDEX = new RuleIndex(
  [...PENALTIES.map((rule) => penaltyGate(rule.name)), ZERO_COUNT_GATE],
  TRIGGER_COUNT,
)
const ZERO_COUNT_RULE = PENALTIES.length
// penaltyOf reads one word of rule bits
if (PENALTY_INDEX.words !== 1) throw new Error("more than 31 penalty rules: penaltyOf must walk every word")
const ZERO_COUNT_WEIGHT = 0.6
/** Penalty weights by index in PENALTY_INDEX (the zero-count test last). */
const PENALTY_WEIGHTS = [...PENALTIES.map((rule) => rule.weight), ZERO_COUNT_WEIGHT]
/** Each rule's signal text, formatted once. */
const BOOST_SIGNALS = BY_WEIGHT.map((rule) => `pattern:${rule.name} +${rule.weight}`)
const PENALTY_SIGNALS = [...PENALTIES, { name: "zero-count", weight: ZERO_COUNT_WEIGHT }].map(
  (rule) => `penalty:${rule.name} -${rule.weight}`,
)

// the trigger words of the line being scored (hits[id] === mark, a new mark per line) and the rules they open
const hits = new Int32Array(TRIGGER_COUNT)
const found = new Int32Array(TRIGGER_COUNT)
let mark = 0
const openBoosts = new Int32Array(BOOST_INDEX.words)
const openPenalties = new Int32Array(PENALTY_INDEX.words)

/** True when `text` holds one of the case-sensitive substrings a rule needs (or it needs none). */
const holdsCased = (cased: ReadonlyArray<string> | undefined, text: string): boolean => {
  if (cased === undefined) return true
  for (const word of cased) if (includes(text, word)) return true
  return false
}
/** Only specific rules (at least this weight) count as corroboration; generic words always co-occur. */
const CORROBORATING_WEIGHT = 0.6

// the line prepareLine read last: its scored head, the whole of it, and how many trigger words `found` holds
let preparedText = ""
let preparedLine = ""
let preparedCount = 0

/**
 * Reads the trigger words of a cleaned line for scorePrepared, which must come next. Returns a hash of the line's
 * scored head (see lastTextHash), for a cache of scores to find it by, or undefined when none was made.
 */
export const prepareLine = (cleaned: string): number | undefined => {
  const text = cleaned.length > MAX_SCORED_CHARS ? slice(cleaned, 0, MAX_SCORED_CHARS) : cleaned
  if (++mark === 0x7fffffff) {
    hits.fill(0)
    mark = 1
  }
  preparedCount = collectTriggers(text, text.length, hits, mark, found)
  preparedText = text
  preparedLine = cleaned
  return lastTextHash()
}

/**
 * prepareLine for the raw line at bytes [start, end) of the chunk loadChunkBytes loaded: cleaned and collected in
 * WebAssembly. Returns its cleaned text (lastTextHash is its hash), or undefined when the line needs the string path:
 * decoding, cleanLine, prepareLine.
 */
export const prepareChunkLine = (start: number, end: number): string | undefined => {
  // the whole of a longer line is cleaned, but only its head is scored: the string path does both
  if (end - start > MAX_SCORED_CHARS) return undefined
  const count = collectLineTriggers(start, end, found)
  if (count < 0) return undefined
  preparedCount = count
  preparedText = preparedLine = lastLineText()
  return preparedText
}

/** The score of a cleaned line, or undefined when no boost rule matches. */
export const scoreLine = (cleaned: string): LineScore | undefined => {
  prepareLine(cleaned)
  return scorePrepared()
}

/** scoreLine of the line prepareLine read last. */
export const scorePrepared = (): LineScore | undefined => {
  const text = preparedText
  const cleaned = preparedLine
  const count = preparedCount
  const first = codeAt(text, 0)
  const firstNonSpace = firstNonSpaceCode(text)
  const last = text.length > 0 ? codeAt(text, text.length - 1) : -1
  BOOST_INDEX.open(found, count, first, firstNonSpace, last, openBoosts)
  let best = -1
  let matched = 0
  // rules are sorted strongest first, bit k being rule k: walk the open ones, lowest bit first
  scan: for (let w = 0; w < openBoosts.length; w++) {
    let bits = openBoosts[w]!
    while (bits !== 0) {
      const k = (w << 5) + 31 - Math.clz32(bits & -bits)
      bits &= bits - 1
      const boost = BY_WEIGHT[k]!
      // once one matched, weaker generic rules can neither win nor corroborate
      if (best >= 0 && (boost.weight < CORROBORATING_WEIGHT || matched >= 4)) break scan
      if (!holdsCased(BOOST_INDEX.cased[k], text) || !boost.pattern.test(text)) continue
      matched++
      if (best < 0) best = k
    }
  }
  if (best < 0) return undefined
  const rule = BY_WEIGHT[best]!
  const signals = [BOOST_SIGNALS[best]!]
  // corroboration: a line several rules agree on is more likely the real failure
  const corroboration = Math.min(0.06, (matched - 1) * 0.02)
  const penalty = penaltyOf(text, count, first, firstNonSpace, last)
  if (penalty >= 0) signals.push(PENALTY_SIGNALS[penalty]!)
  const weight = penalty < 0 ? 0 : PENALTY_WEIGHTS[penalty]!
  const score = Math.max(0, Math.min(1, rule.weight + corroboration - weight))
  const severity: Severity = rule.severity === "error" && score < 0.3 ? "info" : rule.severity
  // the words were looked for in the first MAX_SCORED_CHARS only
  let mayEndStep = text.length < cleaned.length
  for (let k = 0; k < count && !mayEndStep; k++) mayEndStep = STEP_FAILED_WORDS[found[k]!] === 1
  return { score: round(score), severity, category: rule.category, signals, mayEndStep }
}

/** The strongest penalty rule matching `text` (index into PENALTY_SIGNALS), or -1. */
const penaltyOf = (
  text: string,
  count: number,
  first: number,
  firstNonSpace: number,
  last: number,
): number => {
  PENALTY_INDEX.open(found, count, first, firstNonSpace, last, openPenalties)
  const bits = openPenalties[0]!
  let penalty = -1
  for (let k = 0; k < PENALTIES.length; k++) {
    const rule = PENALTIES[k]!
    if ((bits & (1 << k)) === 0 || (penalty >= 0 && rule.weight <= PENALTY_WEIGHTS[penalty]!)) continue
    if (rule.pattern.test(text)) penalty = k
  }
  // a zero count ("0 errors") says nothing failed, unless another count is non-zero
  if (
    (bits & (1 << ZERO_COUNT_RULE)) !== 0 &&
    (penalty < 0 || PENALTY_WEIGHTS[penalty]! < ZERO_COUNT_WEIGHT) &&
    ZERO_COUNT.test(text) &&
    !NONZERO_COUNT.test(text)
  )
    penalty = ZERO_COUNT_RULE
  return penalty
}
