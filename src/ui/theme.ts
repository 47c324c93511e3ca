// How destill shows severity and confidence on a terminal (the Ink views and the text report alike): colour
// carries severity, a bar carries confidence.
import type { Severity } from "../domain/Finding.js"

export const severityColor = {
  critical: "magenta",
  error: "red",
  warning: "yellow",
  info: "cyan",
} as const satisfies Record<Severity, string>

export const confidenceBar = (confidence: number, width = 10): string => {
  const filled = Math.round(Math.max(0, Math.min(1, confidence)) * width)
  return "█".repeat(filled) + "░".repeat(width - filled)
}

export const lineRange = (start: number, end: number): string =>
  start === end ? `${start}` : `${start}–${end}`

export const formatBytes = (bytes: number): string => {
  if (bytes < 1000) return `${bytes} B`
  const units = ["kB", "MB", "GB", "TB"]
  let value = bytes / 1000
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

export const formatRate = (perSecond: number): string =>
  perSecond >= 1e6
    ? `${(perSecond / 1e6).toFixed(2)}M`
    : perSecond >= 1e3
      ? `${(perSecond / 1e3).toFixed(1)}k`
      : `${Math.round(perSecond)}`

export const formatElapsed = (ms: number): string => {
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(1)}s`
  return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, "0")}s`
}

export const count = (n: number): string => n.toLocaleString("en-US")
