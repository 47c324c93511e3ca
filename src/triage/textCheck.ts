// What both splitters (lines for --baseline, byte chunks for analysis) check of their input before it becomes lines:
// binary data is refused, invalid UTF-8 is counted (and refused when it is most of the input's start).
import { isUtf8 } from "node:buffer"

/** Why a splitter refused the input; the caller turns it into one line for the user. */
export class SplitRejection {
  constructor(readonly reason: string) {}
}

/** The start of the input that is looked at for NUL bytes (and, twice that, for mostly invalid UTF-8). */
export const SAMPLE_BYTES = 64 * 1024

/** A NUL byte in the sample means binary data, not a text log. */
export const binaryRejection = (sample: Uint8Array): SplitRejection | undefined =>
  sample.indexOf(0) !== -1
    ? new SplitRejection("the input contains NUL bytes: it looks like binary data, not a text log")
    : undefined

/** U+FFFD as UTF-8: a valid character, which a log may hold where an earlier tool replaced what it could not read. */
const REPLACEMENT = Buffer.from("\uFFFD")

/**
 * Invalid sequences in bytes known not to be valid UTF-8 (rare path, so a plain decode is fine): the U+FFFD the
 * decoder wrote, less those the input held already (EF BF BD always decodes to itself: EF never continues a
 * sequence, so the decoder starts afresh there).
 */
const countInvalid = (bytes: Uint8Array): number => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const decoded = buffer.toString("utf8")
  let count = 0
  for (let i = decoded.indexOf("\uFFFD"); i !== -1; i = decoded.indexOf("\uFFFD", i + 1)) count++
  for (let i = buffer.indexOf(REPLACEMENT); i !== -1; i = buffer.indexOf(REPLACEMENT, i + 3)) count--
  return Math.max(1, count)
}

/**
 * Invalid UTF-8 in whole (complete) lines: how many sequences will be replaced, and a rejection when they are most
 * of the bytes near the input's start (`bytesSoFar` counts the input up to and including `whole`).
 */
export const checkUtf8 = (
  whole: Uint8Array,
  bytesSoFar: number,
): { readonly invalid: number; readonly rejection?: SplitRejection } => {
  if (isUtf8(whole)) return { invalid: 0 }
  const invalid = countInvalid(whole)
  return bytesSoFar <= SAMPLE_BYTES * 2 && invalid * 100 > whole.length
    ? {
        invalid,
        rejection: new SplitRejection(
          "the input is not UTF-8 text (most bytes are invalid); convert it first, e.g. iconv -f latin1 -t utf-8",
        ),
      }
    : { invalid }
}
