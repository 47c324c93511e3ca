import { describe, expect, it } from "vitest"
import { triage } from "./analyze.js"
import { noise } from "./logChunk.js"

/** Each excerpt is what a failing tool prints; `key` is the line a person must see first. */
const families: ReadonlyArray<{ name: string; excerpt: ReadonlyArray<string>; key: string }> = [
  {
    name: "Java exception",
    excerpt: [
      'Exception in thread "main" java.lang.IllegalStateException: cache not initialised',
      "\tat com.acme.cache.Store.get(Store.java:88)",
      "\tat com.acme.App.main(App.java:12)",
    ],
    key: 'Exception in thread "main" java.lang.IllegalStateException: cache not initialised',
  },
  {
    name: "Python traceback",
    excerpt: [
      "Traceback (most recent call last):",
      '  File "/app/manage.py", line 22, in <module>',
      "    main()",
      "KeyError: 'DATABASE_URL'",
    ],
    key: "Traceback (most recent call last):",
  },
  {
    name: "Go panic",
    excerpt: [
      "panic: runtime error: index out of range [3] with length 3",
      "",
      "goroutine 1 [running]:",
      "main.main()",
      "\t/src/main.go:14 +0x1d",
    ],
    key: "panic: runtime error: index out of range [3] with length 3",
  },
  {
    name: "Node error",
    excerpt: [
      "node:internal/modules/cjs/loader:1080",
      "  throw err;",
      "  ^",
      "",
      "Error: Cannot find module 'left-pad'",
      "    at Module._resolveFilename (node:internal/modules/cjs/loader:1077:15)",
    ],
    key: "Error: Cannot find module 'left-pad'",
  },
  {
    name: "Rust panic",
    excerpt: [
      "thread 'parser::tests::empty_input' panicked at 'called `Option::unwrap()` on a `None` value', src/parser.rs:41:9",
    ],
    key: "thread 'parser::tests::empty_input' panicked at 'called `Option::unwrap()` on a `None` value', src/parser.rs:41:9",
  },
  {
    name: ".NET exception",
    excerpt: [
      "Unhandled exception. System.InvalidOperationException: Sequence contains no elements",
      "   at System.Linq.ThrowHelper.ThrowNoElementsException()",
    ],
    key: "Unhandled exception. System.InvalidOperationException: Sequence contains no elements",
  },
  {
    name: "npm",
    excerpt: [
      "npm ERR! 404 Not Found - GET https://registry.npmjs.org/@acme%2fwidgets - Not found",
      "npm ERR! code E404",
    ],
    key: "npm ERR! 404 Not Found - GET https://registry.npmjs.org/@acme%2fwidgets - Not found",
  },
  {
    name: "tsc",
    excerpt: [
      "src/api/client.ts(41,7): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.",
    ],
    key: "src/api/client.ts(41,7): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.",
  },
  {
    name: "Maven compiler",
    excerpt: [
      "[ERROR] COMPILATION ERROR : ",
      "[ERROR] /home/ci/app/src/main/java/com/acme/Order.java:[31,17] cannot find symbol",
      "  symbol:   method total()",
      "[INFO] 1 error",
    ],
    key: "[ERROR] /home/ci/app/src/main/java/com/acme/Order.java:[31,17] cannot find symbol",
  },
  {
    name: "Surefire",
    excerpt: [
      "[ERROR] Tests run: 4, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.2 s <<< FAILURE! - in com.acme.OrderTest",
      "[ERROR] totalIsSum(com.acme.OrderTest)  Time elapsed: 0.01 s  <<< FAILURE!",
      "org.opentest4j.AssertionFailedError: expected: <10> but was: <9>",
    ],
    key: "org.opentest4j.AssertionFailedError: expected: <10> but was: <9>",
  },
  {
    name: "Gradle",
    excerpt: [
      "FAILURE: Build failed with an exception.",
      "",
      "* What went wrong:",
      "Execution failed for task ':app:compileKotlin'.",
    ],
    key: "Execution failed for task ':app:compileKotlin'.",
  },
  {
    name: "pytest",
    excerpt: [
      "    def test_total():",
      ">       assert total([1, 2]) == 4",
      "E       assert 3 == 4",
      "",
      "tests/test_cart.py:8: AssertionError",
    ],
    key: "E       assert 3 == 4",
  },
  {
    name: "jest",
    excerpt: [
      "  ● Cart › computes the total",
      "",
      "    expect(received).toBe(expected)",
      "",
      "    Expected: 4",
      "    Received: 3",
    ],
    key: "  ● Cart › computes the total",
  },
  {
    name: "go test",
    excerpt: ["--- FAIL: TestParseConfig (0.00s)", "    config_test.go:31: expected port 8080, got 0"],
    key: "--- FAIL: TestParseConfig (0.00s)",
  },
  {
    name: "rustc",
    excerpt: [
      "error[E0308]: mismatched types",
      "  --> src/main.rs:4:18",
      "   |",
      '4  |     let n: u32 = "five";',
      "   |            ---   ^^^^^^ expected `u32`, found `&str`",
    ],
    key: "error[E0308]: mismatched types",
  },
  {
    name: "gcc",
    excerpt: [
      "src/buffer.c:88:5: error: implicit declaration of function 'memcpyz' [-Werror=implicit-function-declaration]",
    ],
    key: "src/buffer.c:88:5: error: implicit declaration of function 'memcpyz' [-Werror=implicit-function-declaration]",
  },
  {
    name: "Docker",
    excerpt: [
      '#8 ERROR: process "/bin/sh -c pip install -r requirements.txt" did not complete successfully: exit code: 1',
      "ERROR: failed to solve: process did not complete successfully",
    ],
    key: '#8 ERROR: process "/bin/sh -c pip install -r requirements.txt" did not complete successfully: exit code: 1',
  },
  {
    name: "Kubernetes",
    excerpt: ["api-7d9c  0/1  CrashLoopBackOff  5  3m"],
    key: "api-7d9c  0/1  CrashLoopBackOff  5  3m",
  },
  {
    name: "out of memory",
    excerpt: ["FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"],
    key: "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
  },
  {
    name: "segfault",
    excerpt: ["./run_tests.sh: line 12:  4121 Segmentation fault      (core dumped) ./bin/tests"],
    key: "./run_tests.sh: line 12:  4121 Segmentation fault      (core dumped) ./bin/tests",
  },
  {
    name: "timeout",
    excerpt: ['Error: Timeout of 2000ms exceeded. For async tests and hooks, ensure "done()" is called'],
    key: 'Error: Timeout of 2000ms exceeded. For async tests and hooks, ensure "done()" is called',
  },
]

