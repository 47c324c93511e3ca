// Loopback HTTP servers for the source tests: each answers like the real API would and records what it was
// sent; the server lives in the test's scope, so it stops also when the test fails.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, Redacted, Stream } from "effect"
import type { RetryPolicy } from "../../layers/source/ciHttp.js"
import type { SourceJob } from "../../src/services/LogSource.js"

export interface RecordedRequest {
  readonly path: string
  readonly headers: IncomingHttpHeaders
}

export interface Loopback {
  /** http://127.0.0.1:port, no trailing slash. */
  readonly url: string
  readonly requests: Array<RecordedRequest>
}

export type Handler = (request: IncomingMessage, response: ServerResponse, server: Loopback) => void

export const loopback = (handler: Handler) =>
  Effect.acquireRelease(
    Effect.async<{ server: ReturnType<typeof createServer>; loop: Loopback }>((resume) => {
      const requests: Array<RecordedRequest> = []
      const loop = { url: "", requests }
      const server = createServer((request, response) => {
        requests.push({ path: request.url ?? "", headers: request.headers })
        handler(request, response, loop)
      })
      server.listen(0, "127.0.0.1", () => {
        loop.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
        resume(Effect.succeed({ server, loop }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      }),
  ).pipe(Effect.map(({ loop }) => loop))

export const json = (response: ServerResponse, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(200, { "content-type": "application/json", ...headers })
  response.end(JSON.stringify(body))
}

export const status = (response: ServerResponse, code: number, headers: Record<string, string> = {}) => {
  response.writeHead(code, { "content-type": "application/json", ...headers })
  response.end(JSON.stringify({ message: `status ${code}` }))
}

export const text = (
  response: ServerResponse,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
) => {
  response.writeHead(200, { "content-type": "text/plain", ...headers })
  response.end(body)
}

/** Retries that do not slow the suite down. */
export const quickRetry: RetryPolicy = {
  retries: 3,
  baseDelay: "1 millis",
  maxDelay: "5 millis",
  timeout: "10 seconds",
}

export const token = Redacted.make("s3cret-token-value")

export const logText = (job: SourceJob) => {
  const decoder = new TextDecoder()
  return Stream.runFold(job.bytes, "", (text, bytes) => text + decoder.decode(bytes, { stream: true }))
}

export const pathOf = (request: IncomingMessage) => new URL(request.url ?? "/", "http://loopback").pathname
