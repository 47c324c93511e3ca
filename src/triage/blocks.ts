// Groups scored lines into blocks: a compiler error with its notes, a stack trace, an assertion diff or a
// failing test's report becomes one block, kept short enough to read at a glance.
import { charCodeAt, codeAt, trim } from "./strings.js"

export interface Block {
  /** Chunk-relative indices, inclusive. */
  readonly start: number
  readonly end: number
  /** The highest-scoring line: the block's headline. */
  readonly head: number
  /** How many lines in the block scored as anchors themselves. */
  readonly anchors: number
}

export interface BlockSource {
  readonly length: number
  /** Score of line i, 0 when it is not a candidate. */
  scoreAt(i: number): number
  /** Cleaned text of line i. */
  textAt(i: number): string
}

/** Lines a block may hold: the scorer reads 25, and five blocks together should stay readable. */
export const MAX_BLOCK_LINES = 12
/** Lines scoring at least this start or extend a block. */
export const ANCHOR_SCORE = 0.2
/** How far back a block looks for the header of an indented failure report. */
const MAX_HEADER_LOOKBACK = 4

// Lines that continue a block whatever their indentation: stack frames, compiler notes, diff markers.
const CONTINUATION =
  /^\s*(?:at |File "|from \S+:\d+|\.\.\. \d+ (?:more|common frames)|Caused by:|-->|\||= (?:note|help)|note:|help:|\^|~+\^?|Expected|Received|expected|actual|got:|- |\+ |\(\S+ [\d.\w-]+\) \S+:\d+|goroutine \d+|#\d+ 0x|\S+\.go:\d+ \+0x|\S+:\d+:in `|Stack trace:|stacktrace:|Message:|Reason:|\*\* |\d+ +\||\d+ {2,}\S)/
const TAG = /^\[[A-Za-z]+\]/

/** Indentation after an optional leading level tag (`[info]   at x` is indented under `[info] - test`). */
export const indentOf = (text: string): number => {
  let i = 0
  if (codeAt(text, 0) === 91) {
    const tag = TAG.exec(text)
    if (tag !== null) i = tag[0].length + 1
  }
  let width = 0
  for (; i < text.length; i++) {
    const c = charCodeAt(text, i)
    if (c === 32) width++
    else if (c === 9) width += 4
    else break
  }
  return width
}

const isBlank = (text: string): boolean => trim(text).length === 0

const continues = (text: string, baseIndent: number): boolean =>
  CONTINUATION.test(text) || (!isBlank(text) && indentOf(text) > baseIndent)

/** Finds the blocks of a chunk in line order; blocks never overlap. */
export const findBlocks = (source: BlockSource): Array<Block> => {
  const blocks: Array<Block> = []
  const n = source.length
  let lastEnd = -1
  for (let i = 0; i < n; i++) {
    if (source.scoreAt(i) < ANCHOR_SCORE) continue
    let start = i
    const anchorIndent = indentOf(source.textAt(i))
    if (anchorIndent > 0) {
      // an indented failure message usually sits under a less indented header naming the test or file
      for (let j = i - 1; j > lastEnd && j >= i - MAX_HEADER_LOOKBACK; j--) {
        const text = source.textAt(j)
        if (isBlank(text)) break
        if (indentOf(text) < anchorIndent) {
          start = j
          break
        }
      }
    }
    const baseIndent = indentOf(source.textAt(start))
    let head = i
    let anchors = 1
    let end = i
    let j = i + 1
    while (j < n && j - start < MAX_BLOCK_LINES) {
      const score = source.scoreAt(j)
      const text = source.textAt(j)
      if (score >= ANCHOR_SCORE && !isBlank(text)) {
        anchors++
        if (score > source.scoreAt(head)) head = j
      } else if (isBlank(text)) {
        // one blank line inside a report (jest, pytest) is fine when the report goes on after it
        if (j + 1 >= n || j + 1 - start >= MAX_BLOCK_LINES) break
        const next = source.textAt(j + 1)
        if (!(source.scoreAt(j + 1) >= ANCHOR_SCORE || (!isBlank(next) && continues(next, baseIndent)))) break
      } else if (!continues(text, baseIndent)) break
      end = j
      j++
    }
    blocks.push({ start, end, head, anchors })
    lastEnd = end
    i = end
  }
  return blocks
}
