// Where a job's seeds come from: a list of topics, a JSONL file of inputs, or past triage findings in the store.
import { Effect } from "effect"
import * as fs from "node:fs"
import { DistillError, type SeedSource } from "../../src/domain/Distill.js"
import type { StoreError } from "../../src/domain/errors.js"
import type { DistillRepoShape } from "../../src/services/DistillRepo.js"

type Seed = Readonly<Record<string, unknown>>

const readJsonl = (file: string): Effect.Effect<ReadonlyArray<Seed>, DistillError> =>
  Effect.try({
    try: () => fs.readFileSync(file, "utf8"),
    catch: (error) =>
      new DistillError({
        message: `cannot read the seeds file ${file}: ${error instanceof Error ? error.message : String(error)}`,
      }),
  }).pipe(
    Effect.flatMap((text) =>
      Effect.forEach(
        text.split("\n").flatMap((line, i) => (line.trim() === "" ? [] : [{ line, n: i + 1 }])),
        ({ line, n }) =>
          Effect.try({
            try: () => {
              const value: unknown = JSON.parse(line)
              if (typeof value !== "object" || value === null || Array.isArray(value))
                throw new Error("not an object")
              return value as Seed
            },
            catch: (error) =>
              new DistillError({
                message: `${file}:${n}: a seed is one JSON object a line (${error instanceof Error ? error.message : String(error)})`,
              }),
          }),
      ),
    ),
  )

export const resolveSeeds = (
  source: SeedSource,
  repo: DistillRepoShape,
): Effect.Effect<ReadonlyArray<Seed>, DistillError | StoreError> => {
  if ("topics" in source) return Effect.succeed(source.topics.map((topic) => ({ topic })))
  if ("file" in source) return readJsonl(source.file)
  return repo.findingSeeds(source.limit ?? 1_000, source.category).pipe(
    Effect.map((seeds) => seeds.map((seed): Seed => ({ ...seed }))),
    Effect.filterOrFail(
      (seeds) => seeds.length > 0,
      () =>
        new DistillError({
          message:
            "the store holds no findings to seed from: run destill analyze on some failed builds first",
        }),
    ),
  )
}
