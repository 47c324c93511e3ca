// The LogSource Layer: dispatches what the user named to the adapter that can read it.
import { randomUUID } from "node:crypto"
import { Layer } from "effect"
import { LogSource } from "../../src/services/LogSource.js"
import { isBuildkiteUrl, resolveBuildkite } from "./buildkite.js"
import { resolveFile, resolveStdin } from "./file.js"
import { isGitHubActionsUrl, resolveGitHub } from "./github.js"
import { resolveHttp } from "./http.js"

export const layer = Layer.succeed(
  LogSource,
  LogSource.of({
    resolve: (reference, options) => {
      if (reference === "-") return resolveStdin({ outcome: options.outcome, id: randomUUID() })
      // CI sources take each job's outcome from the CI API, not from --outcome.
      if (isBuildkiteUrl(reference)) return resolveBuildkite(reference)
      if (isGitHubActionsUrl(reference)) return resolveGitHub(reference)
      if (/^https?:\/\//i.test(reference)) return resolveHttp(reference, { outcome: options.outcome })
      return resolveFile(reference, options)
    },
  }),
)
