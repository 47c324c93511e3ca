// Notices offsets a consumer never saw. destill's topics are neither compacted nor transactional, so their
// offsets are dense: a jump means the broker deleted messages (retention) before this group read them.

export class OffsetGaps {
  private readonly next = new Map<number, number>()

  /** The missing range `[from, to)` when `offset` jumps past the next expected one, else undefined. */
  check(partition: number, offset: number): { from: number; to: number } | undefined {
    const expected = this.next.get(partition)
    this.next.set(partition, Math.max(expected ?? 0, offset + 1))
    return expected !== undefined && offset > expected ? { from: expected, to: offset } : undefined
  }

  /** A new assignment starts from the group's committed offsets: nothing is expected yet. */
  reset(): void {
    this.next.clear()
  }
}
