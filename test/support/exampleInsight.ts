// A grounded answer for examples/failing-build.log (its lines 51–52 hold the assertion that failed), as a scripted
// provider gives it in the CLI and distributed tests.
import * as path from "node:path"

export const exampleLog = path.resolve(import.meta.dirname, "../../examples/failing-build.log")

export const exampleAnswer = {
  summary: "The checkout totals test fails: the grand total is 109.07 instead of 107.99.",
  rootCause: "computeTotals applies the WINTER10 discount after tax instead of before it.",
  category: "test",
  evidence: [{ lineStart: 51, lineEnd: 52, quote: "Expected: 107.99" }],
  suggestedFix: "Apply the discount before computing tax in computeTotals.",
  confidence: 0.8,
}
