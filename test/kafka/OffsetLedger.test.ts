// Offsets are committed only behind messages that are done, however out of order deliveries finish.
import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { OffsetLedger } from "../../layers/broker/kafka/OffsetLedger.js"

describe("OffsetLedger", () => {
  it("never commits past a message still in flight", () => {
    const ledger = new OffsetLedger()
    for (const offset of [10, 11, 12]) ledger.received(0, offset)
    expect(ledger.completed(0, 12)).toBeUndefined()
    expect(ledger.completed(0, 11)).toBeUndefined()
    expect(ledger.completed(0, 10)).toBe(13)
    expect(ledger.inFlight).toBe(0)
  })

  it("keeps partitions apart", () => {
    const ledger = new OffsetLedger()
    ledger.received(0, 5)
    ledger.received(1, 7)
    expect(ledger.completed(1, 7)).toBe(8)
    expect(ledger.committedOf(0)).toBeUndefined()
  })

  it("counts a message fetched twice (after a rebalance) until both deliveries are done", () => {
    const ledger = new OffsetLedger()
    ledger.received(0, 3)
    ledger.received(0, 4)
    ledger.received(0, 3)
    expect(ledger.completed(0, 4)).toBeUndefined()
    expect(ledger.completed(0, 3)).toBeUndefined()
    expect(ledger.completed(0, 3)).toBe(5)
  })

  it("commits, in any completion order, exactly the prefix of finished messages", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 40 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
            ),
          ),
        ([n, order]) => {
          const ledger = new OffsetLedger()
          for (let offset = 0; offset < n; offset++) ledger.received(0, offset)
          const done = new Set<number>()
          let committed = -1
          for (const offset of order) {
            done.add(offset)
            const next = ledger.completed(0, offset)
            if (next !== undefined) {
              expect(next).toBeGreaterThan(committed)
              committed = next
            }
            for (let o = 0; o < committed; o++) expect(done.has(o)).toBe(true)
          }
          expect(committed).toBe(n)
        },
      ),
    )
  })
})
