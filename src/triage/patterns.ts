// The pattern tables: what marks a line as explaining a failure (boosts) and what only looks like it (penalties).
import type { Severity } from "../domain/Finding.js"

export interface BoostRule {
  readonly name: string
  readonly pattern: RegExp
  /** Base score of a line this rule matches (the best matching rule wins). */
  readonly weight: number
  readonly category: string
  readonly severity: Severity
}

export interface PenaltyRule {
  readonly name: string
  readonly pattern: RegExp
  readonly weight: number
}

/**
 * Which raw lines get scored: a line it rejects can never score, so keep it a superset of every boost rule's
 * trigger words. The hot path runs its literal twin in triggers.ts (same answer, one pass): change both.
 * triggers.ts also lists the words each rule below needs; a rule changed to match new words needs them there.
 */
export const PREFILTER =
  /e(?:rr|xception|xpected|xit)|f(?:ail|atal)|panic|traceback|kill|time(?:[ds]? ?out|trap)|s(?:egmentation|igsegv)|abort|denied|not (?:found|in scope)|c(?:an(?:not|'t)|ould(?:n't| not)|aused by|rash)|un(?:able|defined|resolved)|no (?:such|\S+ found)|refused|assert|non-zero|backoff|o(?:om|ut of memory|verfull)|[✗✖✘❌●×]|warn|invalid|missing|\$ |##\[group\]|::group::|travis_fold:start/i

/** Line-start shapes the prefilter cannot afford to look for everywhere; checked only after a first-char test. */
export const PREFILTER_LINE_START = /^(?:E {2}|-{3,} |_{3,} |~~~ |\+\+\+ )/

const rule = (
  name: string,
  pattern: RegExp,
  weight: number,
  category: string,
  severity: Severity = "error",
): BoostRule => ({ name, pattern, weight, category, severity })

