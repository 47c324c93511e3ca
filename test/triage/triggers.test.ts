import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { BOOSTS, NONZERO_COUNT, PENALTIES, PREFILTER, ZERO_COUNT } from "../../src/triage/patterns.js"
import { scoreLine } from "../../src/triage/score.js"
import { STEP_FAILED } from "../../src/triage/steps.js"
import {
  collectorKind,
  collectTriggers,
  collectTriggersJs,
  prefilterMatches,
  TRIGGER_COUNT,
} from "../../src/triage/triggers.js"

// Words and shapes the patterns care about, in mixed case, plus separators, so generated lines hit rule edges.
const vocabulary = [
  ...["err", "ERROR", "Error", "Exception", "expected", "exit code 1", "FAILED", "fail", "Fatal", "panic: "],
  ...[
    "Traceback (most recent call last):",
    "Killed",
    "timed out",
    "TimeOut",
    "time out",
    "timetrap",
    "SIGSEGV",
  ],
  ...[
    "Aborted",
    "denied",
    "not found",
    "not in scope",
    "cannot",
    "can't",
    "couldn't",
    "could not",
    "Caused by: ",
  ],
  ...["crash", "unable", "undefined", "unresolved", "no such", "no ", "No ", "found", " found", "refused"],
  ...[
    "assert",
    "non-zero",
    "BackOff",
    "OOM",
    "out of memory",
    "Overfull \\hbox",
    "warn",
    "invalid",
    "missing",
  ],
  ...["✗", "✖", "✘", "❌", "●", "×", "✓", "✔", "√", "$ ", "##[group]", "::group::", "travis_fold:start"],
  ...[" ", "  ", "\t", "\u00a0", "E", "_", "___ ", "---- ", "-", "** (", "0", "3", ": ", "(", ")", "[", "]"],
  ...["test", "it('", "stdout", "<<< ", "error TS2345: ", "npm ERR! ", "[ERROR] ", "[INFO] ", "goroutine 1"],
  ...["make: *** ", "a.rb:12:in `x': boom (Foo)", "x_test.go:3: ", "java.lang.IllegalStateException"],
  ...["System.IO.IOException", "502 Bad", "exited with 2", "retrying", "deprecated", "Downloading", "ok"],
  ...["console.log", "(expected)", "usage:", "--flag  x", "Failures: 0", "0 errors", "3 failed", "did not "],
  ...["\u0130", "\u017f", "\u212a", ".java", "-Werror", "PASSED", "ENOSPC", "EACCES", "FAIL "],
  ...[
    "12 Errors",
    "1 failing",
    "Build Failed",
    "tests failed",
    "aborted!",
    "Aborting",
    "due to",
    "1 error found",
  ],
  ...["not ok 1", "*** FAILED ***", " > test() FAILED", "#5 ERROR: ", "ERROR [build 2/3]: ", "Error: "],
  ...["failed to solve", "Error response from daemon", "manifest for x:1 not found", "manifest unknown"],
  ...["Killed", "signal: killed", "killed by signal", "SIGKILL", "undefined reference to", "ld returned 1"],
  ...["Undefined symbols for architecture", "Permission denied", "Access denied", "Segmentation fault"],
  ...["core dumped", "SIGABRT", "Abort trap", "Test Failed", "Module Failed", " failed on line 3", "1) "],
  ...["12) test foo (Bar)", "::x", "++ ", "+ ", "##[command]", "[command]", "Running command ", "travis_"],
  ...["> npm run", "> ", "user@host:~$ ", "$ "],
  ...[
    "re-run Maven",
    "[Help 1]",
    "For more information",
    "To see the full stack trace",
    "--scan to",
    "-x  y",
  ],
  ...["--stacktrace option", "resume the build", "full debug logging", "After correcting the problems"],
  ...["3 errors generated", "1 error generated", "Done. Your build exited", "aborting due to", "-"],
]
const line = fc
  .array(fc.constantFrom(...vocabulary), { minLength: 1, maxLength: 10 })
  .map((parts) => parts.join(""))

