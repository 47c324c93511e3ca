// Driving an Ink view from a test: press keys the way a terminal sends them, then wait for the next frame.
import { vi } from "vitest"

export const keys = {
  up: "\x1b[A",
  down: "\x1b[B",
  enter: "\r",
  escape: "\x1b",
  backspace: "\x7f",
  ctrlC: "\x03",
} as const

/** Writes `input` and waits until the view shows what `expectation` asserts. */
export const press = async (
  stdin: { write: (data: string) => void },
  input: string,
  expectation: () => void,
): Promise<void> => {
  // Ink attaches its input listener in an effect: give it a turn before the first key.
  await new Promise((resolve) => setImmediate(resolve))
  stdin.write(input)
  await vi.waitFor(expectation, { timeout: 2000, interval: 10 })
}
