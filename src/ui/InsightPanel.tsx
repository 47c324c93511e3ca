// The insight at the top of the findings browser: a few lines (what broke, the fix) that `i` opens into the whole
// insight (root cause, evidence lines, what was cut); while the model works, a line saying so.
import { Box, Text } from "ink"
import type { Insight } from "../domain/Insight.js"
import { insightText } from "../cli/format/insight.js"

/** Where the insight of the request on screen stands. */
export type InsightState =
  | { readonly _tag: "Explaining"; readonly by: string }
  | { readonly _tag: "Ready"; readonly insight: Insight }
  | { readonly _tag: "Unavailable"; readonly reason: string }

interface PanelLine {
  readonly text: string
  readonly tone: "title" | "bad" | "quiet" | "plain"
}

const plainStyle = { paint: (_code: string, text: string) => text }

const made = (i: Insight) => `${i.provider} ${i.model}`

/** The panel's lines; the browser gives the rest of the screen to the findings. */
export const insightPanelLines = (state: InsightState, open: boolean): ReadonlyArray<PanelLine> => {
  switch (state._tag) {
    case "Explaining":
      return [{ text: `insight: asking ${state.by}…`, tone: "quiet" }]
    case "Unavailable":
      return [{ text: `no insight: ${state.reason}`, tone: "quiet" }]
    case "Ready": {
      const i = state.insight
      if (open) {
        return insightText(i, plainStyle)
          .split("\n")
          .map((text, n) => ({ text, tone: n === 0 ? (i.status === "accepted" ? "title" : "bad") : "plain" }))
      }
      if (i.status === "rejected") {
        return [
          {
            text: `no insight: ${made(i)}'s answers failed validation (${i.attempts} attempts; i: why)`,
            tone: "bad",
          },
        ]
      }
      return [
        {
          text: `insight · ${i.category} · confidence ${i.confidence.toFixed(2)} · ${made(i)} (i: root cause and evidence)`,
          tone: "title",
        },
        { text: `  ${i.summary}`, tone: "plain" },
        { text: `  fix: ${i.suggestedFix}`, tone: "plain" },
      ]
    }
  }
}

export const InsightPanel = (props: {
  readonly lines: ReadonlyArray<PanelLine>
  readonly width: number
  readonly height: number
}) => (
  <Box flexDirection="column" width={props.width}>
    {props.lines.slice(0, props.height).map((line, n) => (
      <Text
        key={n}
        wrap="truncate-end"
        bold={line.tone === "title"}
        dimColor={line.tone === "quiet"}
        {...(line.tone === "bad" ? { color: "red" } : {})}
      >
        {line.text === "" ? " " : line.text}
      </Text>
    ))}
  </Box>
)
