// Analyses one log chunk: prefilter, score candidate lines, group them into blocks, weigh rarity, dedup,
// and report the blocks this chunk owns as findings. Plain records, not Schema classes: a scoring thread runs
// this without loading effect (its heap then stays small), and the receiving side revives them anyway.
import type { ChunkFindingsRecord, FindingRecord } from "../domain/Finding.js"
import type { LogChunk } from "../domain/LogChunk.js"
import { findBlocks, type Block } from "./blocks.js"
import { EXACT, UNSURE } from "./bytePrefilter.js"
import { chunkText, type ChunkText } from "./chunkText.js"
import { cleanLine, cleanSegments, displayLine, rawSegment } from "./clean.js"
import { hashText, normalizeLine } from "./normalize.js"
import { isCandidate, prepareChunkLine, prepareLine, scorePrepared, type LineScore } from "./score.js"
import { isStepStart, STEP_FAILED, StepMap } from "./steps.js"
import { includes } from "./strings.js"
import { cleanChunkLine, lastTextHash, loadChunkBytes } from "./triggers.js"

export interface AnalyzeOptions {
  /** Context lines shown before and after each finding. */
  readonly context: number
}

interface Candidate {
  readonly score: LineScore
  /** The cleaned segment that scored (a `\r` line has several). */
  readonly cleaned: string
  readonly template: string
  /** Index of the template in the chunk's template counts. */
  readonly templateId: number
}

/** What scoring one cleaned text yields; equal texts share it. */
interface Verdict {
  readonly score: LineScore
  readonly template: string
  readonly templateId: number
  readonly stepFailed: boolean
}

const MAX_MESSAGE_CHARS = 500
const FAILING_STEP_BONUS = 0.12
/** Raw block scores reach ~1.2 (pattern + corroboration + structure + step): scaled, not clamped, to keep order. */
export const CONFIDENCE_SCALE = 1.3

/** A template repeated this often is routine output, not the failure: its lines lose up to 0.25. */
const rarityPenalty = (count: number): number => (count <= 2 ? 0 : Math.min(0.25, 0.04 * Math.log2(count)))

/** Stable id: a redelivered chunk produces the same id, so sinks upsert instead of duplicating. */
export const findingId = (requestId: string, jobName: string, lineStart: number, lineEnd: number): string =>
  hashText(`${requestId}\u0000${jobName}\u0000${lineStart}\u0000${lineEnd}`).slice(0, 32)

/** Per line index, the line's scored candidate (undefined for most lines). */
type Candidates = ReadonlyArray<Candidate | undefined>

interface Scored {
  readonly candidates: Candidates
  readonly scored: number
  /** Per template id, how many scored lines of the chunk have that template. */
  readonly templateCounts: ReadonlyArray<number>
  readonly steps: StepMap
  /** Where each line starts in the chunk's bytes, when they are loaded for cleanChunkLine. */
  readonly bytes: Int32Array | undefined
}

