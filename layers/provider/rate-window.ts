// Per-minute request and token budgets for one provider, as sliding windows over a clock the caller
// passes in (so the router can drive them from Effect's Clock and tests from TestClock).

const windowMs = 60_000

/**
 * At most `perMinute` request starts in any 60 s window. A caller reserves a start time and waits until
 * it: reservations are handed out in order, so concurrent callers queue fairly instead of polling.
 */
export class RequestWindow {
  private readonly starts: Array<number> = []
  constructor(private readonly perMinute: number) {}

  /** Reserves the next start and returns how long to wait for it. */
  reserve(now: number): number {
    const oldest =
      this.starts.length < this.perMinute ? undefined : this.starts[this.starts.length - this.perMinute]
    const start = oldest === undefined ? now : Math.max(now, oldest + windowMs)
    this.starts.push(start)
    if (this.starts.length > this.perMinute) this.starts.shift()
    return start - now
  }
}

interface Spend {
  readonly at: number
  tokens: number
}

/**
 * At most `perMinute` tokens in any 60 s window, counted by estimate when a call starts and corrected
 * to the reported usage when it ends. One call larger than the whole budget still runs, alone.
 */
export class TokenWindow {
  private readonly spends: Array<Spend> = []
  private total = 0
  constructor(private readonly perMinute: number) {}

  private expire(now: number): void {
    while (this.spends.length > 0 && this.spends[0]!.at <= now - windowMs)
      this.total -= this.spends.shift()!.tokens
  }

  /** How long to wait before `estimate` more tokens fit; 0 means it was recorded and the call may start. */
  tryReserve(now: number, estimate: number): { readonly waitMs: number; readonly spend?: Spend } {
    this.expire(now)
    if (this.spends.length > 0 && this.total + estimate > this.perMinute) {
      return { waitMs: Math.max(1, this.spends[0]!.at + windowMs - now) }
    }
    const spend: Spend = { at: now, tokens: estimate }
    this.spends.push(spend)
    this.total += estimate
    return { waitMs: 0, spend }
  }

  /** Replace a reservation's estimate with what the server reported. */
  settle(spend: Spend, actual: number): void {
    if (this.spends.includes(spend)) this.total += actual - spend.tokens
    spend.tokens = actual
  }
}
