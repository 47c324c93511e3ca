import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { Finding } from "../../src/domain/Finding.js"

describe("Finding schema", () => {
  it("rejects a finding without its line range", () => {
    const decode = Schema.decodeUnknownEither(Finding)
    expect(decode({ id: "x" })._tag).toBe("Left")
  })
})
