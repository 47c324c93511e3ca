// A circuit breaker for one provider: after `failures` consecutive failures it is taken out for
// `cooldownMs`, then a single probe call decides whether it comes back (half-open).
import type { BreakerState } from "../../src/services/LanguageModel.js"

export interface BreakerOptions {
  /** Consecutive transient failures that open the circuit; default 5. */
  readonly failures?: number
  /** How long an open circuit keeps the provider out; default 30 s. */
  readonly cooldownMs?: number
}

export class CircuitBreaker {
  private state: BreakerState = "closed"
  private consecutive = 0
  private openUntil = 0
  private probing = false
  private readonly threshold: number
  private readonly cooldownMs: number

  constructor(options: BreakerOptions = {}) {
    this.threshold = Math.max(1, options.failures ?? 5)
    this.cooldownMs = options.cooldownMs ?? 30_000
  }

  get current(): BreakerState {
    return this.state
  }

  /** When an open circuit lets a probe through. */
  get reopensAt(): number {
    return this.openUntil
  }

  /** May a call go to this provider now? (Does not claim the half-open probe: see `admit`.) */
  isAvailable(now: number): boolean {
    if (this.state === "closed") return true
    if (this.state === "open") return now >= this.openUntil
    return !this.probing
  }

  /** Claim a call; past the cool-down the first claimer becomes the half-open probe. */
  admit(now: number): void {
    if (this.state === "open" && now >= this.openUntil) this.state = "half-open"
    if (this.state === "half-open") this.probing = true
  }

  /** The provider answered (even with a refusal of the request itself): it is alive. */
  succeeded(): void {
    this.state = "closed"
    this.consecutive = 0
    this.probing = false
  }

  /** The provider failed in a way that says it is unwell (down, overloaded, timing out). */
  failed(now: number): void {
    this.consecutive++
    this.probing = false
    if (this.state === "half-open" || this.consecutive >= this.threshold) {
      this.state = "open"
      this.openUntil = now + this.cooldownMs
    }
  }

  /** The call was interrupted: release the probe without judging the provider. */
  abandoned(): void {
    this.probing = false
  }
}
