// kafkajs as every module of this layer loads it, with three changes to how it encodes what it sends. The bytes on
// the wire are exactly kafkajs' own (test/kafka/kafkajs.test.ts holds each change to kafkajs' code), so any
// broker reads them the same; only the CPU they cost changes, and for a 500 KB log chunk that was most of the
// ingest agent's.
//
// - A record batch's CRC-32C is computed eight bytes at a step (slicing-by-8) instead of one: 3× faster.
// - kafkajs builds a request by nesting encoders (record → batch body → batch → partition → topic → produce →
//   request → size-prefixed frame), each copying the one inside it into a buffer of its own that doubles as it
//   grows, zero-filled: a chunk was copied nine times into 9 MB of fresh off-heap memory, and V8 answered that
//   with a full collection every few chunks. Here a buffer of 16 KB or more is referenced where it goes, not
//   copied, and gathered once where kafkajs asks for an encoder's bytes (the socket write).
// - An uncompressed record batch is summed part by part and framed without asking for its bytes whole, which
//   kafkajs' RecordBatch does twice (for the CRC, and to prefix the batch's length).
//
// All three replace kafkajs internals (its `src/protocol` modules, version 2.2.4 as pinned in package.json), and
// the CRC and RecordBatch must be in place before kafkajs first loads: import kafkajs' values from here, never
// from "kafkajs" itself (types are fine; the linter refuses value imports of "kafkajs" anywhere else).
import { createRequire, Module } from "node:module"
import type * as KafkaJs from "kafkajs"

const require = createRequire(import.meta.url)

// ── CRC-32C (Castagnoli), slicing-by-8 ──────────────────────────────────────────────────────────────────────
const crcTable = (() => {
  const table = new Int32Array(8 * 256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
    table[n] = c
  }
  for (let n = 0; n < 256; n++) {
    let c = table[n]!
    for (let k = 1; k < 8; k++) {
      c = table[c & 0xff]! ^ (c >>> 8)
      table[k * 256 + n] = c
    }
  }
  return table
})()

/** CRC-32C of `bytes`, unsigned: what kafkajs' `protocol/recordBatch/crc32C` returns. */
export const crc32c = (bytes: Uint8Array): number => (crcUpdate(-1, bytes) ^ -1) >>> 0