const scoreCandidates = (lines: ChunkText): Scored => {
  const candidates = new Array<Candidate | undefined>(lines.length)
  let scored = 0
  // templates are numbered as verdicts find them, so counting a line's template needs no lookup by text
  const templateIds = new Map<string, number>()
  const templateCounts: Array<number> = []
  const judge = (segment: string): Verdict | null => {
    const score = scorePrepared()
    if (score === undefined) return null
    const template = normalizeLine(segment)
    let templateId = templateIds.get(template)
    if (templateId === undefined) {
      templateId = templateCounts.length
      templateIds.set(template, templateId)
      templateCounts.push(0)
    }
    return { score, template, templateId, stepFailed: score.mayEndStep && STEP_FAILED.test(segment) }
  }
  // Logs repeat lines verbatim (retries, polling, per-test summaries): a chunk scores each distinct text once. Texts
  // are found by the hash scoring's word collection makes of them: a Map keyed by the strings hashed each fresh line
  // again, and cost about what the repeats saved. An entry keeps its text, so a collision is only a miss.
  const verdicts = new Map<number, { readonly text: string; readonly verdict: Verdict | null }>()
  const byText = new Map<string, Verdict | null>()
  /** The verdict on the text prepareLine or prepareChunkLine read last, `segment`, whose hash it made (if any). */
  const verdictOfPrepared = (segment: string, hash: number | undefined): Verdict | null => {
    if (hash === undefined) {
      let verdict = byText.get(segment)
      if (verdict === undefined) byText.set(segment, (verdict = judge(segment)))
      return verdict
    }
    const known = verdicts.get(hash)
    if (known !== undefined && known.text === segment) return known.verdict
    const verdict = judge(segment)
    verdicts.set(hash, { text: segment, verdict })
    return verdict
  }
  const verdictOf = (segment: string): Verdict | null => verdictOfPrepared(segment, prepareLine(segment))
  // most candidate lines of a chunk that came as bytes are cleaned and collected from their bytes, never decoded
  const bytes = lines.bytes !== undefined && loadChunkBytes(lines.bytes.utf8) ? lines.bytes.starts : undefined
  // step starts pass the prefilter too, so they are among the candidate lines
  const candidateLines: Array<number> = []
  const failures: Array<number> = []
  const record = (i: number, verdict: Verdict, cleaned: string): void => {
    candidates[i] = {
      score: verdict.score,
      cleaned,
      template: verdict.template,
      templateId: verdict.templateId,
    }
    templateCounts[verdict.templateId]!++
    scored++
    if (verdict.stepFailed) failures.push(i)
  }
  for (let i = 0; i < lines.length; i++) {
    // lines that arrived as bytes were prefiltered before decoding: most are never turned into strings
    const candidate = lines.candidate(i)
    if (candidate === 0) continue
    if (candidate === EXACT && bytes !== undefined) {
      const cleaned = prepareChunkLine(bytes[i]!, bytes[i + 1]! - 1)
      if (cleaned !== undefined) {
        candidateLines.push(i)
        const verdict = verdictOfPrepared(cleaned, lastTextHash())
        if (verdict !== null) record(i, verdict, cleaned)
        continue
      }
    }
    const raw = lines.line(i)
    if (candidate === UNSURE && !isCandidate(raw)) continue
    candidateLines.push(i)
    let best: Verdict | null = null
    let bestText = ""
    if (includes(raw, "\r")) {
      for (const segment of cleanSegments(raw)) {
        const verdict = verdictOf(segment)
        if (verdict !== null && (best === null || verdict.score.score > best.score.score)) {
          best = verdict
          bestText = segment
        }
      }
    } else {
      bestText = cleanLine(raw)
      best = verdictOf(bestText)
    }
    if (best !== null) record(i, best, bestText)
  }
  return {
    candidates,
    scored,
    templateCounts,
    steps: new StepMap(stepStarts(lines, candidateLines, failures), failures),
    bytes,
  }
}

/**
 * The step starts that can matter: a start only ends a step that fails later in the chunk, so none is looked for
 * past the last failure line, and none at all in the many chunks without one (most of a log).
 */
const stepStarts = (
  lines: ChunkText,
  candidateLines: ReadonlyArray<number>,
  failures: ReadonlyArray<number>,
): Array<number> => {
  const starts: Array<number> = []
  const lastFailure = failures.length > 0 ? failures[failures.length - 1]! : -1
  for (const i of candidateLines) {
    if (i > lastFailure) break
    if (isStepStart(lines.line(i))) starts.push(i)
  }
  return starts
}