/** scoreLine as it was before rule gating: every regex on every line; its signals and score. */
const reference = (text: string): string | undefined => {
  const byWeight = [...BOOSTS].sort((a, b) => b.weight - a.weight)
  let best: (typeof BOOSTS)[number] | undefined
  let matched = 0
  for (const boost of byWeight) {
    if (best !== undefined && (boost.weight < 0.6 || matched >= 4)) break
    if (!boost.pattern.test(text)) continue
    matched++
    best ??= boost
  }
  if (best === undefined) return undefined
  let penalty = 0
  let name = ""
  for (const rule of PENALTIES)
    if (rule.weight > penalty && rule.pattern.test(text)) {
      penalty = rule.weight
      name = rule.name
    }
  if (ZERO_COUNT.test(text) && !NONZERO_COUNT.test(text) && penalty < 0.6) {
    penalty = 0.6
    name = "zero-count"
  }
  const signals = [
    `pattern:${best.name} +${best.weight}`,
    ...(name === "" ? [] : [`penalty:${name} -${penalty}`]),
  ]
  const score = Math.max(0, Math.min(1, best.weight + Math.min(0.06, (matched - 1) * 0.02) - penalty))
  return `${Math.round(score * 100) / 100} ${signals.join(" | ")}`
}

/** True when scoreLine gives `text` the score and signals running every pattern gives it. */
const scoresAsReference = (text: string): boolean => {
  const scored = scoreLine(text)
  const described = scored === undefined ? undefined : `${scored.score} ${scored.signals.join(" | ")}`
  return described === reference(text)
}

