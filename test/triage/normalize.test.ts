import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  hashText,
  needsKind,
  needsOf,
  needsOfJs,
  normalizeLine,
  timesDurationsNumbers,
  wasmTimesDurationsNumbers,
} from "../../src/triage/normalize.js"

const word = fc.stringMatching(/^[a-zA-Z:_/.()=-]{1,12}$/)
const volatile = fc.oneof(
  fc.nat().map(String),
  fc.uuid(),
  fc.nat().map((n) => `0x${n.toString(16)}`),
  fc.nat({ max: 5000 }).map((n) => `${n}ms`),
  fc
    .date({ min: new Date(2000, 0, 1), max: new Date(2090, 0, 1), noInvalidDate: true })
    .map((d) => d.toISOString()),
)
/** A line template: words with volatile slots between them. */
const template = fc.array(fc.oneof(word, fc.constant(null)), { minLength: 1, maxLength: 8 })

/** The duration rule's units, as its regex spells them (`µs` aside: it is not ASCII). */
const DURATION_UNITS = [
  ...["ns", "us", "ms", "s", "sec", "secs", "second", "seconds"],
  ...["m", "min", "mins", "minute", "minutes", "h", "hour", "hours"],
]

const fill = (parts: ReadonlyArray<string | null>, values: ReadonlyArray<string>): string =>
  parts.map((part, i) => part ?? values[i % values.length]!).join(" ")

describe("normalizeLine", () => {
  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (line) => {
        const once = normalizeLine(line)
        expect(normalizeLine(once)).toBe(once)
      }),
    )
  })

  it("maps lines that differ only in numbers, uuids, hex, durations or timestamps to one text", () => {
    fc.assert(
      fc.property(
        template,
        fc.array(volatile, { minLength: 1, maxLength: 4 }),
        fc.array(volatile, { minLength: 1, maxLength: 4 }),
        (parts, a, b) => {
          fc.pre(a.length === b.length)
          // volatile values of the same kind must fill the same slots
          const kinds = (values: ReadonlyArray<string>) => values.map((v) => normalizeLine(v))
          fc.pre(kinds(a).join() === kinds(b).join())
          expect(normalizeLine(fill(parts, a))).toBe(normalizeLine(fill(parts, b)))
        },
      ),
    )
  })

  it("replaces each kind of volatile token with its placeholder", () => {
    expect(
      normalizeLine(
        "2024-01-02T03:04:05.123Z worker 42 id 123e4567-e89b-12d3-a456-426614174000 at 0x7ffd took 350ms in /tmp/build-x1/a.c",
      ),
    ).toBe("<ts> worker <n> id <uuid> at <hex> took <dur> in <tmp>")
  })

  it("hashes with SHA-256", () => {
    expect(hashText("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  })
})

describe("normalizeLine's shortcuts", () => {
  // the rules run one after the other on every line, as normalizeLine did before it skipped idle ones
  const everyRule = (cleaned: string): string => {
    const rules: ReadonlyArray<readonly [RegExp, string]> = [
      [/\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?/g, "<ts>"],
      [/\b\d\d:\d\d:\d\d(?:[.,]\d+)?\b/g, "<time>"],
      [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
      [
        /(?:\/tmp|\/var\/folders|\/private\/var|C:\\Users\\[^\\\s]+\\AppData\\Local\\Temp)[^\s:'"),]*/gi,
        "<tmp>",
      ],
      [/\b0x[0-9a-f]+\b/gi, "<hex>"],
      [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/gi, "<hex>"],
      [/\b\d+(?:\.\d+)?\s?(?:ns|µs|us|ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)\b/g, "<dur>"],
      [/\d+(?:\.\d+)?/g, "<n>"],
    ]
    let text = cleaned.trim()
    if (!/[0-9]|\/tmp|\/var\/folders|\/private\/var|Temp/.test(text)) return text
    for (const [pattern, placeholder] of rules) text = text.replace(pattern, placeholder)
    return text
  }
  const piece = fc.oneof(
    fc.stringMatching(/^[0-9a-fA-FxX:.\- T/Z]{1,14}$/),
    fc.uuid(),
    fc.constantFrom("/tmp/x1", "0x1f", "12:30:01.5", "2024-05-14T10:00:00Z", "deadbeef7", "ms", " "),
    fc.constantFrom("/TMP/y", "/var/folders/a", "/Private/Var/b", "C:\\Users\\bo b\\AppData\\Local\\Temp\\x"),
    fc.constantFrom("c:", "Temp", "2024-05-14 10:00:00,5+02:00", "-", "0X", "/"),
    // what the one-pass time, duration and number rules must get right: units and what may end or join them
    fc.constantFrom(...DURATION_UNITS, "µs"),
    fc.constantFrom("5", "12", "3.5", "07:", "1.", ".", ",", "_", "a", "x", "Z", "\u00a0", "\t", "10:00:00"),
    fc.stringMatching(/^[0-9.,: smhµa_]{1,10}$/),
  )

  it("gives what running every rule gives", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (parts) => {
        const line = parts.join("")
        expect(normalizeLine(line)).toBe(everyRule(line))
      }),
      { numRuns: Number(process.env["NORMALIZE_RUNS"] ?? 5000) },
    )
  })
})

describe("needsOf", () => {
  it("runs in WebAssembly on Node and finds what the JavaScript walk finds", () => {
    expect(needsKind()).toBe("wasm")
    const piece = fc.oneof(
      fc.constantFrom(
        "12:30:01",
        "2024-05-14",
        "0x1f",
        "0X",
        "deadbee",
        "/tmp",
        "/var/folders",
        "/private/var",
      ),
      fc.constantFrom(
        "/T",
        "/v",
        "/P",
        "c:",
        "C:",
        "Temp",
        "temp",
        "1",
        ":",
        "-",
        "/",
        "é",
        "✗",
        "\ud800",
        " ",
      ),
      fc.string({ maxLength: 6 }),
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (parts) => {
        const text = parts.join("")
        expect(needsOf(text)).toBe(needsOfJs(text))
      }),
      { numRuns: 20000 },
    )
    // a long text, then a short one: nothing of the first may be read as part of the second
    const long = "2024-05-14 12:30:01 /tmp/x 0x1f " + "a".repeat(50)
    expect(needsOf(long)).toBe(needsOfJs(long))
    for (const text of ["1", "12:30:0", "2024-05-1", "/tm", "Tem", "c", "0"])
      expect(needsOf(text)).toBe(needsOfJs(text))
  })
})

