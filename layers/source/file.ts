// The file and stdin adapter of LogSource: streams bytes, gunzipping when the data starts with gzip's magic.
import { fstatSync, promises as fs } from "node:fs"
import * as path from "node:path"
import { Readable } from "node:stream"
import { createGunzip } from "node:zlib"
import { Effect, type Scope, Stream } from "effect"
import { InputError } from "../../src/domain/errors.js"
import type { JobOutcome } from "../../src/domain/Request.js"
import type { ByteReader, ResolvedSource } from "../../src/services/LogSource.js"

const READ_BYTES = 1024 * 1024

const describe = (error: unknown, what: string): string => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case "ENOENT":
      return `cannot read ${what}: no such file`
    case "EISDIR":
      return `cannot read ${what}: it is a directory, not a log file`
    case "EACCES":
    case "EPERM":
      return `cannot read ${what}: permission denied`
    case "EBADF":
    case "EINVAL":
      return `cannot read ${what}: it is closed; pipe a log into destill or pass a file path`
    case "Z_BUF_ERROR":
      return `${what} is a truncated gzip file (unexpected end of data); re-download or pass the uncompressed log`
    case "Z_DATA_ERROR":
      return `${what} is not valid gzip data (${(error as Error).message}); pass the uncompressed log`
  }
  return `cannot read ${what}: ${error instanceof Error ? error.message : String(error)}`
}

/**
 * A plain file read into a small ring of recycled buffers: each yielded view stays valid until the consumer has
 * pulled a few more. Allocating a fresh buffer per read (1 GB of them for a 1 GB log) would make V8 collect the
 * reading thread's heap every few reads; the triage consumers copy what they keep before pulling the next read.
 */
const RING = 4
async function* recycledReads(file: string): AsyncGenerator<Buffer> {
  const handle = await fs.open(file, "r")
  try {
    const ring = Array.from({ length: RING }, () => Buffer.allocUnsafeSlow(READ_BYTES))
    for (let k = 0; ; k++) {
      const buffer = ring[k % RING]!
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null)
      if (bytesRead === 0) return
      yield buffer.subarray(0, bytesRead)
    }
  } finally {
    await handle.close()
  }
}

/** Whether a regular file starts with gzip's magic bytes (a file too short to have them does not). */
const isGzip = async (file: string): Promise<boolean> => {
  const handle = await fs.open(file, "r")
  try {
    const head = Buffer.alloc(2)
    const { bytesRead } = await handle.read(head, 0, 2, 0)
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b
  } finally {
    await handle.close()
  }
}

/** A plain file's reader for SourceJob.openReader: reads in order into whatever memory the caller names. */
const openPlainReader = (file: string, what: string): Effect.Effect<ByteReader, InputError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => fs.open(file, "r"),
      catch: (error) => new InputError({ message: describe(error, what) }),
    }),
    (handle) => Effect.promise(() => handle.close()),
  ).pipe(
    Effect.map(
      (handle): ByteReader =>
        (target, offset, length) =>
          Effect.tryPromise({
            try: async () => (await handle.read(target, offset, length, null)).bytesRead,
            catch: (error) => new InputError({ message: describe(error, what) }),
          }),
    ),
  )

/** Own copies: the gunzip stream reads ahead of what it has inflated, further than the ring reaches. */
async function* copied(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const bytes of source) yield Buffer.from(bytes)
}

/** Yields the raw bytes, or the gunzipped bytes when the first two bytes are 1f 8b. */
async function* decompressed(source: AsyncIterable<Buffer>, recycled = false): AsyncGenerator<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]()
  let first = await iterator.next()
  // A gzip header may straddle the first read on a pipe: make sure two bytes are in hand.
  while (!first.done && first.value.length < 2) {
    const next = await iterator.next()
    if (next.done) break
    first = { done: false, value: Buffer.concat([first.value, next.value]) }
  }
  if (first.done) return
  const head = first.value
  async function* rest(): AsyncGenerator<Buffer> {
    yield head
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield r.value
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    yield* Readable.from(recycled ? copied(rest()) : rest()).pipe(createGunzip({ chunkSize: READ_BYTES }))
  } else {
    yield* rest()
  }
}

const byteStream = (
  open: () => AsyncIterable<Buffer>,
  what: string,
  recycled = false,
): Stream.Stream<Uint8Array, InputError> =>
  Stream.fromAsyncIterable(
    { [Symbol.asyncIterator]: () => decompressed(open(), recycled)[Symbol.asyncIterator]() },
    (error) => new InputError({ message: describe(error, what) }),
  )

/**
 * Node reopens a closed fd 0 as /dev/null at start-up, so "closed" shows up as stdin being the null device (a
 * character device that is not a terminal). An empty pipe or file is different: that is simply an empty log.
 */
const stdinIsClosed = (): boolean => {
  try {
    const stat = fstatSync(0)
    return stat.isCharacterDevice() && !process.stdin.isTTY
  } catch {
    return true
  }
}

export const resolveStdin = (options: { readonly outcome: JobOutcome; readonly id: string }) =>
  Effect.suspend((): Effect.Effect<ResolvedSource, InputError> => {
    if (process.stdin.isTTY) {
      return Effect.fail(
        new InputError({ message: "stdin is a terminal: pipe a log into destill (cmd | destill analyze -)" }),
      )
    }
    if (stdinIsClosed()) {
      return Effect.fail(
        new InputError({
          message: "stdin is closed (no input attached): pipe a log into destill, or pass a file path",
        }),
      )
    }
    return Effect.succeed({
      buildId: `stdin:${options.id}`,
      jobs: Stream.make({
        id: "stdin",
        name: "stdin",
        outcome: options.outcome,
        bytes: byteStream(() => process.stdin as AsyncIterable<Buffer>, "stdin"),
      }),
    })
  })

export const resolveFile = (reference: string, options: { readonly outcome: JobOutcome }) =>
  Effect.gen(function* () {
    const absolute = path.resolve(reference)
    const stat = yield* Effect.tryPromise({
      try: () => fs.stat(absolute),
      catch: (error) => new InputError({ message: describe(error, reference) }),
    })
    if (stat.isDirectory()) {
      return yield* new InputError({ message: describe({ code: "EISDIR" }, reference) })
    }
    // Fail before the pipeline starts when the file cannot be opened at all.
    yield* Effect.tryPromise({
      try: () => fs.access(absolute, fs.constants.R_OK),
      catch: (error) => new InputError({ message: describe(error, reference) }),
    })
    // a regular file that is not gzip can be read straight into the chunks (a pipe's bytes can be read once only)
    const plain =
      stat.isFile() &&
      !(yield* Effect.tryPromise({
        try: () => isGzip(absolute),
        catch: (error) => new InputError({ message: describe(error, reference) }),
      }))
    return {
      buildId: `file:${absolute}`,
      jobs: Stream.make({
        id: absolute,
        name: path.basename(absolute),
        outcome: options.outcome,
        sizeHint: stat.size,
        bytes: byteStream(() => recycledReads(absolute), reference, true),
        ...(plain ? { openReader: openPlainReader(absolute, reference) } : {}),
      }),
    } satisfies ResolvedSource
  })