describe("boost patterns", () => {
  for (const family of families) {
    it(`ranks a ${family.name} failure first among routine output`, () => {
      const log = [...noise(200), ...family.excerpt, ...noise(30, 200), "make: *** [test] Error 1"]
      const [top] = triage(log)
      expect(top?.lines).toContain(family.key)
      expect(top?.severity).not.toBe("info")
    })
  }

  it("ranks a make failure, reported by exit code, when nothing else explains it", () => {
    const [top] = triage([...noise(100), "make: *** [Makefile:12: install] Error 2"])
    expect(top?.lines).toEqual(["make: *** [Makefile:12: install] Error 2"])
  })
})

describe("penalty patterns", () => {
  const real = "src/app.ts(3,1): error TS1005: ';' expected."
  const lookalikes: ReadonlyArray<[string, string]> = [
    ["a test named after errors", "  ✓ it('returns an error when the token expired') (3 ms)"],
    ["a passing test about error handling", "tests/test_api.py::test_error_handling PASSED"],
    ["a retried error", "WARN request failed, retrying in 2s (attempt 1/3): connection reset"],
    ["a zero count", "Tests: 0 failed, 120 passed, 120 total"],
    ["help text", "  --fail-fast        Stop after the first failure"],
    ["a deprecation", "npm WARN deprecated har-validator@5.1.5: this library is no longer supported"],
    ["an echoed command", "$ npm test -- --reporter=errors-only"],
    ["a download", "Downloading error-stack-parser-2.1.4.tgz (12 kB)"],
  ]
  for (const [name, line] of lookalikes) {
    it(`ranks ${name} below a real error`, () => {
      const findings = triage([...noise(50), real, ...noise(50, 50), line, ...noise(5, 100)])
      expect(findings[0]?.lines).toContain(real)
      const other = findings.find((f) => f.lines.includes(line))
      if (other !== undefined) expect(other.confidence).toBeLessThan(findings[0]!.confidence)
    })
  }
})
