// The terminal's size as the views lay themselves out: 80×24 when unknown, updated when the window is resized.
import { useStdout } from "ink"
import { useEffect, useState } from "react"

export interface TerminalSize {
  readonly columns: number
  readonly rows: number
}

export const useTerminalSize = (fixed?: TerminalSize): TerminalSize => {
  const { stdout } = useStdout()
  const read = (): TerminalSize => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 })
  const [size, setSize] = useState(read)
  useEffect(() => {
    const onResize = () => setSize(read())
    stdout.on("resize", onResize)
    return () => {
      stdout.off("resize", onResize)
    }
  }, [stdout])
  return fixed ?? size
}
