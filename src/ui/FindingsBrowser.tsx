// Browses one request's findings: move, expand, filter by text or severity, print/copy a block, quit; the request's
// insight, when there is one, sits above the findings.
import { Box, type Key, Text, useInput, useStdout } from "ink"
import { useReducer, useRef } from "react"
import type { Finding } from "../domain/Finding.js"
import { FindingDetail } from "./FindingDetail.js"
import { findingBlock } from "./detailLines.js"
import { type FindingFilter, matchesFilter, nextSeverity, noFilter, scrollWindow } from "./findingFilter.js"
import { FindingRow } from "./FindingRow.js"
import { InsightPanel, insightPanelLines, type InsightState } from "./InsightPanel.js"
import { type TerminalSize, useTerminalSize } from "./terminalSize.js"

export interface FindingsBrowserProps {
  /** The header line: source, size, how many findings. */
  readonly title: string
  readonly findings: ReadonlyArray<Finding>
  /** The root-cause insight (`--explain`, `destill explain`, the insight agent), shown above the findings. */
  readonly insight?: InsightState
  readonly onQuit: () => void
  /** Where esc/← leads (the request list), when there is somewhere to go back to. */
  readonly onBack?: () => void
  readonly size?: TerminalSize
  /** False when no keyboard is attached (stdin is the log): the view is shown, keys are not read. */
  readonly interactive?: boolean
}

interface BrowserState {
  readonly selected: number
  readonly expanded: boolean
  readonly filter: FindingFilter
  readonly editing: boolean
  readonly notice: string
  /** The whole insight instead of its summary. */
  readonly insightOpen: boolean
}

const initialState: BrowserState = {
  selected: 0,
  expanded: false,
  filter: noFilter,
  editing: false,
  notice: "",
  insightOpen: false,
}

/** OSC 52: terminals (and tmux with set-clipboard) put the text on the system clipboard. */
const clipboardSequence = (text: string) => `\x1b]52;c;${Buffer.from(text).toString("base64")}\x07`

