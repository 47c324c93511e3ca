// One finding as a row of a list: severity in its colour, confidence as a bar, the line range and the headline.
import { Text } from "ink"
import type { Finding } from "../domain/Finding.js"
import { confidenceBar, lineRange, severityColor } from "./theme.js"

export const FindingRow = ({
  finding,
  selected,
}: {
  readonly finding: Finding
  readonly selected: boolean
}) => {
  const color = severityColor[finding.severity]
  const marker = `${selected ? "▶" : " "}${String(finding.rank).padStart(3)} `
  const range = ` ${finding.confidence.toFixed(2)}  ${lineRange(finding.lineStart, finding.lineEnd).padEnd(9)} `
  return (
    <Text wrap="truncate-end">
      {marker}
      <Text
        color={color}
      >{`${finding.severity.toUpperCase().padEnd(9)}${confidenceBar(finding.confidence)}`}</Text>
      {range}
      <Text bold={selected}>{finding.message}</Text>
    </Text>
  )
}
