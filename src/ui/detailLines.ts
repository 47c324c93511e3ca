// An expanded finding laid out for a given height: its lines with line numbers, the context around them, and
// why it scored; when space is short, context goes first, then the middle of the block.
import type { Finding } from "../domain/Finding.js"
import { displayLine } from "../triage/clean.js"
import { confidenceBar, lineRange } from "./theme.js"

export type DetailTone = "head" | "context" | "line" | "more" | "why"

export interface DetailLine {
  readonly text: string
  readonly tone: DetailTone
}

export const findingHeadline = (f: Finding): string => {
  const repeats = f.occurrences > 1 ? ` · seen ${f.occurrences}×` : ""
  const job = f.jobName ? ` · ${f.jobName}${f.jobOutcome === "unknown" ? "" : ` (${f.jobOutcome})`}` : ""
  return `#${f.rank} ${f.severity.toUpperCase()} ${f.confidence.toFixed(2)} ${confidenceBar(f.confidence)}  lines ${lineRange(f.lineStart, f.lineEnd)} · ${f.category}${repeats}${job}`
}

/** Greedy wrap of the signals into at most `maxRows` rows of `width`, prefixed with "why: ". */
const whyRows = (signals: ReadonlyArray<string>, width: number, maxRows: number): Array<string> => {
  if (signals.length === 0 || maxRows <= 0) return []
  const rows: Array<string> = []
  let row = "why: "
  for (const [i, signal] of signals.entries()) {
    const piece = `${signal}${i < signals.length - 1 ? ", " : ""}`
    if (row.length + piece.length > width && row.trim() !== "why:") {
      rows.push(row.trimEnd())
      row = `     ${piece}`
    } else row += piece
  }
  rows.push(row.trimEnd())
  if (rows.length <= maxRows) return rows
  const kept = rows.slice(0, maxRows)
  kept[maxRows - 1] = `${kept[maxRows - 1]} …`
  return kept
}

export const detailLines = (f: Finding, width: number, height: number): Array<DetailLine> => {
  const numberWidth = String(f.lineEnd + f.context.after.length).length
  const gutter = (n: number, mark: string, text: string) =>
    `${mark} ${String(n).padStart(numberWidth)} │ ${displayLine(text)}`
  const why = whyRows(f.signals, width, height >= 4 ? Math.min(3, height - 3) : 0)
  const room = Math.max(0, height - 1 - why.length)

  let before = f.context.before.map((l, i) => gutter(f.lineStart - f.context.before.length + i, " ", l))
  let after = f.context.after.map((l, i) => gutter(f.lineEnd + 1 + i, " ", l))
  const own = f.lines.map((l, i) => gutter(f.lineStart + i, "▶", l))
  if (before.length + own.length + after.length > room) after = []
  const beforeRoom = Math.max(0, room - own.length)
  if (before.length > beforeRoom) before = beforeRoom === 0 ? [] : before.slice(-beforeRoom)
  let body: Array<DetailLine> = own.map((text) => ({ text, tone: "line" }))
  if (own.length > room && room > 0) {
    const keep = Math.max(0, room - 1)
    body = [
      ...own.slice(0, keep).map((text) => ({ text, tone: "line" as const })),
      { text: `  … ${own.length - keep} more lines`, tone: "more" as const },
    ]
  }
  if (room === 0) body = []
  return [
    { text: findingHeadline(f), tone: "head" },
    ...before.map((text) => ({ text, tone: "context" as const })),
    ...body,
    ...after.map((text) => ({ text, tone: "context" as const })),
    ...why.map((text) => ({ text, tone: "why" as const })),
  ]
}

/** The block `c` prints and copies: plain text a person can paste into an issue. */
export const findingBlock = (f: Finding): string =>
  detailLines(f, 10_000, Number.MAX_SAFE_INTEGER)
    .map((l) => l.text)
    .join("\n")
