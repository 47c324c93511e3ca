// Reading a dataset job file (YAML or JSON): decoded with the JobSpec schema, every error naming the field
// and the line it sits on, so a user can fix the file without guessing.
import { Either, ParseResult, Schema } from "effect"
import { isNode, isMap, LineCounter, parseDocument, type Node } from "yaml"
import { JobFileError, JobSpec } from "../domain/Distill.js"

type PathKey = PropertyKey

/** The deepest node along `path` that exists, and how much of the path it covers. */
const nodeAt = (root: unknown, path: ReadonlyArray<PathKey>): { node: Node | undefined; depth: number } => {
  let current: unknown = root
  let best: Node | undefined = isNode(root) ? root : undefined
  let depth = 0
  for (const key of path) {
    if (!isNode(current) || !("get" in current)) break
    const next = (current as { get: (k: unknown, keep: boolean) => unknown }).get(
      typeof key === "number" ? key : String(key),
      true,
    )
    if (next === undefined) {
      // A missing field: point at its parent's key line rather than the document start.
      break
    }
    current = next
    if (isNode(next)) best = next
    depth++
  }
  return { node: best, depth }
}

const fieldName = (path: ReadonlyArray<PathKey>): string =>
  path.length === 0
    ? "the document"
    : path
        .map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
        .join("")

/** Parse and decode job file text; `source` names the file in messages. */
export const parseJobFile = (text: string, source: string): Either.Either<JobSpec, JobFileError> => {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false })
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!
    const line = first.linePos?.[0].line ?? lineCounter.linePos(first.pos[0]).line
    return Either.left(
      new JobFileError({ message: `${source}:${line}: not valid YAML or JSON: ${first.code}` }),
    )
  }
  if (!isMap(doc.contents)) {
    return Either.left(
      new JobFileError({
        message: `${source}:1: a job file is a mapping of fields (name, template, target, ...)`,
      }),
    )
  }
  const decoded = Schema.decodeUnknownEither(JobSpec, { errors: "all", onExcessProperty: "error" })(
    doc.toJS(),
  )
  if (Either.isRight(decoded)) return Either.right(decoded.right)
  const issues = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)
  // A union reports one issue per member; the first few are enough to act on.
  const seen = new Set<string>()
  const distinct = issues.filter((issue) => {
    const key = fieldName(issue.path)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  const lines = distinct.slice(0, 6).map((issue) => {
    const { node } = nodeAt(doc.contents, issue.path)
    const line =
      node?.range === undefined || node.range === null ? 1 : lineCounter.linePos(node.range[0]).line
    const message = issue._tag === "Unexpected" ? "is not a known field" : issue.message.replace(/\s+/g, " ")
    return `${source}:${line}: ${fieldName(issue.path)}: ${message}`
  })
  return Either.left(new JobFileError({ message: lines.join("; ") }))
}
