// Checks a job's template and seeds fit together before anything is planned or paid for.
import { Either } from "effect"
import { DistillError, type JobSpec } from "../domain/Distill.js"
import { builtinTemplates, customTemplate, findTemplate, placeholdersOf, type Template } from "./templates.js"

export const resolveTemplate = (spec: JobSpec): Either.Either<Template, DistillError> => {
  if (typeof spec.template !== "string") return Either.right(customTemplate(spec.template))
  const found = findTemplate(spec.template)
  return found === undefined
    ? Either.left(
        new DistillError({
          message: `unknown template "${spec.template}"; use one of ${builtinTemplates.map((t) => t.id).join(", ")}, or give a custom one (schema, system, user)`,
        }),
      )
    : Either.right(found)
}

/** Every placeholder of the user prompt must be filled by each seed (variation is always there). */
export const checkSeeds = (
  template: Template,
  seeds: ReadonlyArray<Readonly<Record<string, unknown>>>,
): Either.Either<void, DistillError> => {
  if (seeds.length === 0)
    return Either.left(new DistillError({ message: "the job's seeds are empty: nothing to plan" }))
  const needed = placeholdersOf(template.user).filter((name) => name !== "variation")
  for (let i = 0; i < seeds.length; i++) {
    const missing = needed.filter((name) => !(name.split(".")[0]! in seeds[i]!))
    if (missing.length > 0) {
      return Either.left(
        new DistillError({
          message: `seed ${i + 1} has no ${missing.map((m) => `"${m}"`).join(", ")}, which the ${template.id} template's prompt uses as {${missing[0]}}`,
        }),
      )
    }
  }
  return Either.right(undefined)
}
