import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Redacted } from "effect"
import {
  defaultRetryPolicy,
  describeFailure,
  httpGet,
  readApiUrl,
  readToken,
  retryDelay,
} from "../../layers/source/ciHttp.js"
import { json, loopback, quickRetry, status, text, token } from "./loopback.js"

const advice = { unauthorized: "bad token", forbidden: "needs scope", notFound: "no such thing" }
const millis = (duration: Duration.Duration) => Duration.toMillis(duration)

describe("retryDelay", () => {
  it("waits what Retry-After asks, in seconds or as a date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z")
    expect(millis(retryDelay(0, new Headers({ "retry-after": "7" }), defaultRetryPolicy, now))).toBe(7000)
    const at = new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:12 GMT" })
    expect(millis(retryDelay(0, at, defaultRetryPolicy, now))).toBe(12000)
  })

  it("waits for GitHub's rate-limit reset when the limit is spent", () => {
    const now = Date.parse("2026-01-01T00:00:00Z")
    const headers = new Headers({
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(now / 1000 + 30),
    })
    expect(millis(retryDelay(0, headers, defaultRetryPolicy, now))).toBe(30000)
  })

  it("backs off exponentially without a hint, and never waits longer than the cap", () => {
    expect([0, 1, 2].map((n) => millis(retryDelay(n, undefined, defaultRetryPolicy)))).toEqual([
      1000, 2000, 4000,
    ])
    expect(millis(retryDelay(0, new Headers({ "retry-after": "3600" }), defaultRetryPolicy))).toBe(60000)
  })
})

describe("httpGet", () => {
  it.scopedLive("retries a 429 that names a Retry-After, then answers the success", () =>
    Effect.gen(function* () {
      const server = yield* loopback((_, response, self) =>
        self.requests.length === 1 ? status(response, 429, { "retry-after": "1" }) : text(response, "ok"),
      )
      const response = yield* httpGet({ url: `${server.url}/x`, retry: quickRetry })
      expect(yield* Effect.promise(() => response.text())).toBe("ok")
      expect(server.requests).toHaveLength(2)
    }),
  )

  it.scopedLive("retries a 500, then answers the success", () =>
    Effect.gen(function* () {
      const server = yield* loopback((_, response, self) =>
        self.requests.length === 1 ? status(response, 500) : json(response, { ok: true }),
      )
      const response = yield* httpGet({ url: `${server.url}/x`, retry: quickRetry })
      expect(yield* Effect.promise(() => response.json())).toEqual({ ok: true })
    }),
  )

  it.scopedLive("gives up on a persistent 503 after the retries with a clear line", () =>
    Effect.gen(function* () {
      const server = yield* loopback((_, response) => status(response, 503))
      const failure = yield* Effect.flip(
        httpGet({ url: `${server.url}/builds/1?secret=abc`, retry: quickRetry }),
      )
      expect(server.requests).toHaveLength(4)
      const line = describeFailure(failure, advice).message
      expect(line).toContain("HTTP 503 to 4 attempts")
      expect(line).toContain("try again later")
      expect(line).not.toContain("secret")
    }),
  )

  it.scopedLive("does not retry a 401, 403 or 404, and answers each with the adapter's advice", () =>
    Effect.gen(function* () {
      for (const [code, line] of [
        [401, "bad token"],
        [403, "needs scope"],
        [404, "no such thing"],
      ] as const) {
        const server = yield* loopback((_, response) => status(response, code))
        const failure = yield* Effect.flip(httpGet({ url: `${server.url}/x`, retry: quickRetry }))
        expect(server.requests).toHaveLength(1)
        expect(describeFailure(failure, advice).message).toBe(line)
      }
    }),
  )

  it.scopedLive("reports GitHub's spent rate limit as a rate limit, not as a missing scope", () =>
    Effect.gen(function* () {
      const server = yield* loopback((_, response) => status(response, 403, { "x-ratelimit-remaining": "0" }))
      const failure = yield* Effect.flip(httpGet({ url: `${server.url}/x`, retry: quickRetry }))
      expect(describeFailure(failure, advice).message).toContain("rate limiting")
    }),
  )

  it.scopedLive("sends the token to its own host and not to the host a redirect points at", () =>
    Effect.gen(function* () {
      const blob = yield* loopback((_, response) => text(response, "log body"))
      const api = yield* loopback((_, response) => {
        response.writeHead(302, { location: `${blob.url}/signed?sig=xyz` })
        response.end()
      })
      const response = yield* httpGet({
        url: `${api.url}/logs`,
        token,
        headers: { accept: "x/y" },
        retry: quickRetry,
      })
      expect(yield* Effect.promise(() => response.text())).toBe("log body")
      expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${Redacted.value(token)}`)
      expect(blob.requests[0]?.headers.authorization).toBeUndefined()
      expect(blob.requests[0]?.headers.accept).not.toBe("x/y")
    }),
  )

  it.scopedLive("says which host it cannot reach", () =>
    Effect.gen(function* () {
      // A port nothing listens on: take one from a server, then stop it.
      const port = yield* Effect.scoped(loopback((_, response) => status(response, 200)))
      const failure = yield* Effect.flip(httpGet({ url: `${port.url}/x`, token, retry: quickRetry }))
      const line = describeFailure(failure, advice).message
      expect(line).toMatch(/^cannot reach 127\.0\.0\.1:\d+: ECONNREFUSED/)
      expect(line).not.toContain(Redacted.value(token))
    }),
  )
})

describe("settings", () => {
  const withEnv = (env: Record<string, string>) =>
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

  it.effect("names the variable when the token is missing or empty", () =>
    Effect.gen(function* () {
      const missing = yield* Effect.flip(
        readToken(undefined, ["GITHUB_TOKEN", "GH_TOKEN"], "export it").pipe(withEnv({})),
      )
      expect(missing.message).toBe("GITHUB_TOKEN is not set: export it")
      const empty = yield* Effect.flip(
        readToken(undefined, ["GITHUB_TOKEN"], "export it").pipe(withEnv({ GITHUB_TOKEN: " " })),
      )
      expect(empty.message).toContain("GITHUB_TOKEN is not set")
    }),
  )

  it.effect("takes the first variable that is set", () =>
    Effect.gen(function* () {
      const found = yield* readToken(undefined, ["GITHUB_TOKEN", "GH_TOKEN"], "").pipe(
        withEnv({ GH_TOKEN: "abc" }),
      )
      expect(Redacted.value(found)).toBe("abc")
    }),
  )

  it.effect("reads the API base URL from its variable and rejects one that is not http(s)", () =>
    Effect.gen(function* () {
      const base = yield* readApiUrl(undefined, "GITHUB_API_URL", "https://api.github.com").pipe(
        withEnv({ GITHUB_API_URL: "https://ghe.example/api/v3/" }),
      )
      expect(base).toBe("https://ghe.example/api/v3")
      const bad = yield* Effect.flip(
        readApiUrl(undefined, "GITHUB_API_URL", "x").pipe(withEnv({ GITHUB_API_URL: "ghe.example" })),
      )
      expect(bad.message).toContain("GITHUB_API_URL is not an http(s) URL")
    }),
  )
})
