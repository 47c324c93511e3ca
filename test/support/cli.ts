// Runs the built destill binary the way a user does, capturing what they would see.
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"

export const binary = path.resolve(import.meta.dirname, "../../dist/bundle/cli.js")

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export interface CliOptions {
  readonly stdin?: string | Buffer | "closed"
  readonly env?: Record<string, string>
}

export const runCli = (args: ReadonlyArray<string>, options: CliOptions = {}): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binary, ...args], {
      env: { ...process.env, NO_COLOR: "1", DESTILL_QUIET: "1", ...options.env },
      stdio: [options.stdin === "closed" ? "ignore" : "pipe", "pipe", "pipe"],
    })
    let stdout = ""
    let stderr = ""
    child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d))
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
    if (child.stdin) {
      child.stdin.on("error", () => undefined) // the CLI may exit before reading everything
      if (options.stdin !== undefined && options.stdin !== "closed") child.stdin.end(options.stdin)
      else child.stdin.end()
    }
  })

/** A fresh directory removed by the returned function. */
export const tempDir = (prefix: string): { readonly dir: string; readonly remove: () => void } => {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
