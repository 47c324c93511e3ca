// CI step boundaries: where a step starts (an echoed command, a group header) and where one ends in failure
// (an exit-status line). The lines between the two are what the failing step printed: usually the reason.

const STEP_START =
  /(?:^|[\r\x1b]\S*?|^\S*\dZ )(?:\$ \S|##\[group\]|::group::|travis_fold:start)|^(?:\S+Z )?(?:---|~~~|\+\+\+) \S/

/**
 * What every STEP_START match holds, as one regex: one pass over the line instead of seven `includes`, about a third
 * less time on the candidate lines of the bench log.
 */
const STEP_WORDS = /\$ |##\[group\]|::group::|travis_fold:start|-- |~~ |\+\+ /

/** True for a line that starts a new CI step; cheap enough to run on every candidate line. */
export const isStepStart = (raw: string): boolean => STEP_WORDS.test(raw) && STEP_START.test(raw)

/** A cleaned line that reports a step (or the build) ending in failure. */
export const STEP_FAILED =
  /exited with [1-9]|completed with exit code [1-9]|returned a non-zero code|non-zero exit status|^make(?:\[\d+\])?: \*\*\*|BUILD FAILURE|FAILURE: Build failed|\bBUILD FAILED\b|ELIFECYCLE|Command failed with exit code|\*\* (?:TEST|BUILD) FAILED \*\*|rake aborted!|^FAIL\s|^ERROR: .*failed|Tests? failed/

/**
 * For each line index, whether it lies in a step that later failed within the chunk: no step start between it
 * and the next failure line. Returns the sorted failure lines and step starts for a lookup per block.
 */
export class StepMap {
  constructor(
    private readonly starts: ReadonlyArray<number>,
    private readonly failures: ReadonlyArray<number>,
  ) {}

  /** True when a failure line follows `end` with no step start in between. */
  inFailingStep(end: number): boolean {
    const failure = firstAfter(this.failures, end)
    if (failure === undefined) return false
    const start = firstAfter(this.starts, end)
    return start === undefined || start > failure
  }
}

/** The first element of a sorted array greater than `value` (binary search). */
const firstAfter = (sorted: ReadonlyArray<number>, value: number): number | undefined => {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! <= value) lo = mid + 1
    else hi = mid
  }
  return sorted[lo]
}
