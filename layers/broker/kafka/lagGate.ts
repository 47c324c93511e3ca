// Bounded lag between stages: a publisher waits while the group that reads its topic is too far behind, so a
// slow downstream agent slows the upstream ones instead of letting the backlog grow without limit.
import type { Admin } from "kafkajs"
import { Duration, Effect, Schedule } from "effect"
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

/** Waits (polling the broker) until the topic's downstream group is within its limit; no limit, no wait. */
export const lagGate = (admin: Admin, limits: ReadonlyArray<LagLimit>) => (topic: string) => {
  const limit = limits.find((l) => l.topic === topic)
  if (limit === undefined) return Effect.void
  return groupLag(admin, limit.topic, limit.group).pipe(
    Effect.repeat({
      schedule: Schedule.exponential(Duration.millis(50), 1.5).pipe(
        Schedule.union(Schedule.spaced(Duration.seconds(1))),
      ),
      while: (lag) => lag > limit.maxLag,
    }),
    Effect.asVoid,
  )
}