// Weights rank specific, located errors (a compiler message with file:line, an exception header, a failing
// test's name) above the summaries every failed build also prints (exit codes, BUILD FAILURE, make's Error 2):
// the summary says that it failed, the specific line says why.
export const BOOSTS: ReadonlyArray<BoostRule> = [
  // stack traces and exception headers
  rule(
    "java-exception",
    /^\s*(?:Exception in thread "[^"]*" )?(?:[a-z_][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable)\b(?::|$|\s+at\s)/,
    0.85,
    "stack-trace",
  ),
  rule("caused-by", /^\s*Caused by: \S/, 0.8, "stack-trace"),
  rule("python-traceback", /^\s*Traceback \(most recent call last\):/, 0.85, "stack-trace"),
  rule(
    "exception-line",
    /^\s*(?:Uncaught |Unhandled exception\. |\[?\w+\]?\s+)?(?:[\w$]+\.)*[A-Z]?\w*(?:Error|Exception)(?::\s+\S|$)/,
    0.8,
    "stack-trace",
  ),
  rule("dotnet-exception", /^\s*(?:Unhandled exception\. )?System\.[\w.]+Exception\b/, 0.85, "stack-trace"),
  rule("go-panic", /^(?:panic: |fatal error: |goroutine \d+ \[running\]:)/, 0.9, "crash", "critical"),
  rule("rust-panic", /thread '[^']*' panicked at/, 0.85, "crash", "critical"),
  rule("ruby-exception", /^\s*\S+\.rb:\d+:in `[^']*': .*\([A-Z]\w*(?:::\w+)*\)$/, 0.85, "stack-trace"),
  rule("elixir-exception", /^\s*\*\* \([A-Z][\w.]*\) \S/, 0.85, "stack-trace"),
  // compilers and type checkers
  rule("located-error", /^\s*\S+?[:(]\d+(?:[:,]\d+)?\)?:? (?:fatal )?error\b/i, 0.9, "compile"),
  rule("rust-error", /^error(?:\[E\d+\])?: \S/, 0.88, "compile"),
  rule("tsc-error", /\berror TS\d+:/, 0.9, "compile"),
  rule("csharp-error", /\berror (?:CS|MSB|NU|FS)\d+:/, 0.9, "compile"),
  rule("maven-located", /^\[ERROR\] \S+\.\w+:(?:\[\d+,\d+\]|\d+:)/, 0.9, "compile"),
  rule(
    "compilation-error",
    /\bCOMPILATION ERROR\b|\bCompilation failed\b|\bcompilation terminated\b/i,
    0.6,
    "compile",
  ),
  rule(
    "linker",
    /undefined reference to|ld returned \d+ exit status|linker command failed|Undefined symbols for architecture/,
    0.8,
    "compile",
  ),
  rule(
    "not-in-scope",
    /\bnot in scope\b|\bcannot find symbol\b|\bunresolved (?:import|reference|external)\b/i,
    0.8,
    "compile",
  ),
  rule("syntax-error", /\bSyntaxError\b|\bParseError\b|\bsyntax error\b|unexpected token/i, 0.8, "compile"),
  // tests
  rule("xunit-fail", /\[FAIL\]\s*$/, 0.85, "test"),
  rule("go-test-fail", /^\s*--- FAIL: /, 0.85, "test"),
  rule("go-test-location", /^\s+\S+_test\.go:\d+: /, 0.75, "test"),
  rule("testify", /^\s*Error(?: Trace)?:\s+\S/, 0.75, "test"),
  rule("pytest-failed", /^(?:FAILED|ERROR) \S+::\S/, 0.8, "test"),
  rule("pytest-assert", /^E\s{2,}\S/, 0.78, "test"),
  rule("pytest-header", /^_{3,} (?:ERROR (?:at|collecting) )?\S.* _{3,}$/, 0.7, "test"),
  rule("jest-bullet", /^\s*● \S/, 0.85, "test"),
  rule("jest-file", /^\s*FAIL\s+\S+\.\w+/, 0.7, "test"),
  rule("rust-test", /^-{4} \S+ stdout -{4}$/, 0.7, "test"),
  rule(
    "surefire",
    /<<< (?:FAILURE|ERROR)!|Tests run: \d+, Failures: (?:[1-9]|\d+, Errors: [1-9])/,
    0.75,
    "test",
  ),
  rule("gradle-test", /^\s*\S.*(?: >|\.)\s?\S+\(\)? FAILED$|^\S.* > \S.* FAILED$/, 0.8, "test"),
  rule("rspec", /Failure\/Error:|\bAn error occurred while loading\b/, 0.85, "test"),
  rule(
    "assertion",
    /AssertionError|AssertionFailedError|ComparisonFailure|Assertion (?:with \S+ )?failed|Assert\.\w+\(\) Failure|\bassert(?:ion)? failed\b|Failed asserting|\bexpected:? <.*> but was:? <|\bExpected (?:function|spy|\S+ to)\b/i,
    0.8,
    "test",
  ),
  rule(
    "expected-got",
    /\bexpected\b.*\b(?:got|but was|received|actual|but got|instead)\b|\bwas not (?:equal|greater|less)|\bdid not (?:equal|match|contain)\b/i,
    0.65,
    "test",
  ),
  rule("numbered-failure", /^\s*\d+\) (?:test )?\S.*(?:\(\w[\w.:]*\)|::\w+|\[FAIL\])$/, 0.6, "test"),
  rule(
    "test-verdict",
    /^(?!.*(?:BUILD|Finished:|> Task |Task :))\S.*\S\s+(?:FAIL|FAILED|✗|✘|✖)\s*$|^\s*(?:not ok \d+|✗|✘|✖|×)\s+\S|\*\*\* FAILED \*\*\*/,
    0.78,
    "test",
  ),
  rule("gradle-task", /^> Task \S+ FAILED$/, 0.5, "build"),
  rule(
    "test-failed",
    /^\s*(?:Test Failed|Module Failed|\S+ failed on line \d+|[\w:]+ failed$)/,
    0.75,
    "test",
  ),
  // build tools
  rule(
    "npm-err",
    /^npm ERR! (?!code |errno |syscall |Exit status|Failed at the|This is probably|A complete log|Tell the author|You can get|  |Make sure|not with npm|\s*$)/,
    0.65,
    "build",
  ),
  rule("yarn-error", /^error (?!Command failed)\S/, 0.65, "build"),
  rule(
    "gradle-wrong",
    /Execution failed for task|Could not resolve all|Could not (?:find|resolve|transfer) (?:artifact|dependency|dependencies)|could not be resolved/i,
    0.75,
    "dependency",
  ),
  rule("maven-error", /^\[ERROR\] \S/, 0.6, "build"),
  rule(
    "maven-summary",
    /BUILD FAILURE|Failed to execute goal|What went wrong:|^FAILURE: Build failed/,
    0.55,
    "build",
  ),
  rule(
    "docker",
    /^(?:#\d+ )?ERROR(?: \[[^\]]+\])?: |failed to solve|Error response from daemon|manifest (?:for \S+ )?(?:not found|unknown)/,
    0.75,
    "docker",
  ),
  rule(
    "kubernetes",
    /CrashLoopBackOff|ImagePullBackOff|ErrImagePull|OOMKilled|\bEvicted\b/,
    0.85,
    "kubernetes",
    "critical",
  ),
  rule("git-fatal", /^\s*(?:fatal|FATAL):? \S/, 0.8, "build", "critical"),
  rule(
    "not-found",
    /\bNo such file or directory\b|\bcommand not found\b|\bCannot find module\b|\bModuleNotFoundError\b|\bNo \w+ found\b|\bnot found in\b|\bPackagesNotFoundError\b|\bno matching\b/i,
    0.75,
    "environment",
  ),
  rule("permission", /\bPermission denied\b|\bAccess denied\b|\bEACCES\b/, 0.75, "environment"),
  // resources and signals
  rule(
    "oom",
    /\bout of memory\b|\bOutOfMemoryError\b|Cannot allocate memory|\bOOM\b/i,
    0.9,
    "resource",
    "critical",
  ),
  rule("disk-full", /No space left on device|ENOSPC/, 0.9, "resource", "critical"),
  rule(
    "segfault",
    /Segmentation fault|SIGSEGV|core dumped|SIGABRT|^Aborted$|\bAbort trap\b/,
    0.9,
    "crash",
    "critical",
  ),
  rule("killed", /^\s*Killed\s*$|signal: killed|\bkilled by signal\b|SIGKILL/, 0.8, "resource", "critical"),
  rule(
    "timeout",
    /timed out|\btimeout exceeded|Timeout of \d+ms exceeded|deadline exceeded|timetrap_timeout|TimeoutException|\btimeout\b.*\b(?:after|reached)\b/i,
    0.7,
    "timeout",
  ),
  rule(
    "network",
    /Connection refused|ECONNREFUSED|ECONNRESET|Could not resolve host|Couldn't establish|SSL connect error|\b50[0-4] (?:Service|Bad|Gateway|Internal)/i,
    0.7,
    "network",
  ),
  // summaries: the build failed, but these rarely say why
  rule(
    "exit-code",
    /\bexit(?:ed with)? (?:code|status):? [1-9]\d*|completed with exit code [1-9]|returned a non-zero code|exited with [1-9]\d*|non-zero exit status|returned non-zero/i,
    0.45,
    "exit-code",
  ),
  rule("make", /^make(?:\[\d+\])?: \*\*\* /, 0.45, "build"),
  rule("go-fail-pkg", /^FAIL\s+\S+/, 0.5, "test"),
  rule(
    "aborted",
    /\baborted!|\bAborting\b|\bbuild failed\b|\bTests? failed\b|\d+ (?:failing|failed|failures?|errors?)\b/i,
    0.5,
    "build",
  ),
  // generic words, the weakest evidence
  rule("fatal", /\bfatal\b|\bFATAL\b/i, 0.65, "error", "critical"),
  rule("error-colon", /\berror\s*[:!]|\[error\]|<error>/i, 0.6, "error"),
  rule("error-upper", /\bERROR\b/, 0.6, "error"),
  rule("exception", /\bexception\b/i, 0.5, "error"),
  rule("failed", /\bfail(?:ed|s|ure|ures|ing)?\b/i, 0.45, "error"),
  rule("error", /\berror\b/i, 0.4, "error"),
  rule(
    "cannot",
    /\bcannot\b|\bcan't\b|\bcould not\b|\bcouldn't\b|\bunable to\b|\bundefined\b|\binvalid\b|\bmissing\b|\brefused\b/i,
    0.4,
    "error",
  ),
  rule("warning", /\bwarn(?:ing)?\b|Overfull \\[hv]box/i, 0.25, "warning", "warning"),
]

export const PENALTIES: ReadonlyArray<PenaltyRule> = [
  // a count of earlier errors restates them; the errors themselves are the finding
  {
    name: "summary",
    pattern:
      /aborting due to|due to \d+ previous errors?|^\d+ errors? (?:generated|found)|One or more tests failed|^Done\. Your build exited/i,
    weight: 0.3,
  },
  // a line logged at info/debug level reports progress, even when its text mentions a failure
  { name: "info-level", pattern: /(?:^|\s|\[)(?:INFO|DEBUG|TRACE)(?:\]|\s)|^\[ERROR\]\s*$/, weight: 0.25 },
  // `\w(?:Error|Fail)`, not `\w+(?:Error|Fail)`: the same lines match, without retrying every split of a long word
  {
    name: "test-name",
    pattern:
      /\b(?:it|test|describe|context|should)\s*\(\s*['"`]|\btest_\w*(?:error|fail)|\w(?:Error|Fail)\w*Test\b/i,
    weight: 0.3,
  },
  {
    name: "passed",
    pattern: /\bPASS(?:ED)?\b|^\s*(?:✓|✔|√|ok\s+\d|\[\s*OK\s*\])|\bok$|\bBUILD SUCCESS|\bsucce(?:ss|eded)\b/i,
    weight: 0.5,
  },
  {
    name: "handled",
    pattern:
      /\b(?:handled|caught|retry(?:ing)?|retried|ignor(?:e|ed|ing)|suppress(?:ed)?|recovered|will be retried|continuing|skipp(?:ed|ing))\b/i,
    weight: 0.35,
  },
  {
    name: "help-text",
    pattern:
      /^\s*(?:usage:|-{1,2}[\w-]+(?:[ =][<[]?[\w-]+[>\]]?)?,?\s{2,}\S)|re-run (?:Maven|with)|\[Help \d+\]|For more information|To see the full stack trace|full debug logging|After correcting the problems|resume the build|--stacktrace option|--scan to/i,
    weight: 0.4,
  },
  { name: "deprecation", pattern: /deprecat/i, weight: 0.25 },
  // jest prints what a passing test logged under "● Console": output, not a failure
  {
    name: "test-console",
    pattern: /^\s*● Console\s*$|^\s*console\.(?:log|info|warn|error|debug)\s*$/,
    weight: 0.5,
  },
  // a message that says it was expected is the test working as designed
  {
    name: "expected-error",
    pattern: /\(expected(?: in this test)?\)|\bexpected (?:error|failure|exception)\b/i,
    weight: 0.4,
  },
  {
    name: "echoed-command",
    pattern:
      /^\s*(?:\$ |\++ |##\[command\]|\[command\]|Running command |travis_|> [a-z][\w-]* (?:run|test|build)|\w+@[\w-]+:\S*\$ )/,
    weight: 0.45,
  },
  {
    name: "progress",
    pattern:
      /\b(?:Downloading|Downloaded|Fetching|Resolving|Installing|Unpacking|Collecting|Requirement already|Progress|Receiving objects|Compiling|Building|Checking)\b/,
    weight: 0.3,
  },
  {
    name: "config-flag",
    pattern:
      /-Werror|--fail-fast|set -e|-e\b.*\berror|\berror_?log|\bon[_-]?error\b|\berror[_-](?:page|handler|reporting|prone)|\.(?:java|js|ts|py|rb|go|rs|cs|h|c|cpp|class|o|jar|json):?$/i,
    weight: 0.2,
  },
]

// A summary count of zero ("0 errors", "Failures: 0") says nothing failed, unless another count is non-zero.
export const ZERO_COUNT =
  /\b0 (?:errors?|failures?|failed|failing|broken)\b|\b(?:errors?|failures?|failed|failing):? 0\b/i
export const NONZERO_COUNT =
  /\b[1-9]\d* (?:errors?|failures?|failed|failing)\b|\b(?:errors?|failures?|failed|failing):? [1-9]/i