describe("timesDurationsNumbers in WebAssembly", () => {
  // the shapes the time, duration and number rules tell apart, and what may join or end them
  const piece = fc.oneof(
    fc.constantFrom(
      "12:30:01",
      "12:30:01.5",
      "1:2:3",
      "12:3",
      "07:",
      "2024",
      "00:00:00,5a",
      "9.9.9",
      "1.",
      "3.5",
    ),
    fc.constantFrom(...DURATION_UNITS, "hr", "msx", "Ms", "secondss"),
    fc.constantFrom(" ", "\t", "\v", "\f", ".", ",", ":", "_", "-", "/", "a", "x", "Z", "<n>"),
    fc.stringMatching(/^[0-9.,: smh_a-z]{1,10}$/),
  )

  it("gives what the JavaScript walk gives, on every ASCII text", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (parts) => {
        const text = parts.join("")
        expect(wasmTimesDurationsNumbers(text)).toBe(timesDurationsNumbers(text))
      }),
      { numRuns: 20000 },
    )
  })

  it("leaves a text that is not ASCII to the JavaScript walk, and reads nothing of a longer text before", () => {
    expect(wasmTimesDurationsNumbers("took 5ms ✓")).toBeUndefined()
    expect(wasmTimesDurationsNumbers("12:30:01.123456 took 1.5 seconds after 300ms")).toBe(
      "<time> took <dur> after <dur>",
    )
    // the bytes of the text before lie past this one's end: `1` must not read them as `1.123456` or `1:30:01`
    for (const text of ["1", "12:30:0", "5 s", "1.", "3"])
      expect(wasmTimesDurationsNumbers(text)).toBe(timesDurationsNumbers(text))
  })
})
