// kafkajs as the Kafka layer loads it: the faster CRC-32C sums exactly as kafkajs' own, and the encoder that
// references large buffers instead of copying them writes exactly the bytes kafkajs' unchanged encoder writes,
// whatever mix of writes, nested encoders and reads of `.buffer` a request is built from.
import { createRequire } from "node:module"
import { randomBytes } from "node:crypto"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { crc32c, installedBeforeKafkajs, Kafka } from "../../layers/broker/kafka/kafkajs.js"

const require = createRequire(import.meta.url)

interface AnyEncoder {
  readonly buffer: Buffer
  size(): number
  [write: string]: unknown
}
type EncoderClass = new () => AnyEncoder

const encoderPath = require.resolve("kafkajs/src/protocol/encoder.js")
const Patched = require(encoderPath) as EncoderClass
/** kafkajs' encoder as shipped: loaded afresh beside the patched one, then the patched one put back. */
const Pristine = (() => {
  const patched = require.cache[encoderPath]
  delete require.cache[encoderPath]
  try {
    return require(encoderPath) as EncoderClass
  } finally {
    require.cache[encoderPath] = patched
  }
})()
const kafkajsCrc = require("kafkajs/src/protocol/recordBatch/crc32C/crc32C.js") as (bytes: Buffer) => number

type Op =
  | { readonly kind: "int8" | "int16" | "int32"; readonly value: number }
  | { readonly kind: "int64"; readonly value: bigint }
  | { readonly kind: "varInt"; readonly value: number }
  | { readonly kind: "string"; readonly value: string | null }
  | { readonly kind: "bytes" | "varIntBytes"; readonly size: number }
  | { readonly kind: "encoder" | "encoderArray"; readonly inner: ReadonlyArray<ReadonlyArray<Op>> }
  | { readonly kind: "read" }

const op: fc.Memo<Op> = fc.memo((depth) =>
  fc.oneof(
    fc.record({ kind: fc.constant("int8" as const), value: fc.integer({ min: -128, max: 127 }) }),
    fc.record({ kind: fc.constant("int16" as const), value: fc.integer({ min: -32768, max: 32767 }) }),
    fc.record({ kind: fc.constant("int32" as const), value: fc.integer() }),
    fc.record({
      kind: fc.constant("int64" as const),
      value: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    }),
    fc.record({ kind: fc.constant("varInt" as const), value: fc.integer() }),
    fc.record({ kind: fc.constant("string" as const), value: fc.option(fc.string({ unit: "grapheme" })) }),
    // around the 16 KB above which buffers are referenced, and well past it
    fc.record({
      kind: fc.constantFrom("bytes" as const, "varIntBytes" as const),
      size: fc.oneof(fc.nat(600), fc.integer({ min: 16 * 1024 - 8, max: 16 * 1024 + 8 }), fc.nat(300_000)),
    }),
    fc.constant({ kind: "read" as const }),
    ...(depth > 1
      ? [
          fc.record({
            kind: fc.constantFrom("encoder" as const, "encoderArray" as const),
            inner: fc.array(fc.array(op(depth - 1), { maxLength: 6 }), { minLength: 1, maxLength: 3 }),
          }),
        ]
      : []),
  ),
)

const Long = require("kafkajs/src/utils/long.js") as { fromString(text: string): unknown }

const scalarWrites = {
  int8: "writeInt8",
  int16: "writeInt16",
  int32: "writeInt32",
  varInt: "writeVarInt",
  string: "writeString",
} as const
const bytesWrites = { bytes: "writeBytes", varIntBytes: "writeVarIntBytes" } as const

/** Applies `ops` to a new encoder of `Encoder`; `payload` gives the same bytes to both encoders. */
const build = (
  Encoder: EncoderClass,
  ops: ReadonlyArray<Op>,
  payload: (size: number) => Buffer,
): AnyEncoder => {
  const encoder = new Encoder()
  const call = (name: string, ...args: Array<unknown>) =>
    (encoder[name] as (...a: Array<unknown>) => unknown).apply(encoder, args)
  for (const o of ops) {
    if (o.kind === "int64") call("writeInt64", Long.fromString(o.value.toString()))
    else if ("size" in o) call(bytesWrites[o.kind], payload(o.size))
    else if ("inner" in o) {
      const inner = o.inner.map((innerOps) => build(Encoder, innerOps, payload))
      if (o.kind === "encoderArray") call("writeEncoderArray", inner)
      else for (const each of inner) call("writeEncoder", each)
    } else if (o.kind === "read") void encoder.buffer
    else call(scalarWrites[o.kind], o.value)
  }
  return encoder
}

const pool = randomBytes(400_000)

