// Shared test set-up: a real embedded store in a temp dir, and teacher answers that read like real ones
// but never collide unless a test wants them to.
import { Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { DistillSqlLive } from "../../layers/store/DistillSql.js"
import { PgliteClientLive } from "../../layers/store/pglite.js"
import type { GenerateRequest } from "../../src/services/LanguageModel.js"

export const tempDir = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix))

export const repoLayer = (dataDir: string) =>
  DistillSqlLive.pipe(Layer.provide(PgliteClientLive({ dataDir })))

const vocabulary = (
  "account invoice charge card refund parcel courier label warehouse tracking delay customs address payment " +
  "balance statement receipt discount coupon subscription renewal cancel upgrade plan billing cycle tax " +
  "currency transfer bank wallet fee credit debit dispute chargeback return exchange damaged missing order " +
  "checkout cart price quote estimate delivery pickup locker signature weekend holiday express standard"
).split(" ")

/** A deterministic sentence of `n` words for `key`: different keys share almost no word triples. */
export const wordsFor = (key: string, n = 24): string => {
  let h = 2166136261
  for (const c of key) h = Math.imul(h ^ c.charCodeAt(0), 16777619)
  const out: Array<string> = []
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ (h >>> 15), 2246822507) ^ i
    out.push(vocabulary[(h >>> 0) % vocabulary.length]!)
  }
  return out.join(" ") + "."
}

/** The task a request is for ("billing-3"), from the first prompt of the conversation. */
export const taskKey = (request: GenerateRequest<unknown, unknown>): string => {
  const prompts = request.messages.filter((m) => m.role === "user").map((m) => m.content)
  const original = prompts.find((p) => p.startsWith("Topic:") && !p.includes("passwords")) ?? prompts[0] ?? ""
  const match = /Topic: (\S+) \(variation (\d+)\)/.exec(original)
  return match === null ? "unknown" : `${match[1]}-${match[2]}`
}

export const isRetry = (request: GenerateRequest<unknown, unknown>): boolean =>
  request.messages.some((m) => m.role === "user" && m.content.startsWith("That answer was rejected"))

export const simpleAnswer = (key: string) => ({
  instruction: `Question about ${key}: ${wordsFor(`${key}/q`, 10)}`,
  response: `Here is what to do: ${wordsFor(`${key}/a`, 30)}`,
})
