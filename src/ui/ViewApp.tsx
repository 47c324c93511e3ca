// `destill view` on a terminal: the request list, and the findings browser of the request opened from it.
import { useApp } from "ink"
import { useState } from "react"
import type { Finding } from "../domain/Finding.js"
import type { Insight } from "../domain/Insight.js"
import { FindingsBrowser } from "./FindingsBrowser.js"
import { RequestList, type RequestSummary } from "./RequestList.js"
import type { TerminalSize } from "./terminalSize.js"

export interface OpenedRequest {
  readonly title: string
  readonly findings: ReadonlyArray<Finding>
  /** The request's stored insight, shown above its findings. */
  readonly insight?: Insight
}

export interface ViewAppProps {
  readonly requests: ReadonlyArray<RequestSummary>
  readonly open: (id: string) => Promise<OpenedRequest>
  /** Start on this request's findings (`destill view <id>`); esc still leads to the list. */
  readonly initial?: OpenedRequest
  readonly size?: TerminalSize
}

export const ViewApp = (props: ViewAppProps) => {
  const { exit } = useApp()
  const [opened, setOpened] = useState<OpenedRequest | undefined>(props.initial)
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const sized = props.size ? { size: props.size } : {}
  if (opened) {
    return (
      <FindingsBrowser
        title={opened.title}
        findings={opened.findings}
        {...(opened.insight ? { insight: { _tag: "Ready", insight: opened.insight } as const } : {})}
        onQuit={() => exit()}
        onBack={() => setOpened(undefined)}
        {...sized}
      />
    )
  }
  return (
    <RequestList
      requests={props.requests}
      onOpen={(id) => {
        setNotice(`opening ${id.slice(0, 8)}…`)
        props.open(id).then(
          (r) => {
            setNotice(undefined)
            setOpened(r)
          },
          (error: unknown) => setNotice(`could not open ${id.slice(0, 8)}: ${String(error)}`),
        )
      }}
      onQuit={() => exit()}
      {...(notice === undefined ? {} : { notice })}
      {...sized}
    />
  )
}
