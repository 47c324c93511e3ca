// Bounded lag between stages: a publisher waits while the group that reads its topic is too far behind, so a
// slow downstream agent slows the upstream ones instead of letting the backlog grow without limit.
import type { Admin } from "kafkajs"
import { Duration, Effect, Exit, Schedule } from "effect"
import type { BrokerError } from "../../../src/domain/errors.js"
import { brokerFailure } from "./brokerFailure.js"

export interface LagLimit {
  /** The topic published to. */
  readonly topic: string
  /** The consumer group that reads it downstream. */
  readonly group: string
  /** Messages published but not yet committed by `group` before publishers wait. */
  readonly maxLag: number
}

/** Messages of `topic` that `group` has not committed yet (from the start of the log when it never committed). */
export const groupLag = (admin: Admin, topic: string, group: string) =>
  Effect.tryPromise({
    try: async () => {
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(topic),
        admin.fetchOffsets({ groupId: group, topics: [topic] }),
      ])
      const done = new Map(
        (committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)] as const),
      )
      let lag = 0
      for (const end of ends) {
        const position = done.get(end.partition) ?? -1
        lag += Number(end.high) - (position < 0 ? Number(end.low) : position)
      }
      return lag
    },
    catch: brokerFailure(`read the lag of group ${group} on ${topic}`),
  })

export interface LagGate {
  /**
   * Runs `send` (publishing `count` messages to `topic`) once the downstream group has room for them. The lag is
   * asked of the broker only when this process's own bookkeeping can no longer vouch for the room, so a publisher
   * well within its limit pays no round trips; sends of one process never overshoot the limit together.
   */
  readonly admit: <A>(
    topic: string,
    count: number,
    send: Effect.Effect<A, BrokerError>,
  ) => Effect.Effect<A, BrokerError>
}

interface Books {
  /** Lag the broker reported at the last look, and this process's messages acknowledged since then. */
  measured: number
  sentSince: number
  /** Admitted and not yet acknowledged: the broker's figure may not include them yet. */
  inFlight: number
  sentTotal: number
  looked: boolean
}

const retrySchedule = Schedule.exponential(Duration.millis(20), 1.5).pipe(
  Schedule.union(Schedule.spaced(Duration.millis(500))),
)

export const lagGate = (admin: Admin, limits: ReadonlyArray<LagLimit>): LagGate => {
  const books = new Map<string, Books>()
  const booksOf = (topic: string) => {
    let entry = books.get(topic)
    if (entry === undefined) {
      entry = { measured: 0, sentSince: 0, inFlight: 0, sentTotal: 0, looked: false }
      books.set(topic, entry)
    }
    return entry
  }

  // Never below the truth: consumers only shrink the lag, and a send acknowledged while we looked is counted
  // twice rather than missed.
  const estimate = (b: Books) => b.measured + b.sentSince + b.inFlight

  const look = (limit: LagLimit, b: Books) =>
    Effect.suspend(() => {
      const sentBefore = b.sentTotal
      return Effect.map(groupLag(admin, limit.topic, limit.group), (lag) => {
        b.measured = lag
        b.sentSince = b.sentTotal - sentBefore
        b.looked = true
      })
    })

  /** Takes room for `count` when there is some; a batch larger than the limit goes alone into an empty topic. */
  const tryReserve = (limit: LagLimit, b: Books, count: number) => {
    const current = estimate(b)
    if (!b.looked || (current + count > limit.maxLag && current > 0)) return false
    b.inFlight += count
    return true
  }

  const reserve = (limit: LagLimit, b: Books, count: number) =>
    Effect.suspend(() => {
      if (tryReserve(limit, b, count)) return Effect.void
      return look(limit, b).pipe(
        Effect.map(() => tryReserve(limit, b, count)),
        Effect.repeat({ schedule: retrySchedule, until: (reserved) => reserved }),
        Effect.asVoid,
      )
    })

  return {
    admit: (topic, count, send) => {
      const limit = limits.find((l) => l.topic === topic)
      if (limit === undefined) return send
      const b = booksOf(topic)
      const settle = (exit: Exit.Exit<unknown, unknown>) =>
        Effect.sync(() => {
          b.inFlight -= count
          if (Exit.isSuccess(exit)) {
            b.sentTotal += count
            b.sentSince += count
          }
        })
      // Room taken is always given back: no interruption can fall between the reservation and the send.
      return Effect.uninterruptibleMask((restore) =>
        Effect.zipRight(restore(reserve(limit, b, count)), Effect.onExit(restore(send), settle)),
      )
    },
  }
}
