// A byte stream cut at arbitrary points, and LineSplitter's reading of it: what the splitter and chunker property
// tests feed and compare against.
import { LineSplitter, SplitRejection } from "../../src/triage/split.js"

/** `bytes` cut at each of `cuts` (modulo its length, deduplicated), as reads would deliver it. */
export const cutAt = (bytes: Uint8Array, cuts: ReadonlyArray<number>): Array<Uint8Array> => {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const parts: Array<Uint8Array> = []
  let from = 0
  for (const p of points) {
    parts.push(bytes.subarray(from, p))
    from = p
  }
  parts.push(bytes.subarray(from))
  return parts
}

/** Every line LineSplitter yields for the parts, or its rejection. */
export const splitAll = (
  parts: ReadonlyArray<Uint8Array>,
  splitter = new LineSplitter(),
): Array<string> | SplitRejection => {
  const lines: Array<string> = []
  for (const part of parts) {
    const out = splitter.push(part)
    if (out instanceof SplitRejection) return out
    lines.push(...out)
  }
  const rest = splitter.end()
  if (rest instanceof SplitRejection) return rest
  return [...lines, ...rest]
}