export const FindingsBrowser = (props: FindingsBrowserProps) => {
  const { columns, rows } = useTerminalSize(props.size)
  const { write } = useStdout()
  // Keys can arrive faster than React re-renders (a paste, a fast typist): handlers read and write this ref, so
  // each key sees the state the previous one left, and a render follows.
  const state = useRef<BrowserState>(initialState)
  const [, rerender] = useReducer((n: number) => n + 1, 0)
  const update = (patch: Partial<BrowserState>) => {
    state.current = { ...state.current, ...patch }
    rerender()
  }
  const visibleNow = () => props.findings.filter((f) => matchesFilter(f, state.current.filter))

  const handle = (input: string, key: Key) => {
    const { editing, filter, expanded } = state.current
    if (editing) {
      if (key.return) return update({ editing: false })
      if (key.escape) return update({ editing: false, filter: { ...filter, text: "" }, selected: 0 })
      if (key.backspace || key.delete)
        return update({ filter: { ...filter, text: filter.text.slice(0, -1) } })
      if (input && !key.ctrl && !key.meta) {
        // A paste or fast typing arrives as one chunk, maybe with the enter that ends it.
        const typed = (input.split(/[\r\n]/)[0] ?? "").replace(/[\u0000-\u001f\u007f]/g, "")
        return update({
          filter: { ...filter, text: filter.text + typed },
          selected: 0,
          editing: !/[\r\n]/.test(input),
        })
      }
      return
    }
    const visible = visibleNow()
    const selected = Math.min(state.current.selected, Math.max(0, visible.length - 1))
    const move = (by: number) =>
      update({ selected: Math.max(0, Math.min(visible.length - 1, selected + by)), notice: "" })
    if (input === "q" || (key.ctrl && input === "c")) return props.onQuit()
    if (key.upArrow || input === "k") return move(-1)
    if (key.downArrow || input === "j") return move(1)
    if (key.pageUp) return move(-10)
    if (key.pageDown) return move(10)
    if (key.return) return update({ expanded: !expanded, notice: "" })
    if (input === "/") return update({ editing: true, notice: "" })
    if (input === "i" && props.insight?._tag === "Ready")
      return update({ insightOpen: !state.current.insightOpen })
    if (input === "s")
      return update({ filter: { ...filter, severity: nextSeverity(filter.severity) }, selected: 0 })
    const current = visible[selected]
    if (input === "c" && current) {
      const block = findingBlock(current)
      write(`${block}\n${clipboardSequence(block)}`)
      return update({ notice: `#${current.rank} printed above and copied` })
    }
    if (key.escape || key.leftArrow) {
      if (expanded) return update({ expanded: false })
      if (props.onBack) return props.onBack()
    }
  }

  useInput(
    (input, key) => {
      // Keys typed faster than they are read arrive as one chunk ("jj", "/npm\r"): take them one by one.
      if (input.length > 1 && !key.ctrl && !key.meta) {
        for (const ch of input)
          handle(ch, { ...key, return: ch === "\r" || ch === "\n", delete: ch === "\x7f" })
      } else handle(input, key)
    },
    { isActive: props.interactive !== false },
  )

  const { editing, filter, expanded, notice, insightOpen } = state.current
  const visible = visibleNow()
  const selected = Math.min(state.current.selected, Math.max(0, visible.length - 1))
  const current = visible[selected]

  // One row is left free: a frame as tall as the terminal makes Ink clear the screen on every update.
  const panel = props.insight ? insightPanelLines(props.insight, insightOpen) : []
  // The open insight may take all but a few rows; the findings keep at least three.
  const panelRows = Math.min(panel.length, Math.max(1, rows - 4 - 3 - (insightOpen ? 0 : 3)))
  const body = Math.max(3, rows - 4 - panelRows)
  const listRows = expanded
    ? Math.min(visible.length, Math.max(1, Math.min(5, Math.floor(body / 4))))
    : Math.min(visible.length, body)
  const window = scrollWindow(visible.length, selected, listRows)
  const spare = body - listRows - 1
  const filterText = editing ? `/${filter.text}▏` : filter.text === "" ? "none" : `/${filter.text}`
  const keys = [
    "↑↓ jk move",
    expanded ? "enter collapse" : "enter expand",
    "/ filter",
    "s severity",
    "c copy",
    ...(props.insight?._tag === "Ready" ? [insightOpen ? "i close insight" : "i insight"] : []),
    ...(props.onBack ? ["esc back"] : []),
    "q quit",
  ]

  return (
    <Box flexDirection="column" width={columns}>
      <Text bold wrap="truncate-end">
        {props.title}
      </Text>
      {panelRows > 0 ? <InsightPanel lines={panel} width={columns} height={panelRows} /> : null}
      <Text wrap="truncate-end" dimColor={!editing}>
        {`filter: ${filterText} · severity: ${filter.severity} · ${visible.length} of ${props.findings.length}`}
        {notice ? <Text color="green">{` · ${notice}`}</Text> : null}
      </Text>
      {visible.length === 0 ? (
        <Text dimColor>
          {props.findings.length === 0
            ? "no findings: nothing in this log looks like a failure"
            : "no finding matches"}
        </Text>
      ) : (
        visible
          .slice(window.start, window.end)
          .map((f, i) => <FindingRow key={f.id} finding={f} selected={window.start + i === selected} />)
      )}
      {current && spare >= 3 ? (
        <Box flexDirection="column">
          <Text dimColor wrap="truncate-end">
            {`── ${expanded ? `#${current.rank}: context and why` : `#${current.rank} (enter: context and why)`} ${"─".repeat(columns)}`.slice(
              0,
              columns,
            )}
          </Text>
          <FindingDetail finding={current} width={columns} height={spare} ownLinesOnly={!expanded} />
        </Box>
      ) : null}
      <Text dimColor wrap="truncate-end">
        {keys.join(" · ")}
      </Text>
    </Box>
  )
}
