import { gzipSync } from "node:zlib"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { resolveHttp } from "../../layers/source/http.js"
import { loopback, logText, quickRetry, status, text } from "./loopback.js"

const lines = (count: number) =>
  Array.from({ length: count }, (_, n) => `line ${n} of the build log`).join("\n")

describe("resolveHttp", () => {
  it.scopedLive("streams a plain log as one job with the given outcome, keyed without the query", () =>
    Effect.gen(function* () {
      const server = yield* loopback((_, response) =>
        text(response, "step 1\nerror: boom\n", { "content-length": "19" }),
      )
      const source = yield* resolveHttp(`${server.url}/logs/build-7.log?sig=secret`, { outcome: "failed" })
      expect(source.buildId).toBe(`http:${server.url}/logs/build-7.log`)
      const [job] = Chunk.toArray(yield* Stream.runCollect(source.jobs))
      expect(job).toMatchObject({ name: "build-7.log", outcome: "failed", sizeHint: 19 })
      expect(yield* logText(job!)).toBe("step 1\nerror: boom\n")
    }),
  )

  it.scopedLive("reads a log sent with Content-Encoding: gzip", () =>
    Effect.gen(function* () {
      const body = lines(5000)
      const server = yield* loopback((_, response) =>
        text(response, gzipSync(body), { "content-encoding": "gzip" }),
      )
      const source = yield* resolveHttp(`${server.url}/log`, { outcome: "unknown" })
      const [job] = Chunk.toArray(yield* Stream.runCollect(source.jobs))
      expect(yield* logText(job!)).toBe(body)
    }),
  )

  it.scopedLive("decompresses a .gz body as it streams, in many pieces", () =>
    Effect.gen(function* () {
      const body = lines(50_000)
      const compressed = gzipSync(body)
      const server = yield* loopback((_, response) => {
        response.writeHead(200, { "content-type": "application/gzip" })
        // Split right after the first magic byte, so the sniffing must look across pieces.
        response.write(compressed.subarray(0, 1))
        setTimeout(() => response.end(compressed.subarray(1)), 5)
      })
      const source = yield* resolveHttp(`${server.url}/build.log.gz`, { outcome: "failed" })
      const [job] = Chunk.toArray(yield* Stream.runCollect(source.jobs))
      const pieces = yield* Stream.runCount(job!.bytes)
      expect(pieces).toBeGreaterThan(1)
      expect(yield* logText(job!)).toBe(body)
    }),
  )

  it.scopedLive("opens the log again when its bytes are read a second time", () =>
    Effect.gen(function* () {
      const server = yield* loopback((_, response) => text(response, "again"))
      const source = yield* resolveHttp(`${server.url}/log`, { outcome: "failed" })
      const [job] = Chunk.toArray(yield* Stream.runCollect(source.jobs))
      expect([yield* logText(job!), yield* logText(job!)]).toEqual(["again", "again"])
    }),
  )

  it.scopedLive("fails at once with what was not found, without the URL's query", () =>
    Effect.gen(function* () {
      const server = yield* loopback((_, response) => status(response, 404))
      const error = yield* Effect.flip(resolveHttp(`${server.url}/gone.log?token=abc`, { outcome: "failed" }))
      expect(error.message).toBe(`no log at ${server.url}/gone.log (HTTP 404); check the URL`)
    }),
  )

  it.scopedLive("retries a flaky server", () =>
    Effect.gen(function* () {
      const server = yield* loopback((_, response, self) =>
        self.requests.length < 3 ? status(response, 502) : text(response, "finally"),
      )
      const source = yield* resolveHttp(`${server.url}/log`, { outcome: "failed", retry: quickRetry })
      const [job] = Chunk.toArray(yield* Stream.runCollect(source.jobs))
      expect(yield* logText(job!)).toBe("finally")
    }),
  )

  it.effect("rejects what is not an http(s) URL", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(resolveHttp("ftp://example.com/log", { outcome: "failed" }))
      expect(error.message).toContain("not an http(s) URL")
    }),
  )
})
