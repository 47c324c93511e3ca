// The live view of a running triage: where it reads from, how far it is, and the best findings so far.
import { Box, Text } from "ink"
import type { Finding } from "../domain/Finding.js"
import { FindingRow } from "./FindingRow.js"
import { type TerminalSize, useTerminalSize } from "./terminalSize.js"
import { count, formatBytes, formatElapsed, formatRate } from "./theme.js"

/** What the view samples from the pipeline's progress, a few times a second. */
export interface LiveSnapshot {
  readonly source: string
  readonly elapsedMs: number
  readonly bytes: number
  /** Total bytes when every job's size is known. */
  readonly expectedBytes?: number | undefined
  readonly lines: number
  readonly chunks: number
  readonly chunksScored: number
  readonly top: ReadonlyArray<Finding>
}

export const progressBar = (fraction: number, width: number): string => {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width)
  return "█".repeat(filled) + "░".repeat(Math.max(0, width - filled))
}

export const LiveView = (props: { readonly snapshot: LiveSnapshot; readonly size?: TerminalSize }) => {
  const { columns, rows } = useTerminalSize(props.size)
  const s = props.snapshot
  const seconds = Math.max(s.elapsedMs, 1) / 1000
  const total = s.expectedBytes !== undefined && s.expectedBytes >= s.bytes ? s.expectedBytes : undefined
  const barWidth = Math.max(10, Math.min(50, columns - 34))
  const progress =
    total === undefined || total === 0
      ? `${formatBytes(s.bytes)} read`
      : `${progressBar(s.bytes / total, barWidth)} ${String(Math.floor((100 * s.bytes) / total)).padStart(3)}%  ${formatBytes(s.bytes)} of ${formatBytes(total)}`
  const topRows = Math.max(1, rows - 7)
  return (
    <Box flexDirection="column" width={columns}>
      <Text bold wrap="truncate-end">
        {`destill · ${s.source}`}
      </Text>
      <Text wrap="truncate-end">{progress}</Text>
      <Text wrap="truncate-end">
        {`${count(s.lines)} lines · ${count(s.chunks)} chunks, ${count(s.chunksScored)} scored · ${formatRate(s.lines / seconds)} lines/s · ${formatElapsed(s.elapsedMs)}`}
      </Text>
      <Text dimColor wrap="truncate-end">
        {`── top findings so far ${"─".repeat(columns)}`.slice(0, columns)}
      </Text>
      {s.top.length === 0 ? (
        <Text dimColor>nothing yet</Text>
      ) : (
        s.top.slice(0, topRows).map((f) => <FindingRow key={f.id} finding={f} selected={false} />)
      )}
      <Text dimColor wrap="truncate-end">
        ctrl-c cancel · the browser opens when the run ends
      </Text>
    </Box>
  )
}
