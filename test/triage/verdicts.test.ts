import { describe, expect, it } from "vitest"
import { prepareLine } from "../../src/triage/score.js"
import { triage } from "./analyze.js"
import { noise } from "./logChunk.js"

describe("scoring each distinct line once per chunk", () => {
  it("scores two different lines apart even when the hash they are looked up by is the same", () => {
    // an error line and a warning line whose 32-bit hashes collide: 2 × 200,000 lines hold a few such pairs
    const name = (i: number, odd: number) => (Math.imul(i, odd) >>> 0).toString(36)
    const errors = new Map<number, string>()
    for (let i = 0; i < 200_000; i++) {
      const text = `error: cannot open ${name(i, 2654435761)}`
      errors.set(prepareLine(text)!, text)
    }
    let pair: readonly [string, string] | undefined
    for (let i = 0; pair === undefined && i < 200_000; i++) {
      const text = `warning: cannot open ${name(i, 2246822519)}`
      const error = errors.get(prepareLine(text)!)
      if (error !== undefined) pair = [error, text]
    }
    expect(pair).toBeDefined()
    const [error, warning] = pair!
    const findings = triage([...noise(10), error, ...noise(10, 10), warning, ...noise(10, 20)], { top: 50 })
    const signalsOf = (line: string, among: typeof findings) =>
      among.find((f) => f.lines.includes(line))?.signals
    const alone = (line: string) =>
      signalsOf(line, triage([...noise(10), line, ...noise(10, 10)], { top: 50 }))
    // each scores as it does on its own, and the two differ: one taking the other's score would show
    expect(signalsOf(error, findings)?.[0]).toBe(alone(error)?.[0])
    expect(signalsOf(warning, findings)?.[0]).toBe(alone(warning)?.[0])
    expect(alone(error)?.[0]).not.toBe(alone(warning)?.[0])
  })

  it("gives a line repeated verbatim the same score each time", () => {
    const line = "Error: connect ECONNREFUSED 127.0.0.1:5432"
    const findings = triage([...noise(10), line, ...noise(10, 10), line, ...noise(10, 20)], { top: 50 })
    const repeated = findings.filter((f) => f.lines.includes(line))
    expect(repeated).toHaveLength(1)
    expect(repeated[0]!.occurrences).toBe(2)
  })
})