describe("kafkajs as the Kafka layer loads it", () => {
  it("is loaded with the faster CRC in place", () => {
    expect(typeof Kafka).toBe("function")
    expect(installedBeforeKafkajs()).toBe(true)
  })

  it("sums record batches exactly as kafkajs' own CRC-32C", () => {
    fc.assert(
      fc.property(fc.nat(pool.length - 1), fc.nat(5000), (start, length) => {
        const bytes = pool.subarray(start, Math.min(pool.length, start + length))
        expect(crc32c(bytes)).toBe(kafkajsCrc(bytes))
      }),
      { numRuns: 300 },
    )
    expect(crc32c(pool)).toBe(kafkajsCrc(pool))
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283)
  })

  it("encodes exactly the bytes of kafkajs' own encoder", () => {
    fc.assert(
      fc.property(fc.array(op(3), { maxLength: 12 }), fc.nat(1000), (ops, shift) => {
        const payload = (size: number) => pool.subarray(shift, shift + size)
        const expected = build(Pristine, ops, payload)
        const actual = build(Patched, ops, payload)
        expect(actual.size()).toBe(expected.size())
        expect(actual.buffer.equals(expected.buffer)).toBe(true)
        // and again, once gathered
        expect(actual.size()).toBe(expected.size())
        expect(actual.buffer.equals(expected.buffer)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it("builds record batches exactly as kafkajs' own RecordBatch", async () => {
    const batchPath = require.resolve("kafkajs/src/protocol/recordBatch/v0/index.js")
    type Batch = (options: Record<string, unknown>) => Promise<AnyEncoder>
    const ours = (require(batchPath) as { RecordBatch: Batch }).RecordBatch
    const kafkajs = (() => {
      const patched = require.cache[batchPath]
      delete require.cache[batchPath]
      try {
        return (require(batchPath) as { RecordBatch: Batch }).RecordBatch
      } finally {
        require.cache[batchPath] = patched
      }
    })()
    expect(ours).not.toBe(kafkajs)
    const Record = require("kafkajs/src/protocol/recordBatch/record/v0/index.js") as (record: {
      offsetDelta: number
      value: Buffer
    }) => AnyEncoder
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.nat(100), fc.nat(200_000)), { maxLength: 5 }),
        fc.boolean(),
        fc.nat(1000),
        async (sizes, transactional, sequence) => {
          const options = () => ({
            firstTimestamp: 1_700_000_000_000,
            maxTimestamp: 1_700_000_000_500,
            lastOffsetDelta: Math.max(0, sizes.length - 1),
            transactional,
            firstSequence: sequence,
            producerEpoch: 3,
            records: sizes.map((size, offsetDelta) => Record({ offsetDelta, value: pool.subarray(0, size) })),
          })
          const [expected, actual] = [await kafkajs(options()), await ours(options())]
          expect(actual.size()).toBe(expected.size())
          expect(actual.buffer.equals(expected.buffer)).toBe(true)
        },
      ),
      { numRuns: 60 },
    )
  })

  it("sends a produce request kafkajs decodes back to the same records", async () => {
    const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0/index.js") as {
      RecordBatch: (batch: { records: ReadonlyArray<unknown> }) => Promise<AnyEncoder>
    }
    const Record = require("kafkajs/src/protocol/recordBatch/record/v0/index.js") as (record: {
      offsetDelta: number
      key: Buffer
      value: Buffer
      headers: Record<string, string>
    }) => AnyEncoder
    const RecordBatchDecoder = require("kafkajs/src/protocol/recordBatch/v0/decoder.js") as (
      decoder: unknown,
    ) => Promise<{ records: ReadonlyArray<{ key: Buffer; value: Buffer; headers: Record<string, Buffer> }> }>
    const Decoder = require("kafkajs/src/protocol/decoder.js") as new (buffer: Buffer) => {
      readInt32(): number
    }
    const values = [pool.subarray(0, 10), pool.subarray(5, 5 + 520_000), pool.subarray(7, 7 + 16 * 1024)]
    const batch = await RecordBatch({
      records: values.map((value, offsetDelta) =>
        Record({ offsetDelta, key: Buffer.from(`k${offsetDelta}`), value, headers: { h: "v" } }),
      ),
    })
    // first offset (8 bytes), batch length (4), leader epoch (4), magic (1), CRC (4) of the rest
    const bytes = batch.buffer
    expect(bytes.readUInt32BE(17)).toBe(kafkajsCrc(bytes.subarray(21)))
    const decoded = await RecordBatchDecoder(new Decoder(bytes))
    expect(
      decoded.records.map((r) => [
        r.key.toString(),
        Buffer.compare(r.value, values[decoded.records.indexOf(r)]!),
      ]),
    ).toEqual([
      ["k0", 0],
      ["k1", 0],
      ["k2", 0],
    ])
    expect(decoded.records.every((r) => r.headers["h"]?.toString() === "v")).toBe(true)
  })
})
