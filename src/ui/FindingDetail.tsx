// The expanded finding: its lines, their context and why it scored, cut to the rows it is given.
import { Box, Text } from "ink"
import type { Finding } from "../domain/Finding.js"
import { type DetailTone, detailLines } from "./detailLines.js"
import { severityColor } from "./theme.js"

const toneStyle = (tone: DetailTone, finding: Finding) => {
  switch (tone) {
    case "head":
      return { color: severityColor[finding.severity], bold: true }
    case "context":
    case "more":
    case "why":
      return { dimColor: true }
    case "line":
      return {}
  }
}

export const FindingDetail = (props: {
  readonly finding: Finding
  readonly width: number
  readonly height: number
  /** Only the finding's own lines (the collapsed preview). */
  readonly ownLinesOnly?: boolean
}) => {
  const all = detailLines(
    props.finding,
    props.width,
    props.ownLinesOnly ? Number.MAX_SAFE_INTEGER : props.height,
  )
  const lines = props.ownLinesOnly
    ? all.filter((l) => l.tone === "line").slice(0, props.height)
    : all.slice(0, props.height)
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end" {...toneStyle(line.tone, props.finding)}>
          {line.text === "" ? " " : line.text}
        </Text>
      ))}
    </Box>
  )
}
