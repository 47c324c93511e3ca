// Line cleaning: the text patterns are matched against (CI decorations stripped) and the text a terminal shows.
// A lone `\r` is a terminal overwrite; scoring keeps every segment so an error printed before it never vanishes.

// CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks) and charset selections.
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Z0-9]|\x1b[=>]/g
// GitHub Actions prefixes every line with an ISO timestamp; `gh run view --log` adds "job\tstep\t" before it.
const GH_PREFIX = /^(?:[^\t]{1,200}\t[^\t]{0,200}\t)?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/
// Buildkite timestamps every line with an APC marker; some exports keep only its printable part.
const BUILDKITE = /\x1b?_bk;t=\d+\x07/g

const needsWork = (raw: string): boolean => {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c === 27 || c === 7 || c === 13) return true
  }
  return false
}

/** One terminal segment without decorations (no `\r` inside). */
const cleanSegment = (segment: string): string => {
  let text = segment
  if (text.includes("\x1b") || text.includes("_bk;")) text = text.replace(BUILDKITE, "").replace(ANSI, "")
  const first = text.charCodeAt(0)
  if ((first >= 48 && first <= 57) || text.includes("\t")) text = text.replace(GH_PREFIX, "")
  return text.trimEnd()
}

/**
 * The non-empty segments of a raw line, each cleaned, in printing order. Most lines have one segment;
 * progress bars and spinners rewrite the line with `\r` and produce several.
 */
export const cleanSegments = (raw: string): Array<string> => {
  if (!raw.includes("\r")) return [cleanLine(raw)]
  const out: Array<string> = []
  for (const part of raw.split("\r")) {
    const cleaned = cleanSegment(part)
    if (cleaned.length > 0) out.push(cleaned)
  }
  return out.length > 0 ? out : [""]
}

/** Text for scoring and matching: decorations stripped; `\r` segments joined by a space so all stay findable. */
export const cleanLine = (raw: string): string => {
  if (!needsWork(raw)) {
    const first = raw.charCodeAt(0)
    if ((first >= 48 && first <= 57) || raw.includes("\t")) return raw.replace(GH_PREFIX, "").trimEnd()
    return raw.trimEnd()
  }
  if (!raw.includes("\r")) return cleanSegment(raw)
  return cleanSegments(raw).join(" ")
}

/** What a terminal would show: decorations stripped, only the last non-empty overwrite of a `\r` line. */
export const displayLine = (raw: string): string => {
  if (!raw.includes("\r")) return cleanLine(raw)
  const segments = cleanSegments(raw)
  return segments[segments.length - 1] ?? ""
}

/** The raw text of the segment of `raw` whose cleaned text is `cleaned` (or the last visible one). */
export const rawSegment = (raw: string, cleaned: string): string => {
  if (!raw.includes("\r")) return raw
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
