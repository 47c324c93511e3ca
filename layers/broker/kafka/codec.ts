// Messages on the wire: JSON of the topic schema's encoded form, so any Kafka tool can read them. A topic with a
// bytes payload (log chunks) sends it raw after the JSON line of the other fields: still readable as text, and
// free of the escaping, base64 and string-length scans that would cost more than analysing the chunk.
import { Either, ParseResult, Schema } from "effect"
import type { Topic } from "../../../src/domain/topics.js"
import { takeChunkBuffer } from "../../../src/triage/chunkBuffers.js"

const NEWLINE = 10

const firstIssue = (error: ParseResult.ParseError): string => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  if (issue === undefined) return "does not match the schema"
  return issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`
}

/** `{json}\n` then the payload's bytes; no payload field: just the JSON, no newline. */
const frame = (fields: Record<string, unknown>, payload: string): Buffer => {
  const { [payload]: bytes, ...rest } = fields
  const head = JSON.stringify(rest)
  if (!(bytes instanceof Uint8Array)) return Buffer.from(head)
  const headBytes = Buffer.byteLength(head)
  const out = Buffer.allocUnsafe(headBytes + 1 + bytes.length)
  out.write(head, 0, headBytes, "utf8")
  out[headBytes] = NEWLINE
  out.set(bytes, headBytes + 1)
  return out
}

export const encoder = <A, I>(topic: Topic<A, I>) => {
  const encode = Schema.encodeEither(topic.schema)
  const payload = topic.payload
  return (value: A): Either.Either<Buffer, string> =>
    Either.match(encode(value), {
      onLeft: (error) => Either.left(`a ${topic.name} message cannot be encoded: ${firstIssue(error)}`),
      onRight: (encoded) =>
        Either.right(
          payload === undefined
            ? Buffer.from(JSON.stringify(encoded))
            : frame(encoded as Record<string, unknown>, payload),
        ),
    })
}

const parseJson = (text: string): Either.Either<unknown, string> => {
  try {
    return Either.right(JSON.parse(text))
  } catch (error) {
    return Either.left(`not JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/**
 * The payload, copied out of the fetch buffer it arrived in (a view would pin the whole fetch response), into one
 * of the recycled shared chunk buffers: the scoring thread reads it where it lies, and handing the buffer back
 * after scoring spares the agent an off-heap allocation per chunk (see chunkBuffers).
 */
const payloadCopy = (bytes: Buffer): Uint8Array => {
  const copy = takeChunkBuffer(bytes.length).subarray(0, bytes.length)
  copy.set(bytes)
  return copy
}

/** The JSON fields of a message, with the payload put back. */
const unframe = (raw: Buffer, payload: string | undefined): Either.Either<unknown, string> => {
  const end = payload === undefined ? -1 : raw.indexOf(NEWLINE)
  if (end < 0) return parseJson(raw.toString("utf8"))
  return Either.map(parseJson(raw.toString("utf8", 0, end)), (json) =>
    typeof json === "object" && json !== null && !Array.isArray(json)
      ? { ...json, [payload!]: payloadCopy(raw.subarray(end + 1)) }
      : json,
  )
}

/** Left is the reason a raw value is not a message of the topic: it goes to the dead-letter topic with it. */
export const decoder = <A, I>(topic: Topic<A, I>) => {
  const decode = Schema.decodeUnknownEither(topic.schema)
  return (raw: Buffer): Either.Either<A, string> =>
    Either.flatMap(unframe(raw, topic.payload), (json) =>
      Either.mapLeft(decode(json), (error) => `not a ${topic.name} message: ${firstIssue(error)}`),
    )
}
