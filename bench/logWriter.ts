// Accumulates generated log lines, numbering them as a file reader would (1-based, split on `\n`) and
// adding GitHub Actions timestamp prefixes to the sections that have them.

export const ansi = {
  red: (s: string) => `\x1b[31m${s}\x1b[39m`,
  green: (s: string) => `\x1b[32m${s}\x1b[39m`,
  yellow: (s: string) => `\x1b[33m${s}\x1b[39m`,
  blue: (s: string) => `\x1b[34m${s}\x1b[39m`,
  dim: (s: string) => `\x1b[2m${s}\x1b[22m`,
  bold: (s: string) => `\x1b[1m${s}\x1b[22m`,
  passBadge: () => "\x1b[42m\x1b[30m PASS \x1b[39m\x1b[49m",
}

export class LogWriter {
  /** Lines emitted so far; the next line gets number `lines + 1`. */
  lines = 0
  /** Bytes handed out by `take`. */
  bytesTaken = 0
  /** Whether the current section's lines carry a GitHub Actions timestamp prefix. */
  stamped = false
  private buffer = ""
  private clockMs: number

  constructor(startMs: number) {
    this.clockMs = startMs
  }

  /** Appends one line (text may hold lone `\r` overwrites) and returns its 1-based line number. */
  emit(text: string): number {
    this.clockMs += 3
    this.buffer += this.stamped ? `${this.stamp()} ${text}\n` : `${text}\n`
    return ++this.lines
  }

  /** Moves the clock, as a slow step would, so timestamps stay plausible. */
  advance(ms: number): void {
    this.clockMs += ms
  }

  /** Approximate bytes produced so far (pending text counted as one byte per character). */
  get approximateBytes(): number {
    return this.bytesTaken + this.buffer.length
  }

  get pendingChars(): number {
    return this.buffer.length
  }

  take(): string {
    const text = this.buffer
    this.buffer = ""
    this.bytesTaken += Buffer.byteLength(text)
    return text
  }

  private stamp(): string {
    // GitHub Actions prints 7 fractional digits; the last four are always zero here, which is fine.
    return `${new Date(this.clockMs).toISOString().slice(0, 23)}0000Z`
  }
}
