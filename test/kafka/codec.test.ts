// The wire form of messages: a chunk's log text travels raw after a JSON line of its fields (readable in any
// Kafka tool, nothing escaped), comes back byte for byte, and a malformed one is refused with a reason.
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { decoder, encoder } from "../../layers/broker/kafka/codec.js"
import { LogChunk } from "../../src/domain/LogChunk.js"
import { RequestId } from "../../src/domain/Request.js"
import { Topics } from "../../src/domain/topics.js"

const text =
  'npm ERR! code ELIFECYCLE\n\u001b[31m✖ "quoted" \\ back\\slash\u001b[0m\r\n\tat main (index.js:1:2)\n'

const chunk = (utf8: Uint8Array | undefined) =>
  new LogChunk({
    requestId: RequestId.make("r-1"),
    buildId: "file:build.log",
    jobName: "build",
    jobOutcome: "failed",
    index: 3,
    firstLine: 40,
    overlap: 2,
    lines: [],
    bytes: 64,
    context: 3,
    totalChunks: 4,
    ...(utf8 === undefined ? {} : { utf8 }),
  })

const encode = encoder(Topics.logsRaw)
const decode = decoder(Topics.logsRaw)

describe("Kafka codec", () => {
  it("sends a chunk's text as it is after one JSON line, and gives back the same bytes", () => {
    const bytes = new TextEncoder().encode(text)
    const wire = Either.getOrThrow(encode(chunk(bytes)))
    const [head, ...rest] = wire.toString("utf8").split("\n")
    expect(JSON.parse(head!)).toMatchObject({ requestId: "r-1", jobName: "build", index: 3, totalChunks: 4 })
    expect(rest.join("\n")).toBe(text)

    const back = Either.getOrThrow(decode(wire))
    expect(Buffer.from(back.utf8!).equals(Buffer.from(bytes))).toBe(true)
    expect(back.firstLine).toBe(40)
    // not a view of the message it arrived in (that would hold the whole fetch response), but a copy in shared
    // memory that a scoring thread reads where it lies
    expect(back.utf8!.buffer).not.toBe(wire.buffer)
    expect(back.utf8!.buffer).toBeInstanceOf(SharedArrayBuffer)
    wire.fill(0)
    expect(Buffer.from(back.utf8!).equals(Buffer.from(bytes))).toBe(true)
  })

  it("keeps a chunk without bytes (lines decoded upstream) as plain JSON", () => {
    const lines = new LogChunk({ ...chunk(undefined), lines: ["a", 'b "c"'] })
    const wire = Either.getOrThrow(encode(lines))
    expect(wire.includes(10)).toBe(false)
    expect(Either.getOrThrow(decode(wire)).lines).toEqual(["a", 'b "c"'])
  })

  it("refuses a chunk whose text stops mid-line, and one whose head is not JSON, saying why", () => {
    const reason = (raw: Buffer) =>
      Either.match(decode(raw), { onLeft: (why) => why, onRight: () => "decoded" })
    const head = JSON.stringify({ ...chunk(undefined) })
    expect(reason(Buffer.from(`${head}\nhalf a line`))).toMatch(
      /^not a destill.logs.raw message: .*whole line/,
    )
    expect(reason(Buffer.from(`${head}\nwhole\n`))).toBe("decoded")
    expect(reason(Buffer.from("{not json\nline\n"))).toMatch(/^not JSON/)
  })
})
