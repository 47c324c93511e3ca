// Line cleaning: the text patterns are matched against (CI decorations stripped) and the text a terminal shows.
// A lone `\r` is a terminal overwrite; scoring keeps every segment so an error printed before it never vanishes.
import { charCodeAt, codeAt, includes, isDigit, slice, trimEnd } from "./strings.js"

// CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks) and charset selections.
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Z0-9]|\x1b[=>]/g
// GitHub Actions prefixes every line with an ISO timestamp; `gh run view --log` adds "job\tstep\t" before it.
const GH_PREFIX = /^(?:[^\t]{1,200}\t[^\t]{0,200}\t)?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/
// Buildkite timestamps every line with an APC marker; some exports keep only its printable part.
const BUILDKITE = /\x1b?_bk;t=\d+\x07/g

/** Length of an ISO stamp (`2024-05-14T10:00:00.123Z `) at the start of `text`, or 0: GH_PREFIX without tabs. */
const isoStampLength = (text: string): number => {
  // fixed shape: dddd-dd-ddTdd:dd:dd
  const shape = "0000-00-00T00:00:00"
  if (text.length < shape.length + 1) return 0
  for (let i = 0; i < shape.length; i++) {
    const c = charCodeAt(text, i)
    const want = shape.charCodeAt(i)
    if (want === 48 ? !isDigit(c) : c !== want) return 0
  }
  let i = shape.length
  if (codeAt(text, i) === 46 && isDigit(codeAt(text, i + 1))) {
    i += 2
    while (isDigit(codeAt(text, i))) i++
  }
  if (codeAt(text, i) !== 90) return 0
  return codeAt(text, i + 1) === 32 ? i + 2 : i + 1
}

/** Strips a GitHub Actions timestamp prefix; the hot, tab-free case without a regex. */
const stripStamp = (text: string): string => {
  if (includes(text, "\t")) return text.replace(GH_PREFIX, "")
  if (!isDigit(codeAt(text, 0))) return text
  const length = isoStampLength(text)
  return length === 0 ? text : slice(text, length)
}

/** An escape, bell or `\r`: what the regexes below strip. Native searches beat a loop over the characters. */
const needsWork = (raw: string): boolean =>
  includes(raw, "\x1b") || includes(raw, "\r") || includes(raw, "\x07")

/** One terminal segment without decorations (no `\r` inside). */
const cleanSegment = (segment: string): string => {
  let text = segment
  // each regex only where its literal is: most coloured lines have no Buildkite marker (which may hold an escape)
  if (includes(text, "_bk;")) text = text.replace(BUILDKITE, "")
  if (includes(text, "\x1b")) text = text.replace(ANSI, "")
  return trimEnd(stripStamp(text))
}

/**
 * The non-empty segments of a raw line, each cleaned, in printing order. Most lines have one segment;
 * progress bars and spinners rewrite the line with `\r` and produce several.
 */
export const cleanSegments = (raw: string): Array<string> => {
  if (!includes(raw, "\r")) return [cleanLine(raw)]
  const out: Array<string> = []
  for (const part of raw.split("\r")) {
    const cleaned = cleanSegment(part)
    if (cleaned.length > 0) out.push(cleaned)
  }
  return out.length > 0 ? out : [""]
}

/** Text for scoring and matching: decorations stripped; `\r` segments joined by a space so all stay findable. */
export const cleanLine = (raw: string): string => {
  if (!needsWork(raw)) return trimEnd(stripStamp(raw))
  if (!includes(raw, "\r")) return cleanSegment(raw)
  return cleanSegments(raw).join(" ")
}

/** What a terminal would show: decorations stripped, only the last non-empty overwrite of a `\r` line. */
export const displayLine = (raw: string): string => {
  if (!includes(raw, "\r")) return cleanLine(raw)
  const segments = cleanSegments(raw)
  return segments[segments.length - 1] ?? ""
}

/** The raw text of the segment of `raw` whose cleaned text is `cleaned` (or the last visible one). */
export const rawSegment = (raw: string, cleaned: string): string => {
  if (!includes(raw, "\r")) return raw
  const parts = raw.split("\r")
  let lastVisible = raw
  for (const part of parts) {
    const text = cleanSegment(part)
    if (text.length === 0) continue
    if (text === cleaned) return part
    lastVisible = part
  }
  return lastVisible
}
