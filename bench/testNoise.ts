// Passing test runs and application logs, full of test names and retries that say "error" or "fail" innocently.
import { ansi } from "./logWriter.js"
import type { NoiseSection } from "./noiseSections.js"
import { modules, testSubjects, testCases, camel } from "./noiseVocabulary.js"

export const mavenTests: NoiseSection = (w, r) => {
  w.emit("[INFO] -------------------------------------------------------")
  w.emit("[INFO]  T E S T S")
  w.emit("[INFO] -------------------------------------------------------")
  let total = 0
  const n = r.int(5, 60)
  for (let i = 0; i < n; i++) {
    const cls = `com.acme.${r.pick(modules)}.${camel(r.pick(testSubjects))}Test`
    const runs = r.int(1, 40)
    total += runs
    w.emit(`[INFO] Running ${cls}`)
    if (r.chance(0.1))
      w.emit(
        `${r.int(10, 23)}:${r.int(10, 59)}:${r.int(10, 59)}.${r.int(100, 999)} [main] WARN  c.a.client.RetryingClient - call failed (attempt 1/3), retrying in 200ms`,
      )
    w.emit(
      `[INFO] Tests run: ${runs}, Failures: 0, Errors: 0, Skipped: ${r.int(0, 2)}, Time elapsed: ${r.seconds(4)} s - in ${cls}`,
    )
  }
  w.emit("[INFO] Results:")
  w.emit(`[INFO] Tests run: ${total}, Failures: 0, Errors: 0, Skipped: ${r.int(0, 5)}`)
  w.emit(`[INFO] ${ansi.green("BUILD SUCCESS")}`)
}

export const pytestPass: NoiseSection = (w, r) => {
  const n = r.int(20, 300)
  w.emit("============================= test session starts ==============================")
  w.emit("platform linux -- Python 3.11.9, pytest-8.2.0, pluggy-1.5.0")
  w.emit(`collected ${n} items`)
  w.emit("")
  for (let i = 0; i < n; i++) {
    const pct = Math.floor(((i + 1) * 100) / n)
    w.emit(
      `tests/test_${r.pick(testSubjects)}.py::test_${r.pick(testCases)} ${ansi.green("PASSED")}${" ".repeat(r.int(2, 20))}[${String(pct).padStart(3)}%]`,
    )
  }
  w.emit("=============================== warnings summary ===============================")
  w.emit(
    `  /opt/hostedtoolcache/Python/3.11.9/x64/lib/python3.11/site-packages/dateutil/tz/tz.py:37: DeprecationWarning: datetime.datetime.utcfromtimestamp() is deprecated`,
  )
  w.emit(
    ansi.green(
      `======================= ${n} passed, ${r.int(0, 4)} skipped, ${r.int(0, 9)} warnings in ${r.seconds(60)}s =======================`,
    ),
  )
}

export const jestPass: NoiseSection = (w, r) => {
  const suites = r.int(3, 30)
  let tests = 0
  for (let s = 0; s < suites; s++) {
    w.emit(
      `${ansi.passBadge()} src/${r.pick(modules)}/${camel(r.pick(testSubjects))}.test.ts (${r.seconds(3)} s)`,
    )
    w.emit(`  ${camel(r.pick(testSubjects))}`)
    const n = r.int(1, 12)
    tests += n
    for (let i = 0; i < n; i++)
      w.emit(`    ${ansi.green("✓")} ${r.pick(testCases).replace(/_/g, " ")} (${r.int(1, 80)} ms)`)
    if (r.chance(0.1)) {
      w.emit("  console.error")
      w.emit("    Warning: An update to ErrorBoundary inside a test was not wrapped in act(...).")
    }
  }
  w.emit(`${ansi.bold("Test Suites:")} ${ansi.green(`${suites} passed`)}, ${suites} total`)
  w.emit(`${ansi.bold("Tests:")}       ${ansi.green(`${tests} passed`)}, ${tests} total`)
  w.emit(`${ansi.bold("Snapshots:")}   0 total`)
  w.emit(`${ansi.bold("Time:")}        ${r.seconds(30)} s`)
}

export const goTest: NoiseSection = (w, r) => {
  const pkgs = r.int(3, 20)
  for (let p = 0; p < pkgs; p++) {
    const n = r.int(1, 15)
    for (let i = 0; i < n; i++) {
      const name = `Test${camel(r.pick(testCases))}`
      w.emit(`=== RUN   ${name}`)
      w.emit(`--- PASS: ${name} (${r.int(0, 3)}.${r.int(10, 99)}s)`)
    }
    w.emit("PASS")
    w.emit(
      `ok  \tgithub.com/acme/api/internal/${r.pick(modules)}\t${r.chance(0.3) ? "(cached)" : `${r.seconds(2)}s`}`,
    )
  }
  w.emit(`?   \tgithub.com/acme/api/cmd/api\t[no test files]`)
}

export const appLog: NoiseSection = (w, r) => {
  const n = r.int(30, 300)
  for (let i = 0; i < n; i++) {
    const t = `${r.int(10, 23)}:${r.int(10, 59)}:${r.int(10, 59)}.${r.int(100, 999)}`
    const roll = r.next()
    if (roll < 0.7)
      w.emit(
        `${t} INFO  [main] c.a.${r.pick(modules)}.Service - processed request ${r.hex(8)} in ${r.int(1, 300)}ms`,
      )
    else if (roll < 0.78)
      w.emit(
        `${t} DEBUG [pool-1] c.a.metrics.ErrorBudget - error budget remaining ${r.int(90, 99)}.${r.int(0, 9)}%`,
      )
    else if (roll < 0.85)
      w.emit(
        `${t} DEBUG [pool-1] c.a.cache.Lookup - hit ratio ${r.int(60, 99)}% over ${r.int(100, 9000)} lookups`,
      )
    else if (roll < 0.95) {
      w.emit(
        `${t} WARN  [http-nio-8080-exec-${r.int(1, 9)}] c.a.client.RetryingClient - request to inventory failed (attempt 1/3), retrying in 200ms`,
      )
      w.emit(
        `${t} INFO  [http-nio-8080-exec-${r.int(1, 9)}] c.a.client.RetryingClient - request to inventory succeeded on attempt 2`,
      )
    } else w.emit(`${t} INFO  [main] c.a.health.Check - 0 errors, 0 failures in the last ${r.int(1, 60)}s`)
  }
}

/** Every kind of noise, so each appears early even in a small log. */