describe("trigger words", () => {
  it("admits exactly the lines the prefilter regex admits", () => {
    fc.assert(
      fc.property(line, (text) => prefilterMatches(text) === PREFILTER.test(text)),
      { numRuns: 5000 },
    )
  })

  it("collects trigger words in WebAssembly on Node, the same ones as the JavaScript automaton", () => {
    expect(collectorKind()).toBe("wasm")
    const hits = new Int32Array(TRIGGER_COUNT)
    const found = new Int32Array(TRIGGER_COUNT)
    let mark = 0
    const words = (collect: typeof collectTriggers, text: string) => {
      const count = collect(text, text.length, hits, ++mark, found)
      return Array.from(found.subarray(0, count)).sort((a, b) => a - b)
    }
    const same = (text: string): void => {
      expect(words(collectTriggers, text)).toEqual(words(collectTriggersJs, text))
    }
    fc.assert(
      fc.property(line, fc.constantFrom("", "\ud800", "\ufffd", "é", "✗"), (text, odd) => {
        same(odd + text + odd)
      }),
      { numRuns: 5000 },
    )
    // a repeated word is listed once; a text past the wasm buffer is searched in JavaScript
    for (const text of ["", "error error ERROR", "✗✓×", "x".repeat(5000) + " FAILED"]) same(text)
  })

  it("scores every line as running every pattern would", () => {
    fc.assert(fc.property(line, scoresAsReference), { numRuns: 5000 })
  })

  it("scores lines at the edges of the narrowest trigger words as running every pattern would", () => {
    // a name ending the line or followed by an odd space (java-exception, exception-line, error-colon), a count
    // before a word (aborted): few pieces, so that short lines put them side by side
    const edge = fc.constantFrom(
      ...[
        "Error",
        "Exception",
        "Throwable",
        "FooException",
        "a.b.",
        "Foo",
        " at ",
        "at",
        ": ",
        ":",
        "!",
        "x",
      ],
      ...[" ", "\t", "\u00a0", "\u2003", "\u3000", "\ufeff", "\v", "error", "ERROR", "<error>", "[error]"],
      ...["0", "2", " fail", "ed", "ing", " errors", "build failed", "Tests failed", "aborted!", "Aborting"],
    )
    const space = fc.constantFrom("", " ", "  ", "\t", "\u00a0", "\u2003")
    const digit = fc.constantFrom("0", "1", "7")
    const join = (parts: ReadonlyArray<string>) => parts.join("")
    // shapes whose words come in a fixed order: a test call (the test-name penalty), surefire's counts, a compiler
    // location before `error` (located-error)
    const testCall = fc
      .tuple(
        fc.constantFrom("", "x "),
        fc.constantFrom("it", "test", "describe", "context", "should", "foo"),
        space,
        fc.constantFrom("(", "["),
        space,
        fc.constantFrom("'", '"', "`", "x"),
        fc.constantFrom(" fails", " error: x", " failed", " Exception", " failed on line 3", " failed"),
      )
      .map(join)
    const surefire = fc
      .tuple(
        fc.constantFrom("Tests run: ", "[INFO] Tests run: "),
        digit,
        fc.constantFrom(", Failures: ", ", failures: "),
        digit,
        fc.constantFrom(", Errors: ", ", errors: "),
        digit,
        fc.constantFrom("", " <<< FAILURE!", " <<< ERROR!"),
      )
      .map(join)
    const located = fc
      .tuple(
        space,
        fc.constantFrom("a.c", "src/b.cs", "x"),
        fc.constantFrom(":", "(", " "),
        digit,
        fc.constantFrom("", ":3", ",2"),
        fc.constantFrom("", ")"),
        fc.constantFrom("", ":"),
        fc.constantFrom(" ", "  "),
        fc.constantFrom("", "fatal "),
        fc.constantFrom("error", "Error", "errors", "warning"),
        fc.constantFrom("", ": x", " C1: y"),
      )
      .map(join)
    const verdict = fc
      .tuple(space, fc.constantFrom("Test", "Module", "a::b", "x.c"), fc.constantFrom(" Failed", " failed"))
      .chain((head) =>
        fc.constantFrom("", " on line 3", " on line x", "!").map((tail) => join([...head, tail])),
      )
    const text = fc.oneof(
      fc.array(edge, { minLength: 1, maxLength: 6 }).map(join),
      testCall,
      surefire,
      located,
      verdict,
    )
    fc.assert(fc.property(text, scoresAsReference), { numRuns: 20000 })
  })

  it("says a scored line cannot end a step only when it cannot", () => {
    const stepEnd = fc.constantFrom(
      ...["exited with 2", "completed with exit code 1", "returned a non-zero code", "non-zero exit status"],
      ...[
        "make: *** ",
        "make[2]: *** ",
        "BUILD FAILURE",
        "FAILURE: Build failed",
        "BUILD FAILED",
        "ELIFECYCLE",
      ],
      ...[
        "Command failed with exit code 1",
        "** TEST FAILED **",
        "rake aborted!",
        "FAIL ",
        "ERROR: x failed",
      ],
      ...["Test failed", "Tests failed", "npm ERR! ", "error: ", "Error", "exit", "x".repeat(2000), " "],
    )
    const text = fc.oneof(
      line,
      fc.array(stepEnd, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("")),
    )
    fc.assert(
      fc.property(text, (t) => {
        const scored = scoreLine(t)
        return scored === undefined || scored.mayEndStep || !STEP_FAILED.test(t)
      }),
      { numRuns: 5000 },
    )
    // and it does say so: most scored lines are no step's end
    expect(scoreLine("error: cannot find module 'x'")?.mayEndStep).toBe(false)
  })

  it("matches test names exactly as the test-name penalty's original, backtracking pattern did", () => {
    const original =
      /\b(?:it|test|describe|context|should)\s*\(\s*['"`]|\btest_\w*(?:error|fail)\w*|\w+(?:Error|Fail)\w*Test\b/i
    const testName = PENALTIES.find((rule) => rule.name === "test-name")!.pattern
    const word = fc.constantFrom(
      "Error",
      "fail",
      "FAIL",
      "Test",
      "test",
      "test_",
      "x",
      "_",
      "9",
      " ",
      "(",
      "'",
      "-",
    )
    const text = fc.oneof(
      line,
      fc.array(word, { maxLength: 12 }).map((parts) => parts.join("")),
    )
    fc.assert(
      fc.property(text, (t) => testName.test(t) === original.test(t)),
      { numRuns: 5000 },
    )
  })

  it("finds a failure word wherever it sits in a long line", () => {
    const filler = "x".repeat(5000)
    expect(prefilterMatches(`${filler} Segmentation fault`)).toBe(true)
    expect(prefilterMatches(`${filler} no module-x found`)).toBe(true)
    expect(prefilterMatches(`${filler} no module x found`)).toBe(false)
  })
})
