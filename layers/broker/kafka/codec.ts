// Messages on the wire: JSON of the topic schema's encoded form, so any Kafka tool can read them.
import { Either, ParseResult, Schema } from "effect"
import type { Topic } from "../../../src/domain/topics.js"

const firstIssue = (error: ParseResult.ParseError): string => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  if (issue === undefined) return "does not match the schema"
  return issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`
}

export const encoder = <A, I>(topic: Topic<A, I>) => {
  const encode = Schema.encodeEither(topic.schema)
  return (value: A): Either.Either<string, string> =>
    Either.match(encode(value), {
      onLeft: (error) => Either.left(`a ${topic.name} message cannot be encoded: ${firstIssue(error)}`),
      onRight: (encoded) => Either.right(JSON.stringify(encoded)),
    })
}

/** Left is the reason a raw value is not a message of the topic: it goes to the dead-letter topic with it. */
export const decoder = <A, I>(topic: Topic<A, I>) => {
  const decode = Schema.decodeUnknownEither(topic.schema)
  return (raw: string): Either.Either<A, string> => {
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch (error) {
      return Either.left(`not JSON: ${error instanceof Error ? error.message : String(error)}`)
    }
    return Either.mapLeft(decode(json), (error) => `not a ${topic.name} message: ${firstIssue(error)}`)
  }
}
