// The live dashboard of a dataset job: progress and ETA, outcomes, throughput, pass rate and the top
// rejection reasons, each provider's calls, tokens, errors, latency and breaker; keys to pause the job
// and to open the attempts of a recent task.
import { Box, Text, useApp, useInput } from "ink"
import { useEffect, useState } from "react"
import type { JobProgress } from "../../../pipelines/distill/progress.js"
import type { Attempt } from "../../domain/Distill.js"
import type { ProviderStats } from "../../services/LanguageModel.js"

export interface DashboardProps {
  readonly progress: JobProgress
  readonly providers: () => ReadonlyArray<ProviderStats>
  readonly attemptsOf: (taskIndex: number) => Promise<ReadonlyArray<Attempt>>
  /** Toggle holding new tasks back; returns whether the job is now held. */
  readonly togglePause: () => boolean
  /** Stop taking tasks and end the run as paused (q). */
  readonly stop: () => void
  /** Refresh interval; default 250 ms. */
  readonly refreshMs?: number
}

const bar = (fraction: number, width: number): string => {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width)
  return "█".repeat(filled) + "░".repeat(width - filled)
}

const duration = (seconds: number | undefined): string => {
  if (seconds === undefined) return "—"
  const s = Math.ceil(seconds)
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${s % 60}s`
      : `${s}s`
}

const ProviderRow = ({ stats }: { readonly stats: ProviderStats }) => (
  <Text>
    {stats.provider.padEnd(28).slice(0, 28)} {String(stats.calls).padStart(7)}{" "}
    {String(stats.failures).padStart(6)} {String(stats.promptTokens + stats.completionTokens).padStart(10)}{" "}
    {`${Math.round(stats.latencyMsAvg)}ms`.padStart(8)}{" "}
    <Text color={stats.breaker === "closed" ? "green" : stats.breaker === "open" ? "red" : "yellow"}>
      {stats.breaker}
    </Text>
    {stats.inFlight > 0 ? <Text dimColor> ({stats.inFlight} in flight)</Text> : null}
  </Text>
)

const AttemptList = ({
  taskIndex,
  attempts,
}: {
  readonly taskIndex: number
  readonly attempts: ReadonlyArray<Attempt>
}) => (
  <Box flexDirection="column" borderStyle="round" paddingX={1}>
    <Text bold>
      task {taskIndex} — {attempts.length} attempt(s) (esc to close)
    </Text>
    {attempts.map((a) => (
      <Box key={a.attempt} flexDirection="column">
        <Text>
          #{a.attempt} {a.provider}/{a.model} {a.finish}{" "}
          {a.reasons === undefined ? (
            <Text dimColor>not validated</Text>
          ) : a.reasons.length === 0 ? (
            <Text color="green">accepted</Text>
          ) : (
            <Text color="red">{a.reasons.join("; ").slice(0, 200)}</Text>
          )}
        </Text>
        <Text dimColor>{a.text.replace(/\s+/g, " ").slice(0, 160)}</Text>
      </Box>
    ))}
  </Box>
)

export const Dashboard = (props: DashboardProps) => {
  const { progress } = props
  const app = useApp()
  const [, setTick] = useState(0)
  const [held, setHeld] = useState(false)
  const [selected, setSelected] = useState(0)
  const [opened, setOpened] = useState<{ taskIndex: number; attempts: ReadonlyArray<Attempt> } | undefined>()

  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), props.refreshMs ?? 250)
    const off = progress.onChange(() => setTick((t) => t + 1))
    return () => {
      clearInterval(timer)
      off()
    }
  }, [progress, props.refreshMs])

  useEffect(() => {
    if (progress.state === "done" || progress.state === "paused" || progress.state === "failed") app.exit()
  })

  useInput((input, key) => {
    if (opened !== undefined) {
      if (key.escape || input === "q") setOpened(undefined)
      return
    }
    if (input === "p" || input === " ") setHeld(props.togglePause())
    else if (input === "q") props.stop()
    else if (key.upArrow) setSelected((s) => Math.max(0, s - 1))
    else if (key.downArrow) setSelected((s) => Math.min(progress.recent.length - 1, s + 1))
    else if (key.return) {
      const task = progress.recent[selected]
      if (task !== undefined)
        void props
          .attemptsOf(task.taskIndex)
          .then((attempts) => setOpened({ taskIndex: task.taskIndex, attempts }))
    }
  })

  const fraction = progress.accepted / progress.target
  const providers = props.providers()
  const state = held ? "held (p to continue)" : progress.state
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>{progress.jobId}</Text> {bar(fraction, 40)} {progress.accepted}/{progress.target} (
        {Math.floor(fraction * 100)}%) eta {duration(progress.etaSeconds())}{" "}
        <Text color={held ? "yellow" : "cyan"}>{state}</Text>
      </Text>
      <Text>
        accepted <Text color="green">{progress.accepted}</Text> · rejected{" "}
        <Text color="red">{progress.rejected}</Text> · in flight {progress.inFlight} · attempts{" "}
        {progress.attempts} · {progress.rate().toFixed(1)} samples/s · pass rate{" "}
        {(progress.passRate() * 100).toFixed(0)}%
      </Text>
      <Text bold>top rejection reasons</Text>
      {progress.topReasons(5).map(([reason, count]) => (
        <Text key={reason}>
          {String(count).padStart(6)} {reason}
        </Text>
      ))}
      <Text bold>{"provider".padEnd(28)} calls errors tokens latency breaker</Text>
      {providers.map((stats) => (
        <ProviderRow key={stats.provider} stats={stats} />
      ))}
      <Text bold>recent tasks (↑/↓, enter opens its attempts)</Text>
      {progress.recent.slice(0, 6).map((task, i) => (
        <Text key={task.taskIndex} inverse={i === selected}>
          task {task.taskIndex} {task.outcome} after {task.attempts} attempt(s)
        </Text>
      ))}
      {opened === undefined ? null : <AttemptList taskIndex={opened.taskIndex} attempts={opened.attempts} />}
      <Text dimColor>p pause/continue · q stop (resume later) · ↑/↓ enter: attempts</Text>
    </Box>
  )
}
