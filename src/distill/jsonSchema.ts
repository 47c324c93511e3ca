// A small JSON Schema checker (the draft-07 subset templates use: type, properties, required, items,
// enum, min/max length and items, minimum/maximum, additionalProperties), with messages a model can act on.

export type JsonSchema = Readonly<Record<string, unknown>>

const typeOf = (value: unknown): string =>
  value === null
    ? "null"
    : Array.isArray(value)
      ? "array"
      : Number.isInteger(value)
        ? "integer"
        : typeof value

const matchesType = (value: unknown, type: string): boolean => {
  const actual = typeOf(value)
  return actual === type || (type === "number" && actual === "integer")
}

const at = (path: string) => (path === "" ? "the answer" : path)

/** Every violation of `schema` by `value`, as "path: problem" lines; empty when it conforms. */
export const checkJsonSchema = (schema: JsonSchema, value: unknown, path = ""): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const type = schema["type"]
  if (typeof type === "string" && !matchesType(value, type)) {
    return [`${at(path)} must be ${type}, got ${typeOf(value)}`]
  }
  if (Array.isArray(type) && !type.some((t) => typeof t === "string" && matchesType(value, t))) {
    return [`${at(path)} must be one of ${type.join(", ")}, got ${typeOf(value)}`]
  }
  const allowed = schema["enum"]
  if (Array.isArray(allowed) && !allowed.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    problems.push(`${at(path)} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`)
  }
  if (typeof value === "string") {
    const min = schema["minLength"]
    const max = schema["maxLength"]
    if (typeof min === "number" && value.trim().length < min)
      problems.push(`${at(path)} must have at least ${min} characters`)
    if (typeof max === "number" && value.length > max)
      problems.push(`${at(path)} must have at most ${max} characters`)
  }
  if (typeof value === "number") {
    const min = schema["minimum"]
    const max = schema["maximum"]
    if (typeof min === "number" && value < min) problems.push(`${at(path)} must be at least ${min}`)
    if (typeof max === "number" && value > max) problems.push(`${at(path)} must be at most ${max}`)
  }
  if (Array.isArray(value)) {
    const min = schema["minItems"]
    const max = schema["maxItems"]
    if (typeof min === "number" && value.length < min)
      problems.push(`${at(path)} must have at least ${min} items`)
    if (typeof max === "number" && value.length > max)
      problems.push(`${at(path)} must have at most ${max} items`)
    const items = schema["items"]
    if (typeof items === "object" && items !== null && !Array.isArray(items)) {
      value.forEach((item, i) =>
        problems.push(...checkJsonSchema(items as JsonSchema, item, `${path}[${i}]`)),
      )
    }
  }
  if (typeOf(value) === "object") {
    const record = value as Record<string, unknown>
    const required = schema["required"]
    if (Array.isArray(required)) {
      for (const key of required) {
        if (typeof key === "string" && !(key in record))
          problems.push(`${path === "" ? "" : `${path}.`}${key} is missing`)
      }
    }
    const properties = (schema["properties"] ?? {}) as Record<string, JsonSchema>
    for (const [key, child] of Object.entries(record)) {
      const childPath = path === "" ? key : `${path}.${key}`
      const declared = properties[key]
      if (declared !== undefined) problems.push(...checkJsonSchema(declared, child, childPath))
      else if (schema["additionalProperties"] === false) problems.push(`${childPath} is not an allowed field`)
    }
  }
  return problems
}