/** Scores a chunk and returns the findings it owns (see the ownership rule on `owns`). */
export const analyzeChunkFields = (chunk: LogChunk, options: AnalyzeOptions): ChunkFindingsRecord => {
  const lines = chunkText(chunk)
  const n = lines.length
  const { candidates, scored, templateCounts, steps, bytes } = scoreCandidates(lines)
  // block finding reads every line's score, most of them zero: one array of them, rarity applied
  const scores = new Float64Array(n)
  if (scored > 0)
    for (let i = 0; i < n; i++) {
      const c = candidates[i]
      if (c !== undefined) scores[i] = c.score.score - rarityPenalty(templateCounts[c.templateId]!)
    }

  /** What a terminal shows of line i: from its bytes where they are loaded and the line is one cleaning takes there. */
  const display = (i: number): string =>
    (bytes === undefined ? undefined : cleanChunkLine(bytes[i]!, bytes[i + 1]! - 1)) ??
    displayLine(lines.line(i))
  const cleanedCache = new Map<number, string>()
  const textAt = (i: number): string => {
    const candidate = candidates[i]
    if (candidate !== undefined) return candidate.cleaned
    let text = cleanedCache.get(i)
    if (text === undefined) {
      text = display(i)
      cleanedCache.set(i, text)
    }
    return text
  }
  const lineScore = (i: number): number => scores[i]!
  const blocks = findBlocks({ length: n, scoreAt: lineScore, textAt })

  // a block belongs to the chunk that owns the line after it, or to the job's last chunk if it ends the log
  const isLast = chunk.totalChunks !== undefined
  const owns = (block: Block): boolean =>
    (block.end + 1 >= chunk.overlap && block.end + 1 < n) || (isLast && block.end === n - 1)

  const byHash = new Map<string, FindingRecord>()
  for (const block of blocks) {
    if (!owns(block)) continue
    const finding = toFinding(
      chunk,
      lines,
      block,
      options,
      candidates,
      templateCounts,
      lineScore,
      textAt,
      display,
      steps,
    )
    const seen = byHash.get(finding.hash)
    // repeats collapse into the latest occurrence: in a failed log the later one is nearer the failing step.
    // The count is set on the fresh record rather than on a spread copy: copies of copies took new hidden
    // classes, and the scoring threads' optimised code for this function was thrown away and compiled again
    // dozens of times a run.
    if (seen !== undefined) (finding as { occurrences: number }).occurrences = seen.occurrences + 1
    byHash.set(finding.hash, finding)
  }
  const owned = Math.max(0, n - chunk.overlap)
  return {
    requestId: chunk.requestId,
    buildId: chunk.buildId,
    jobName: chunk.jobName,
    chunkIndex: chunk.index,
    ...(chunk.totalChunks !== undefined ? { totalChunks: chunk.totalChunks } : {}),
    lines: owned,
    lastLine: chunk.firstLine + n - 1,
    findings: [...byHash.values()],
  }
}

const toFinding = (
  chunk: LogChunk,
  lines: ChunkText,
  block: Block,
  options: AnalyzeOptions,
  candidates: Candidates,
  templateCounts: ReadonlyArray<number>,
  lineScore: (i: number) => number,
  textAt: (i: number) => string,
  display: (i: number) => string,
  steps: StepMap,
): FindingRecord => {
  const head = candidates[block.head]!
  const own: Array<string> = []
  const normalized: Array<string> = []
  for (let i = block.start; i <= block.end; i++) {
    const raw = lines.line(i)
    own.push(includes(raw, "\r") ? rawSegment(raw, textAt(i)) : raw)
    // a scored line's template is its text normalised already
    normalized.push(candidates[i]?.template ?? normalizeLine(textAt(i)))
  }
  const signals = [...head.score.signals]
  const repeats = templateCounts[head.templateId]!
  if (repeats > 2)
    signals.push(`rarity: template seen ${repeats}x in chunk -${rarityPenalty(repeats).toFixed(2)}`)
  else signals.push("rarity: one-off")
  // corroborating anchors (a trace under an exception, notes under a compiler error) make a block surer
  const structure = Math.min(0.06, (block.anchors - 1) * 0.02) + (block.end > block.start ? 0.02 : 0)
  if (structure > 0) signals.push(`block: ${block.end - block.start + 1} lines +${structure.toFixed(2)}`)
  // what the failing step printed before it failed is where the reason usually is
  const failingStep = steps.inFailingStep(block.end) ? FAILING_STEP_BONUS : 0
  if (failingStep > 0) signals.push(`step: printed by the failing step +${FAILING_STEP_BONUS}`)
  const confidence = Math.max(
    0,
    Math.min(1, (lineScore(block.head) + structure + failingStep) / CONFIDENCE_SCALE),
  )
  const context = Math.max(0, options.context)
  const before: Array<string> = []
  for (let i = Math.max(0, block.start - context); i < block.start; i++) before.push(display(i))
  const after: Array<string> = []
  for (let i = block.end + 1; i <= Math.min(lines.length - 1, block.end + context); i++)
    after.push(display(i))
  const lineStart = chunk.firstLine + block.start
  const lineEnd = chunk.firstLine + block.end
  return {
    id: findingId(chunk.requestId, chunk.jobName, lineStart, lineEnd),
    requestId: chunk.requestId,
    rank: 0,
    severity: head.score.severity,
    confidence: Math.round(confidence * 10000) / 10000,
    lineStart,
    lineEnd,
    lines: own,
    message: head.cleaned.trim().slice(0, MAX_MESSAGE_CHARS),
    context: { before, after },
    occurrences: 1,
    hash: hashText(normalized.join("\n")),
    category: head.score.category,
    signals,
    jobName: chunk.jobName,
    jobOutcome: chunk.jobOutcome,
  }
}
