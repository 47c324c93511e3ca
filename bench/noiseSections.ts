// The healthy bulk of a generated CI log, section by section: what installs, builds and passing test runs
// print, including innocent "error"/"fail" lines, progress bars redrawn with lone `\r`, and ANSI colours.
import { compilerWarnings, dockerBuild, gradleBuild, mavenDownloads, npmInstall } from "./buildNoise.js"
import type { LogWriter } from "./logWriter.js"
import type { SeededRandom } from "./seededRandom.js"
import { appLog, goTest, jestPass, mavenTests, pytestPass } from "./testNoise.js"

export type NoiseSection = (w: LogWriter, r: SeededRandom) => void

/** Every kind of noise, so each appears early even in a small log. */
export const noiseSections: ReadonlyArray<{ readonly title: string; readonly write: NoiseSection }> = [
  { title: "Run npm ci", write: npmInstall },
  { title: "Run mvn -B dependency:go-offline", write: mavenDownloads },
  { title: "Run mvn -B test", write: mavenTests },
  { title: "Run ./gradlew build", write: gradleBuild },
  { title: "Run docker buildx build --progress=plain .", write: dockerBuild },
  { title: "Run pytest -v", write: pytestPass },
  { title: "Run npx jest --ci", write: jestPass },
  { title: "Run go test -v ./...", write: goTest },
  { title: "Run make build", write: compilerWarnings },
  { title: "Run ./scripts/integration.sh", write: appLog },
]

/** The runner's header: always timestamped, as GitHub Actions prints it. */
export const runnerHeader = (w: LogWriter, r: SeededRandom): void => {
  w.emit("Current runner version: '2.317.0'")
  w.emit("##[group]Operating System")
  w.emit("Ubuntu")
  w.emit("22.04.4")
  w.emit("LTS")
  w.emit("##[endgroup]")
  w.emit("##[group]Run actions/checkout@v4")
  w.emit("with:")
  w.emit("  repository: acme/platform")
  w.emit("##[endgroup]")
  w.emit(`Syncing repository: acme/platform`)
  w.emit(
    `HEAD is now at ${r.hex(7)} Merge pull request #${r.int(100, 9999)} from acme/feature/retry-on-failure`,
  )
}
