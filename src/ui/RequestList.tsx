// The past requests in the store, newest first: pick one to browse its findings.
import { Box, Text, useInput } from "ink"
import { useReducer, useRef } from "react"
import { scrollWindow } from "./findingFilter.js"
import { type TerminalSize, useTerminalSize } from "./terminalSize.js"

export interface RequestSummary {
  readonly id: string
  readonly source: string
  readonly createdAt: number
  readonly status: string
  readonly findings?: number
  readonly topMessage: string | null
}

const statusColor: Record<string, string> = {
  complete: "green",
  failed: "red",
  cancelled: "yellow",
  running: "cyan",
  pending: "cyan",
}

/** Local time, minutes: what a person remembers of when they ran it. */
export const when = (millis: number): string => {
  const d = new Date(millis)
  const two = (n: number) => String(n).padStart(2, "0")
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`
}

export interface RequestListProps {
  readonly requests: ReadonlyArray<RequestSummary>
  readonly onOpen: (id: string) => void
  readonly onQuit: () => void
  readonly notice?: string
  readonly size?: TerminalSize
}

export const RequestList = (props: RequestListProps) => {
  const { columns, rows } = useTerminalSize(props.size)
  // A ref, not state: keys arriving before a re-render must each see where the previous one moved to.
  const cursor = useRef(0)
  const [, rerender] = useReducer((n: number) => n + 1, 0)
  const move = (by: number) => {
    cursor.current = Math.max(0, Math.min(props.requests.length - 1, cursor.current + by))
    rerender()
  }
  useInput((input, key) => {
    if (input === "q" || key.escape || (key.ctrl && input === "c")) return props.onQuit()
    if (key.upArrow || input === "k") return move(-1)
    if (key.downArrow || input === "j") return move(1)
    if (key.pageUp) return move(-10)
    if (key.pageDown) return move(10)
    const chosen = props.requests[cursor.current]
    if ((key.return || key.rightArrow) && chosen) props.onOpen(chosen.id)
  })
  const selected = cursor.current
  // Two rows a request (what, then its top finding); header, notice and keys take three, one stays free.
  const window = scrollWindow(props.requests.length, selected, Math.max(1, Math.floor((rows - 4) / 2)))
  return (
    <Box flexDirection="column" width={columns}>
      <Text bold wrap="truncate-end">
        {`destill · ${props.requests.length} past request${props.requests.length === 1 ? "" : "s"}`}
      </Text>
      {props.requests.length === 0 ? (
        <Text dimColor>no requests yet: run destill analyze &lt;log&gt; first</Text>
      ) : (
        props.requests.slice(window.start, window.end).map((r, i) => {
          const isSelected = window.start + i === selected
          return (
            <Box key={r.id} flexDirection="column">
              <Text wrap="truncate-end" bold={isSelected}>
                {`${isSelected ? "▶" : " "} ${r.id.slice(0, 8)}  ${when(r.createdAt)}  `}
                <Text color={statusColor[r.status] ?? "white"}>{r.status.padEnd(9)}</Text>
                {` ${r.findings === undefined ? "" : `${r.findings} findings  `}${r.source}`}
              </Text>
              <Text wrap="truncate-end" dimColor>
                {`            ${r.topMessage ?? "—"}`}
              </Text>
            </Box>
          )
        })
      )}
      <Text color="yellow" wrap="truncate-end">
        {props.notice ?? " "}
      </Text>
      <Text dimColor wrap="truncate-end">
        ↑↓ jk move · enter open · q quit
      </Text>
    </Box>
  )
}
