// `destill analyze` on a terminal: the live view while the run goes, then the browser over its findings.
import { useApp, useInput } from "ink"
import { useSyncExternalStore } from "react"
import type { Finding } from "../domain/Finding.js"
import { FindingsBrowser } from "./FindingsBrowser.js"
import type { InsightState } from "./InsightPanel.js"
import type { LiveFeed } from "./LiveFeed.js"
import { type LiveSnapshot, LiveView } from "./LiveView.js"
import type { TerminalSize } from "./terminalSize.js"

export type AnalyzeState =
  | { readonly phase: "running"; readonly snapshot: LiveSnapshot }
  | {
      readonly phase: "done"
      readonly title: string
      readonly findings: ReadonlyArray<Finding>
      /** With `--explain`: the insight, or that it is being made, above the findings. */
      readonly insight?: InsightState
    }

export interface AnalyzeAppProps {
  readonly feed: LiveFeed<AnalyzeState>
  /** Ctrl-C or q while running: the run is interrupted (and recorded as cancelled). */
  readonly onCancel: () => void
  readonly size?: TerminalSize
  readonly interactive?: boolean
}

const CancelKeys = (props: { readonly onCancel: () => void; readonly interactive: boolean }) => {
  useInput(
    (input, key) => {
      if ((key.ctrl && input === "c") || input === "q") props.onCancel()
    },
    { isActive: props.interactive },
  )
  return null
}

export const AnalyzeApp = (props: AnalyzeAppProps) => {
  const { exit } = useApp()
  const state = useSyncExternalStore(props.feed.subscribe, props.feed.get)
  const interactive = props.interactive !== false
  if (state.phase === "running") {
    return (
      <>
        <CancelKeys onCancel={props.onCancel} interactive={interactive} />
        <LiveView snapshot={state.snapshot} {...(props.size ? { size: props.size } : {})} />
      </>
    )
  }
  return (
    <FindingsBrowser
      title={state.title}
      findings={state.findings}
      {...(state.insight ? { insight: state.insight } : {})}
      onQuit={() => exit()}
      interactive={interactive}
      {...(props.size ? { size: props.size } : {})}
    />
  )
}
