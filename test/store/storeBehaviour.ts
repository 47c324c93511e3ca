// What any Store must do, whatever database is behind it; run by the PGlite and PostgreSQL suites.
import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { Finding } from "../../src/domain/Finding.js"
import { Store } from "../../src/services/Store.js"
import { aFinding, aRequest } from "./fixtures.js"

export const storeBehaviour = <E>(name: string, storeLayer: Layer.Layer<Store, E>) =>
  layer(storeLayer, { timeout: 120_000, excludeTestServices: true })(name, (it) => {
    it.effect("returns a request's findings in rank order, as the domain's findings", () =>
      Effect.gen(function* () {
        const store = yield* Store
        const request = aRequest()
        yield* store.createRequest(request)
        const saved = [aFinding(request, 3), aFinding(request, 1), aFinding(request, 2)]
        yield* store.saveFindings(saved)

        const found = yield* store.findings(request.id)
        expect(found.map((finding) => finding.rank)).toEqual([1, 2, 3])
        expect(found[0]).toBeInstanceOf(Finding)
        expect(found[0]).toEqual(saved[1])
      }),
    )

    it.effect("keeps one row per finding when the same findings are saved again", () =>
      Effect.gen(function* () {
        const store = yield* Store
        const request = aRequest()
        yield* store.createRequest(request)
        const findings = [aFinding(request, 1), aFinding(request, 2)]
        yield* store.saveFindings(findings)
        yield* store.saveFindings(findings)
        // A redelivered chunk may carry a re-scored finding: the newer values win.
        yield* store.saveFindings([aFinding(request, 2, { confidence: 0.42 })])

        const found = yield* store.findings(request.id)
        expect(found.map((finding) => finding.id)).toEqual(findings.map((finding) => finding.id))
        expect(found[1]?.confidence).toBe(0.42)
      }),
    )

    it.effect("saves a large set of findings across batches, and nothing of a set that fails", () =>
      Effect.gen(function* () {
        const store = yield* Store
        const request = aRequest()
        yield* store.createRequest(request)
        const many = Array.from({ length: 1_200 }, (_, index) => aFinding(request, index + 1))
        yield* store.saveFindings(many)
        expect((yield* store.findings(request.id)).length).toBe(1_200)

        const other = aRequest()
        yield* store.createRequest(other)
        const orphan = aFinding(aRequest(), 1)
        const failing = [...Array.from({ length: 700 }, (_, index) => aFinding(other, index + 1)), orphan]
        const error = yield* Effect.flip(store.saveFindings(failing))
        expect(error._tag).toBe("StoreError")
        expect(error.message).toMatch(/^the store could not save 701 findings: /)
        expect(yield* store.findings(other.id)).toEqual([])
      }),
    )

    it.effect("finds a finding by a word in its lines, best match first", () =>
      Effect.gen(function* () {
        const store = yield* Store
        const request = aRequest()
        yield* store.createRequest(request)
        const word = `frobnicator${Date.now().toString(36)}`
        const hit = aFinding(request, 2, {
          lines: [
            `java.lang.IllegalStateException: ${word} was not initialised`,
            "\tat com.acme.Main.run(Main.java:42)",
          ],
        })
        yield* store.saveFindings([aFinding(request, 1), hit, aFinding(request, 3)])

        const found = yield* store.searchFindings(word, 10)
        expect(found.map((finding) => finding.id)).toEqual([hit.id])
        // A part of a dotted name, and the full name, both find it.
        const byClass = yield* store.searchFindings(`IllegalStateException ${word}`, 10)
        expect(byClass.map((finding) => finding.id)).toEqual([hit.id])
        const byFullName = yield* store.searchFindings(`java.lang.IllegalStateException ${word}`, 10)
        expect(byFullName.map((finding) => finding.id)).toEqual([hit.id])
        expect(yield* store.searchFindings(`${word} -initialised`, 10)).toEqual([])
        // Whatever a user types must not be a syntax error.
        yield* store.searchFindings(`"unclosed quote & | ! (`, 10)
      }),
    )

    it.effect("lists a failed run as failed, never complete", () =>
      Effect.gen(function* () {
        const store = yield* Store
        const request = aRequest()
        yield* store.createRequest(request)
        yield* store.saveFindings([aFinding(request, 1)])
        yield* store.finishRequest(request.id, "failed", { error: "the log ended in a truncated gzip" })

        const stored = Option.getOrThrow(yield* store.getRequest(request.id))
        expect(stored.status).toBe("failed")
        expect(stored.error).toBe("the log ended in a truncated gzip")
        const listed = (yield* store.listRequests(1_000)).find((entry) => entry.request.id === request.id)
        expect(listed?.status).toBe("failed")
      }),
    )

    it.effect("lists requests newest first, with their state, stats and top finding", () =>
      Effect.gen(function* () {
        const store = yield* Store
        const base = Date.now() + 10_000_000
        const older = aRequest({ createdAt: base, source: "older.log" })
        const newer = aRequest({ createdAt: base + 1_000, source: "newer.log" })
        yield* store.createRequest(older)
        yield* store.createRequest(newer)
        // A redelivered request message must not reset or duplicate it.
        yield* store.createRequest(newer)
        yield* store.saveFindings([
          aFinding(newer, 2),
          aFinding(newer, 1, { message: "OOMKilled: exit code 137" }),
        ])
        const stats = { lines: 12_000, bytes: 1_048_576, chunks: 3, durationMs: 840 }
        yield* store.finishRequest(newer.id, "complete", { stats })

        const [first, second] = yield* store.listRequests(2)
        expect(first?.request).toEqual(newer)
        expect(first?.status).toBe("complete")
        expect(first?.stats).toEqual(stats)
        expect(first?.topMessage).toBe("OOMKilled: exit code 137")
        expect(second?.request).toEqual(older)
        expect(second?.status).toBe("running")
        expect(second?.topMessage).toBeNull()
      }),
    )

    it.effect("says so when finishing or reading a request it never saw", () =>
      Effect.gen(function* () {
        const store = yield* Store
        const error = yield* Effect.flip(store.finishRequest("req-missing", "complete", {}))
        expect(error.message).toBe("the store could not mark request req-missing complete: no such request")
        expect(Option.isNone(yield* store.getRequest("req-missing"))).toBe(true)
        expect(yield* store.findings("req-missing")).toEqual([])
      }),
    )
  })
