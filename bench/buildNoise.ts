// Healthy install and build output: npm, Maven downloads, Gradle, docker build, C/Rust compilers with warnings.
import { ansi } from "./logWriter.js"
import type { NoiseSection } from "./noiseSections.js"
import {
  npmPackages,
  deprecations,
  javaGroups,
  modules,
  testSubjects,
  testCases,
  version,
  camel,
} from "./noiseVocabulary.js"

export const npmInstall: NoiseSection = (w, r) => {
  w.emit("> npm ci --no-audit --prefer-offline")
  const n = r.int(40, 300)
  for (let i = 0; i < n; i++) {
    const pkg = r.pick(npmPackages)
    const roll = r.next()
    if (roll < 0.45) {
      const frames = ["⠋", "⠙", "⠹", "⠸"].slice(0, r.int(2, 4))
      w.emit(
        frames
          .map(
            (f, k) =>
              `${f} reify:${pkg}: timing reifyNode:node_modules/${pkg} Completed in ${k * 7 + r.int(1, 90)}ms`,
          )
          .join("\r"),
      )
    } else if (roll < 0.8) {
      w.emit(
        `npm http fetch GET 200 https://registry.npmjs.org/${pkg} ${r.int(5, 900)}ms (cache revalidated)`,
      )
    } else if (roll < 0.93) {
      w.emit(`${ansi.yellow("npm WARN")} deprecated ${pkg}@${version(r)}: ${r.pick(deprecations)}`)
    } else {
      w.emit(`npm WARN retry will retry, error on last attempt: Error: socket hang up`)
      w.emit(`npm http fetch GET 200 https://registry.npmjs.org/${pkg} ${r.int(300, 2000)}ms (cache updated)`)
    }
  }
  w.emit(`added ${r.int(300, 1800)} packages, and audited ${r.int(300, 1800)} packages in ${r.int(8, 90)}s`)
  w.emit(`${r.int(50, 200)} packages are looking for funding`)
  w.emit("found 0 vulnerabilities")
}

export const mavenDownloads: NoiseSection = (w, r) => {
  const n = r.int(30, 250)
  for (let i = 0; i < n; i++) {
    const url = `https://repo.maven.apache.org/maven2/${r.pick(javaGroups)}/${r.pick(modules)}/${version(r)}`
    const kb = r.int(2, 900)
    w.emit(`[${ansi.blue("INFO")}] Downloading from central: ${url}/artifact.pom`)
    w.emit(
      `Progress (1): ${Math.floor(kb / 3)}/${kb} kB\rProgress (1): ${Math.floor((kb * 2) / 3)}/${kb} kB\rProgress (1): ${kb} kB`,
    )
    if (r.chance(0.05)) {
      w.emit(
        `[${ansi.yellow("WARNING")}] Could not transfer artifact ${url}: Connection reset, retrying (attempt 1 of 3)`,
      )
    }
    w.emit(
      `[${ansi.blue("INFO")}] Downloaded from central: ${url}/artifact.pom (${kb} kB at ${r.int(50, 9000)} kB/s)`,
    )
  }
}

export const gradleBuild: NoiseSection = (w, r) => {
  const n = r.int(20, 150)
  for (let i = 0; i < n; i++) {
    const mod = r.pick(modules)
    const roll = r.next()
    if (roll < 0.5)
      w.emit(
        `> Task :${mod}:${r.pick(["compileJava", "processResources", "classes", "jar", "test"])}${r.pick(["", " UP-TO-DATE", " FROM-CACHE", " NO-SOURCE"])}`,
      )
    else if (roll < 0.7)
      w.emit(
        `<${"=".repeat(r.int(1, 12))}${"-".repeat(r.int(1, 12))}> ${r.int(1, 99)}% EXECUTING [${r.int(1, 200)}s]\r> :${mod}:test > ${r.int(1, 900)} tests completed\r> IDLE`,
      )
    else if (roll < 0.9)
      w.emit(`${camel(r.pick(testSubjects))}Test > ${r.pick(testCases)}() ${ansi.green("PASSED")}`)
    else
      w.emit(
        `warning: [deprecation] ${camel(r.pick(testSubjects))}(String) in ${camel(r.pick(modules))}Client has been deprecated`,
      )
  }
  w.emit("Note: Some input files use or override a deprecated API.")
  w.emit(`BUILD SUCCESSFUL in ${r.int(1, 9)}m ${r.int(0, 59)}s`)
  w.emit(`${r.int(20, 90)} actionable tasks: ${r.int(1, 20)} executed, ${r.int(10, 70)} up-to-date`)
}

export const dockerBuild: NoiseSection = (w, r) => {
  const steps = r.int(4, 14)
  for (let s = 1; s <= steps; s++) {
    const id = `#${s + 3}`
    w.emit(
      `${id} [builder ${s}/${steps}] ${r.pick(["RUN npm ci --omit=dev", "COPY . .", "RUN go build ./...", "RUN pip install -r requirements.txt", "WORKDIR /app"])}`,
    )
    if (r.chance(0.3)) {
      w.emit(`${id} CACHED`)
      continue
    }
    const layers = r.int(1, 12)
    for (let l = 0; l < layers; l++) {
      const total = r.int(2, 90)
      w.emit(`${id} sha256:${r.hex(64)} ${r.int(0, total)}.${r.int(0, 9)}MB / ${total}.0MB ${r.seconds(9)}s`)
    }
    if (r.chance(0.2))
      w.emit(
        `${id} ${r.seconds(30)} npm WARN deprecated ${r.pick(npmPackages)}@${version(r)}: ${r.pick(deprecations)}`,
      )
    w.emit(`${id} DONE ${r.seconds(40)}s`)
  }
  w.emit(`#${steps + 4} exporting to image`)
  w.emit(`#${steps + 4} writing image sha256:${r.hex(64)} done`)
  w.emit(`#${steps + 4} naming to ghcr.io/acme/api:sha-${r.hex(7)} done`)
}

export const compilerWarnings: NoiseSection = (w, r) => {
  const n = r.int(10, 80)
  for (let i = 0; i < n; i++) {
    const roll = r.next()
    const file = `src/${r.pick(modules)}/${r.pick(testSubjects)}`
    if (roll < 0.35) {
      w.emit(
        `[${String(r.int(1, 99)).padStart(3)}%] Building C object src/CMakeFiles/core.dir/${r.pick(testSubjects)}.c.o`,
      )
    } else if (roll < 0.6) {
      const line = r.int(10, 900)
      w.emit(
        `${file}.c:${line}:${r.int(1, 40)}: ${ansi.yellow("warning:")} unused variable 'err' [-Wunused-variable]`,
      )
      w.emit(`  ${line} |     int err = 0;`)
      w.emit("      |         ^~~")
    } else if (roll < 0.8) {
      w.emit(
        `   ${ansi.green("Compiling")} ${r.pick(["serde", "tokio", "anyhow", "thiserror", "hyper"])} v${version(r)}`,
      )
    } else {
      w.emit(`${ansi.yellow("warning")}: unused import: \`std::io::Error\``)
      w.emit(`  --> ${file}.rs:${r.int(1, 40)}:5`)
    }
  }
  w.emit(`    ${ansi.green("Finished")} release [optimized] target(s) in ${r.int(10, 200)}.${r.int(10, 99)}s`)
  w.emit("Build succeeded.")
  w.emit(`    ${r.int(0, 30)} Warning(s)`)
  w.emit("    0 Error(s)")
}