/** The running CRC register after `bytes` (start from -1; the sum is the final register inverted). */
const crcUpdate = (register: number, bytes: Uint8Array): number => {
  const t = crcTable
  const n = bytes.length
  const whole = n - (n & 7)
  let crc = register
  let i = 0
  while (i < whole) {
    const low = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) ^ crc
    crc =
      t[1792 + (low & 0xff)]! ^
      t[1536 + ((low >>> 8) & 0xff)]! ^
      t[1280 + ((low >>> 16) & 0xff)]! ^
      t[1024 + (low >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!
    i += 8
  }
  while (i < n) crc = t[(crc ^ bytes[i++]!) & 0xff]! ^ (crc >>> 8)
  return crc
}

// ── Encoder: large buffers referenced, gathered once ─────────────────────────────────────────────────────────
/** Buffers at least this large are referenced rather than copied; smaller ones are cheaper to copy. */
const referenceBytes = 16 * 1024

/** kafkajs' Encoder as this patch sees it: `buf`/`offset` is the tail still written into, `parts` what precedes it. */
interface Encoder {
  buf: Buffer
  offset: number
  parts?: Array<Buffer>
  partsBytes?: number
  readonly buffer: Buffer
  size(): number
  ensureAvailable(length: number): void
  writeInt32(value: number): Encoder
  writeBufferInternal(buffer: Buffer): void
}

const nextPowerOfTwo = (value: number) => 2 ** Math.ceil(Math.log2(Math.max(value, 1)))

const isEncoder = (value: unknown): value is Encoder =>
  typeof value === "object" && value !== null && Buffer.isBuffer((value as Encoder).buf)

/** Appends `part` by reference, after the tail written so far (which becomes a part; writing goes on after it). */
const appendPart = (encoder: Encoder, part: Buffer) => {
  const parts = (encoder.parts ??= [])
  if (encoder.offset > 0) {
    parts.push(encoder.buf.subarray(0, encoder.offset))
    encoder.partsBytes = (encoder.partsBytes ?? 0) + encoder.offset
    encoder.buf = encoder.buf.subarray(encoder.offset)
    encoder.offset = 0
  }
  if (part.length === 0) return
  parts.push(part)
  encoder.partsBytes = (encoder.partsBytes ?? 0) + part.length
}

/** Another encoder's bytes: its parts by reference, its tail copied if small. Nothing is gathered. */
const appendEncoder = (encoder: Encoder, inner: Encoder) => {
  for (const part of inner.parts ?? []) appendPart(encoder, part)
  encoder.writeBufferInternal(inner.buf.subarray(0, inner.offset))
}

const patchEncoder = (EncoderClass: { prototype: Encoder }) => {
  const proto = EncoderClass.prototype as Encoder & Record<string, unknown>
  const writeBytes = proto["writeBytes"] as (this: Encoder, value: unknown) => Encoder
  Object.assign(proto, {
    ensureAvailable(this: Encoder, length: number) {
      if (this.offset + length <= this.buf.length) return
      // never read past `offset`, so it need not be zero-filled
      const grown = Buffer.allocUnsafe(nextPowerOfTwo(this.offset + length))
      this.buf.copy(grown, 0, 0, this.offset)
      this.buf = grown
    },
    writeBufferInternal(this: Encoder, buffer: Buffer) {
      if (buffer.length >= referenceBytes) return appendPart(this, buffer)
      this.ensureAvailable(buffer.length)
      buffer.copy(this.buf, this.offset, 0)
      this.offset += buffer.length
    },
    writeEncoder(this: Encoder, value: unknown) {
      if (!isEncoder(value)) throw new Error("value should be an instance of Encoder")
      appendEncoder(this, value)
      return this
    },
    writeEncoderArray(this: Encoder, values: unknown) {
      if (!Array.isArray(values) || !values.every(isEncoder)) {
        throw new Error("all values should be an instance of Encoder[]")
      }
      for (const value of values) appendEncoder(this, value)
      return this
    },
    // kafkajs reserves room for the bytes first: for a large buffer that would be a tail buffer never written
    writeBytes(this: Encoder, value: unknown) {
      if (!Buffer.isBuffer(value) || value.length < referenceBytes) return writeBytes.call(this, value)
      this.writeInt32(value.length)
      appendPart(this, value)
      return this
    },
    size(this: Encoder) {
      return (this.partsBytes ?? 0) + this.offset
    },
  })
  Object.defineProperty(proto, "buffer", {
    configurable: true,
    get(this: Encoder) {
      if (this.parts === undefined || this.parts.length === 0) return this.buf.subarray(0, this.offset)
      // gathered once: the encoder now holds exactly these bytes, and any later write grows a copy of them
      const whole = Buffer.concat([...this.parts, this.buf.subarray(0, this.offset)])
      this.parts = []
      this.partsBytes = 0
      this.buf = whole
      this.offset = whole.length
      return whole
    },
  })
}

// ── Record batches: summed and framed without gathering ──────────────────────────────────────────────────────
interface RecordBatchOptions {
  readonly compression?: number
  readonly firstOffset?: unknown
  readonly firstTimestamp?: number
  readonly maxTimestamp?: number
  readonly partitionLeaderEpoch?: number
  readonly lastOffsetDelta?: number
  readonly transactional?: boolean
  readonly producerId?: unknown
  readonly producerEpoch?: number
  readonly firstSequence?: number
  readonly records?: ReadonlyArray<unknown>
}

interface RecordBatchModule {
  RecordBatch: (options: RecordBatchOptions) => Promise<Encoder>
  readonly MAGIC_BYTE: number
}

interface EncoderWrites extends Encoder {
  writeInt8(value: number): EncoderWrites
  writeInt16(value: number): EncoderWrites
  writeInt32(value: number): EncoderWrites
  writeUInt32(value: number): EncoderWrites
  writeInt64(value: unknown): EncoderWrites
  writeArray(values: ReadonlyArray<unknown>, type?: string): EncoderWrites
  writeEncoder(value: Encoder): EncoderWrites
}

/** The CRC-32C of an encoder's bytes, part by part. */
const crcOfEncoder = (encoder: Encoder): number => {
  let register = -1
  for (const part of encoder.parts ?? []) register = crcUpdate(register, part)
  return (crcUpdate(register, encoder.buf.subarray(0, encoder.offset)) ^ -1) >>> 0
}

/**
 * kafkajs' RecordBatch (protocol/recordBatch/v0) for uncompressed batches, writing the same bytes without asking
 * for the body's bytes whole (for its CRC) nor the batch's (to prefix its length): two copies of every record
 * fewer. Compressed batches are gathered by their codec anyway and stay with kafkajs' own.
 */
const patchRecordBatch = (
  module: RecordBatchModule,
  EncoderClass: new () => EncoderWrites,
  Long: { fromInt(n: number): unknown; fromValue(n: number): unknown },
) => {
  const kafkajsRecordBatch = module.RecordBatch
  module.RecordBatch = async (options) => {
    const {
      compression = 0,
      firstOffset = Long.fromInt(0),
      firstTimestamp = Date.now(),
      maxTimestamp = Date.now(),
      partitionLeaderEpoch = 0,
      lastOffsetDelta = 0,
      transactional = false,
      producerId = Long.fromValue(-1),
      producerEpoch = 0,
      firstSequence = 0,
      records = [],
    } = options
    if (compression !== 0) return kafkajsRecordBatch(options)
    const body = new EncoderClass()
      .writeInt16(transactional ? 16 : 0)
      .writeInt32(lastOffsetDelta)
      .writeInt64(firstTimestamp)
      .writeInt64(maxTimestamp)
      .writeInt64(producerId)
      .writeInt16(producerEpoch)
      .writeInt32(firstSequence)
    if (records.every((record) => typeof record === typeof records[0]))
      body.writeArray(records, typeof records[0])
    else body.writeArray(records)
    const batch = new EncoderClass()
      .writeInt32(partitionLeaderEpoch)
      .writeInt8(module.MAGIC_BYTE)
      .writeUInt32(crcOfEncoder(body))
      .writeEncoder(body)
    return new EncoderClass().writeInt64(firstOffset).writeInt32(batch.size()).writeEncoder(batch)
  }
}

// ── Installing them, once, before kafkajs loads ──────────────────────────────────────────────────────────────
/** Marks what this module put in place, so that loading it again (test runners re-evaluate modules) is a no-op. */
const installed = Symbol.for("destill.kafkajs.encoding")
const crcModule = require.resolve("kafkajs/src/protocol/recordBatch/crc32C/index.js")
const marked = (value: unknown) => (value as Record<symbol, unknown> | undefined)?.[installed] === true

const install = () => {
  if (require.cache[crcModule] === undefined) {
    const crc = (bytes: Uint8Array) => crc32c(bytes)
    Object.defineProperty(crc, installed, { value: true })
    const module = new Module(crcModule)
    module.filename = crcModule
    module.loaded = true
    module.exports = crc
    require.cache[crcModule] = module
  }
  const EncoderClass = require("kafkajs/src/protocol/encoder.js") as (new () => EncoderWrites) & {
    prototype: Encoder
  }
  if (!marked(EncoderClass.prototype)) {
    patchEncoder(EncoderClass)
    Object.defineProperty(EncoderClass.prototype, installed, { value: true })
  }
  // Produce requests take RecordBatch from this module's exports when they load: replaced before they do.
  const batches = require("kafkajs/src/protocol/recordBatch/v0/index.js") as RecordBatchModule
  if (!marked(batches.RecordBatch)) {
    const Long = require("kafkajs/src/utils/long.js") as Parameters<typeof patchRecordBatch>[2]
    patchRecordBatch(batches, EncoderClass, Long)
    Object.defineProperty(batches.RecordBatch, installed, { value: true })
  }
}

install()

const kafkajs = require("kafkajs") as typeof KafkaJs

export const { Kafka, logLevel, Partitioners } = kafkajs
export type Kafka = KafkaJs.Kafka
export type { Admin, Consumer, PartitionerArgs } from "kafkajs"

/**
 * Whether kafkajs' record batches are built and summed here: false when something loaded kafkajs before this
 * module (it still works then, with kafkajs' own slower code). A test keeps the import order right.
 */
export const installedBeforeKafkajs = (): boolean =>
  marked(require.cache[crcModule]?.exports) &&
  marked((require("kafkajs/src/protocol/recordBatch/v0/index.js") as RecordBatchModule).RecordBatch)
