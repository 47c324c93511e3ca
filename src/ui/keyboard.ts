// Where the views read keys from: stdin when it is a terminal, else the controlling terminal (stdin may be the
// log itself, as in `destill analyze - < build.log`); none when there is no terminal at all.
import { openSync } from "node:fs"
import { ReadStream } from "node:tty"

export interface Keyboard {
  readonly stream: NodeJS.ReadStream | undefined
  readonly close: () => void
}

export const openKeyboard = (): Keyboard => {
  if (process.stdin.isTTY) return { stream: process.stdin, close: () => undefined }
  try {
    const tty = new ReadStream(openSync("/dev/tty", "r"))
    return { stream: tty as unknown as NodeJS.ReadStream, close: () => tty.destroy() }
  } catch {
    return { stream: undefined, close: () => undefined }
  }
}
