// Which offset a consumer may commit per partition when deliveries finish out of order (downstream concurrency):
// never past a message that is still in flight, so a crash redelivers it instead of losing it.

interface PartitionState {
  /** Offsets received and not yet completed, with how many times each is in flight (a rebalance can refetch). */
  readonly outstanding: Map<number, number>
  highestCompleted: number
  committed: number
}

export class OffsetLedger {
  private readonly partitions = new Map<number, PartitionState>()

  private stateOf(partition: number): PartitionState {
    let state = this.partitions.get(partition)
    if (state === undefined) {
      state = { outstanding: new Map(), highestCompleted: -1, committed: -1 }
      this.partitions.set(partition, state)
    }
    return state
  }

  received(partition: number, offset: number): void {
    const state = this.stateOf(partition)
    // Committing the first offset received would only restate where the group already stands.
    if (state.committed < 0) state.committed = offset
    state.outstanding.set(offset, (state.outstanding.get(offset) ?? 0) + 1)
  }

  /**
   * Marks one delivery of `offset` done; returns the offset to commit (Kafka's "next offset to read") when the
   * committable position moved forward, else undefined.
   */
  completed(partition: number, offset: number): number | undefined {
    const state = this.stateOf(partition)
    const count = state.outstanding.get(offset)
    if (count === undefined) return undefined
    if (count > 1) state.outstanding.set(offset, count - 1)
    else state.outstanding.delete(offset)
    state.highestCompleted = Math.max(state.highestCompleted, offset)
    let next = state.highestCompleted + 1
    for (const pending of state.outstanding.keys()) if (pending < next) next = pending
    if (next <= state.committed) return undefined
    state.committed = next
    return next
  }

  /** The highest offset that may be committed for the partition so far. */
  committedOf(partition: number): number | undefined {
    const state = this.partitions.get(partition)
    return state === undefined || state.highestCompleted < 0 ? undefined : state.committed
  }

  /** Messages received and not yet completed, over all partitions. */
  get inFlight(): number {
    let total = 0
    for (const state of this.partitions.values())
      for (const count of state.outstanding.values()) total += count
    return total
  }
}
