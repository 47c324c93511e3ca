// The literal words each pattern needs: a rule's regex can only match a line holding (case-insensitively) at
// least one of its triggers, so one automaton pass over the line tells which regexes are worth running.
import { buildByteAutomaton, foldAscii } from "./ahoCorasick.js"
import { isRegexSpace, LiteralSet, REGEX_SPACES } from "./literalScan.js"
import { once } from "./once.js"
import { makeWasmCollector } from "./wasmCollect.js"
import { charCodeAt } from "./strings.js"

/**
 * Exactly the alternatives of PREFILTER in patterns.ts, as literals; `no \S+ found` is finished by hand.
 * Keep the two in step: a word added there must be added here (bytePrefilter.ts matches these same literals on
 * raw bytes, so it follows by itself).
 */
export const PREFILTER_LITERALS = [
  "err",
  "exception",
  "expected",
  "exit",
  "fail",
  "fatal",
  "panic",
  "traceback",
  "kill",
  "timeout",
  "time out",
  "timedout",
  "timed out",
  "timesout",
  "times out",
  "timetrap",
  "segmentation",
  "sigsegv",
  "abort",
  "denied",
  "not found",
  "not in scope",
  "cannot",
  "can't",
  "couldn't",
  "could not",
  "caused by",
  "crash",
  "unable",
  "undefined",
  "unresolved",
  "no such",
  "refused",
  "assert",
  "non-zero",
  "backoff",
  "oom",
  "out of memory",
  "overfull",
  "✗",
  "✖",
  "✘",
  "❌",
  "●",
  "×",
  "warn",
  "invalid",
  "missing",
  "$ ",
  "##[group]",
  "::group::",
  "travis_fold:start",
  // the start of `no \S+ found`: accepted only when the rest follows
  "no ",
]
export const NO_WORD = PREFILTER_LITERALS.length - 1
const prefilterSet = once(() => new LiteralSet(PREFILTER_LITERALS))
const FOUND = " found"

/** After "no " ending at `from`: one run of non-space characters, then " found" (any case). */
const foundFollows = (text: string, from: number): boolean => {
  let j = from
  while (j < text.length && !isRegexSpace(charCodeAt(text, j))) j++
  if (j === from || j + FOUND.length > text.length) return false
  for (let k = 0; k < FOUND.length; k++) {
    const c = charCodeAt(text, j + k)
    if (foldAscii(c) !== FOUND.charCodeAt(k)) return false
  }
  return true
}

let scanned = ""
const prefilterHits = new Int32Array(PREFILTER_LITERALS.length)
const acceptPrefilter = (id: number, end: number): boolean => id !== NO_WORD || foundFollows(scanned, end)

/** Same answer as `PREFILTER.test(raw)`, in one pass without backtracking. */
export const prefilterMatches = (raw: string): boolean => {
  scanned = raw
  const found = prefilterSet().mark(raw, raw.length, prefilterHits, 1, acceptPrefilter)
  scanned = ""
  return found
}

/** `word` followed by each character `\s` matches: what `word\s` needs, as trigger words. */
const thenSpace = (word: string): Array<string> => Array.from(REGEX_SPACES, (space) => word + space)

/**
 * Triggers of the boost rules, by rule name; a rule missing here is anchored and cheap, so always tried. The words
 * are lower case (the automaton folds A-Z), and each rule's list must be found in every line its regex matches: the
 * narrower the words, the fewer regexes run on lines that only mention an error (`ErrorBudget`, `Errors: 0`).
 */
const BOOST_TRIGGERS: Record<string, ReadonlyArray<string>> = {
  // the name ends the line (opensOnLast, below), or a colon or a space follows it
  "java-exception": ["exception", "error", "throwable"].flatMap((word) => [`${word}:`, ...thenSpace(word)]),
  "caused-by": ["caused by:"],
  "python-traceback": ["traceback"],
  "exception-line": ["error:", "exception:"],
  "dotnet-exception": ["exception"],
  "go-panic": ["panic", "fatal error", "goroutine"],
  "rust-panic": ["panicked at"],
  "ruby-exception": [".rb:"],
  "elixir-exception": ["** ("],
  // `\d+(?:[:,]\d+)?\)?:? (?:fatal )?error`: a digit, `)` or `:` before the space
  "located-error": [..."0123456789):"].flatMap((c) => [`${c} error`, `${c} fatal error`]),
  "rust-error": ["error"],
  "tsc-error": ["error ts"],
  "csharp-error": ["error cs", "error msb", "error nu", "error fs"],
  "maven-located": ["[error] "],
  "compilation-error": ["compilation"],
  linker: ["undefined", "ld returned", "linker command failed"],
  "not-in-scope": ["not in scope", "cannot find symbol", "unresolved"],
  "syntax-error": ["syntaxerror", "parseerror", "syntax error", "unexpected token"],
  "xunit-fail": ["[fail]"],
  "go-test-fail": ["--- fail: "],
  "go-test-location": ["_test.go:"],
  testify: ["error:", "error trace:"],
  "pytest-failed": ["failed ", "error "],
  "jest-bullet": ["● "],
  "jest-file": ["fail"],
  "rust-test": [" stdout ----"],
  surefire: [
    "<<< failure!",
    "<<< error!",
    ...[..."123456789"].flatMap((d) => [`, failures: ${d}`, `, errors: ${d}`]),
  ],
  "gradle-test": [" failed"],
  rspec: ["failure/error:", "an error occurred while loading"],
  assertion: ["assert", "comparisonfailure", "expected"],
  "expected-got": ["expected", "was not ", "did not "],
  "test-verdict": ["fail", "not ok", "✗", "✘", "✖", "×"],
  "gradle-task": [" failed"],
  // `[\w:]+ failed$` ends the line (opensOnLast)
  "test-failed": ["test failed", "module failed", " failed on line "],
  // `\d+\) `: a numbered report always holds `) `
  "numbered-failure": [") "],
  "npm-err": ["npm err! "],
  "yarn-error": ["error "],
  "gradle-wrong": ["execution failed for task", "could not"],
  "maven-error": ["[error] "],
  "maven-summary": ["build failure", "failed to execute goal", "what went wrong:", "failure: build failed"],
  docker: ["error: ", "error [", "error response from daemon", "failed to solve", "manifest "],
  kubernetes: ["backoff", "errimagepull", "oomkilled", "evicted"],
  "git-fatal": ["fatal"],
  "not-found": ["no such file or directory", "found", "cannot find module", "no matching"],
  permission: ["permission denied", "access denied", "eacces"],
  oom: ["out of memory", "outofmemoryerror", "cannot allocate memory", "oom"],
  "disk-full": ["no space left on device", "enospc"],
  segfault: ["segmentation fault", "sigsegv", "core dumped", "sigabrt", "aborted", "abort trap"],
  killed: ["killed", "sigkill"],
  timeout: ["timed out", "timeout", "deadline exceeded"],
  network: [
    "connection refused",
    "econnrefused",
    "econnreset",
    "could not resolve host",
    "couldn't establish",
    "ssl connect error",
    "500 ",
    "501 ",
    "502 ",
    "503 ",
    "504 ",
  ],
  "exit-code": ["exit", "non-zero"],
  // a count is `\d+ ` before the word
  aborted: [
    "aborted!",
    "aborting",
    "build failed",
    "test failed",
    "tests failed",
    ...[..."0123456789"].flatMap((d) => [`${d} fail`, `${d} error`]),
  ],
  fatal: ["fatal"],
  "error-colon": ["error:", "error!", "[error]", "<error>", ...thenSpace("error")],
  "error-upper": ["error"],
  exception: ["exception"],
  failed: ["fail"],
  error: ["error"],
  cannot: [
    "cannot",
    "can't",
    "could not",
    "couldn't",
    "unable to",
    "undefined",
    "invalid",
    "missing",
    "refused",
  ],
  warning: ["warn", "overfull \\"],
}

/** Triggers of the penalty rules, by rule name; missing ones are always tried. */
const PENALTY_TRIGGERS: Record<string, ReadonlyArray<string>> = {
  // `^\d+ errors? (?:generated|found)` by its words, not ` error`, which most error lines hold
  summary: [
    "due to",
    "error generated",
    "errors generated",
    "error found",
    "errors found",
    "one or more tests failed",
    "your build exited",
  ],
  // an option line (`^\s*--flag  text`) opens it by its first character instead (PENALTY_SHAPES)
  "help-text": [
    "usage:",
    "re-run ",
    "[help ",
    "for more information",
    "to see the full stack trace",
    "full debug logging",
    "after correcting the problems",
    "resume the build",
    "--stacktrace option",
    "--scan to",
  ],
  "info-level": ["info", "debug", "trace", "[error]"],
  passed: ["pass", "ok", "succe", "✓", "✔", "√"],
  // a quote after `(` and any spaces (it('…', test("…")), `test_…`, or `…Error…Test`
  "test-name": [..."'\"`"].map((quote) => `(${quote}`).concat(thenSpace("("), "test"),
  handled: ["handled", "caught", "retr", "ignor", "suppress", "recovered", "continuing", "skipp"],
  deprecation: ["deprecat"],
  "test-console": ["console"],
  "expected-error": ["expected"],
  // every alternative holds one of these (`\w+@host:~$ ` ends in `$ `, `\++ ` in `+ `)
  "echoed-command": ["$ ", "+ ", "##[command]", "[command]", "running command ", "travis_", "> "],
  progress: [
    "download",
    "fetching",
    "resolving",
    "installing",
    "unpacking",
    "collecting",
    "requirement already",
    "progress",
    "receiving objects",
    "compiling",
    "building",
    "checking",
  ],
}

const ZERO_COUNT_TRIGGERS = ["error", "fail", "broken"]

/**
 * Words every alternative of steps.ts's STEP_FAILED holds one of (`exited with`, `BUILD FAILURE`, `rake aborted!`,
 * `^make…: ***`, `ELIFECYCLE`, …): a scored line without them cannot end a step, and skips that regex.
 */
const STEP_FAILED_TRIGGERS = ["exit", "non-zero", "fail", "aborted!", "make", "elifecycle"]

const scoringLiterals = [
  ...new Set([
    ...Object.values(BOOST_TRIGGERS).flat(),
    ...Object.values(PENALTY_TRIGGERS).flat(),
    ...ZERO_COUNT_TRIGGERS,
    ...STEP_FAILED_TRIGGERS,
  ]),
]
const literalId = new Map(scoringLiterals.map((literal, id) => [literal, id]))
const scoringSet = once(() => new LiteralSet(scoringLiterals))
/** Texts up to this long are searched in WebAssembly (score.ts reads at most 2,000 characters of a line). */
const WASM_MAX_CHARS = 4096
const wasmCollect = once(() =>
  makeWasmCollector(
    { ...buildByteAutomaton(scoringLiterals), literals: scoringLiterals.length },
    WASM_MAX_CHARS,
  ),
)

/** Shapes a rule's match needs besides its words; every field given must hold. */
interface Shape {
  /** The line's first character is one of these (the rule is anchored at `^` without `\s*`). */
  readonly first?: string
  /** The first character that is not `\s` is one of these (the rule starts `^\s*`). */
  readonly firstNonSpace?: string
  /** The regex is case-sensitive and needs one of these exact substrings. */
  readonly cased?: ReadonlyArray<string>
  /**
   * A first non-`\s` character that opens the rule without any of its words: for a rule with one alternative
   * anchored at `^\s*` that has no word to trigger on, beside others that do.
   */
  readonly opensOnFirstNonSpace?: string
  /** A last character that opens the rule without any of its words: for a rule whose match may end the line. */
  readonly opensOnLast?: string
}

const BOOST_SHAPES: Record<string, Shape> = {
  "java-exception": { cased: ["Exception", "Error", "Throwable"], opensOnLast: "nre" },
  "caused-by": { firstNonSpace: "C" },
  "python-traceback": { firstNonSpace: "T" },
  "exception-line": { cased: ["Error", "Exception"], opensOnLast: "rn" },
  "dotnet-exception": { cased: ["System."] },
  "go-panic": { first: "pfg" },
  "elixir-exception": { firstNonSpace: "*" },
  "rust-error": { first: "e" },
  "maven-located": { first: "[" },
  "go-test-fail": { firstNonSpace: "-" },
  testify: { firstNonSpace: "E" },
  "pytest-failed": { first: "FE" },
  "pytest-assert": { first: "E" },
  "pytest-header": { first: "_" },
  "jest-bullet": { firstNonSpace: "●" },
  "jest-file": { firstNonSpace: "F" },
  // its words are case-sensitive: FAIL/FAILED (and `*** FAILED ***`), `not ok`, or a cross mark
  "test-verdict": { cased: ["FAIL", "not ok", "✗", "✘", "✖", "×"] },
  "gradle-test": { cased: ["FAILED"] },
  "test-failed": { cased: ["Test Failed", "Module Failed", " failed"], opensOnLast: "d" },
  linker: {
    cased: [
      "undefined reference to",
      "ld returned",
      "linker command failed",
      "Undefined symbols for architecture",
    ],
  },
  permission: { cased: ["Permission denied", "Access denied", "EACCES"] },
  segfault: { cased: ["Segmentation fault", "SIGSEGV", "core dumped", "SIGABRT", "Aborted", "Abort trap"] },
  killed: { cased: ["Killed", "signal: killed", "killed by signal", "SIGKILL"] },
  "rust-test": { first: "-" },
  "numbered-failure": { firstNonSpace: "0123456789" },
  "gradle-task": { first: ">" },
  "npm-err": { first: "n" },
  "yarn-error": { first: "e" },
  "maven-error": { first: "[" },
  make: { first: "m" },
  "go-fail-pkg": { first: "F" },
  "error-upper": { cased: ["ERROR"] },
  docker: { cased: ["ERROR", "failed to solve", "Error response from daemon", "manifest "] },
}

/** What a rule needs of a line before its regex is worth running. */
export interface Gate {
  /** Trigger literal ids, one of which must be present; undefined: no word needed. */
  readonly ids: Int32Array | undefined
  readonly first: string | undefined
  readonly firstNonSpace: string | undefined
  readonly cased: ReadonlyArray<string> | undefined
  /** First non-space characters that open the rule as a trigger word would. */
  readonly opensOnFirstNonSpace: string | undefined
  /** Last characters that open the rule as a trigger word would. */
  readonly opensOnLast: string | undefined
}

const gateOf = (triggers: ReadonlyArray<string> | undefined, shape: Shape | undefined): Gate => ({
  ids: triggers === undefined ? undefined : Int32Array.from(triggers, (t) => literalId.get(t)!),
  first: shape?.first,
  firstNonSpace: shape?.firstNonSpace,
  cased: shape?.cased,
  opensOnFirstNonSpace: shape?.opensOnFirstNonSpace,
  opensOnLast: shape?.opensOnLast,
})

/** Shapes of the penalty rules, by rule name (as BOOST_SHAPES; `cased` is not read for penalties). */
const PENALTY_SHAPES: Record<string, Shape> = {
  "help-text": { opensOnFirstNonSpace: "-" },
}

export const boostGate = (name: string): Gate => gateOf(BOOST_TRIGGERS[name], BOOST_SHAPES[name])
export const penaltyGate = (name: string): Gate => gateOf(PENALTY_TRIGGERS[name], PENALTY_SHAPES[name])
export const ZERO_COUNT_GATE: Gate = gateOf(ZERO_COUNT_TRIGGERS, undefined)

/** Per trigger id, 1 for the words a step-failure line needs (STEP_FAILED_TRIGGERS). */
export const STEP_FAILED_WORDS: Uint8Array = (() => {
  const words = new Uint8Array(scoringLiterals.length)
  for (const word of STEP_FAILED_TRIGGERS) words[literalId.get(word)!] = 1
  return words
})()

/** The UTF-16 code of the first character of `text` that JavaScript's `\s` does not match, or -1 if blank. */
export const firstNonSpaceCode = (text: string): number => {
  for (let i = 0; i < text.length; i++) {
    const c = charCodeAt(text, i)
    if (!isRegexSpace(c)) return c
  }
  return -1
}

/**
 * Lists the trigger words found in text[0, end), each once, as ids in `found[0, returned count)`, in any order. `hits`
 * is scratch of TRIGGER_COUNT entries: callers pass a new mark per line, so it never needs clearing. The WebAssembly
 * collection (whole texts of up to WASM_MAX_CHARS) keeps its own marks and leaves `hits` alone.
 */
export const collectTriggers = (
  text: string,
  end: number,
  hits: Int32Array,
  mark: number,
  found: Int32Array,
): number => {
  const wasm = wasmCollect()
  hashed = wasm !== undefined && end === text.length && end <= WASM_MAX_CHARS
  return hashed ? wasm!.collect(text, found) : scoringSet().collect(text, end, hits, mark, found)
}

/** Whether collectTriggers last read its text in WebAssembly, which hashed it on the way. */
let hashed = false

/**
 * Makes a chunk's bytes the ones collectLineTriggers reads; false where WebAssembly cannot run (then there is no
 * collectLineTriggers either).
 */
export const loadChunkBytes = (utf8: Uint8Array): boolean => {
  const wasm = wasmCollect()
  if (wasm === undefined) return false
  wasm.loadChunk(utf8)
  return true
}

/**
 * collectTriggers of the line at bytes [start, end) of the chunk loadChunkBytes loaded, cleaned as cleanLine would
 * clean it, or -1 when it takes the string path (see wasmClean.ts): decoding, cleanLine, collectTriggers. The text it
 * read is lastLineText's; lastTextHash is its hash.
 */
export const collectLineTriggers = (start: number, end: number, found: Int32Array): number => {
  const count = wasmCollect()!.collectLine(start, end, found)
  hashed = count >= 0
  return count
}

/** The cleaned text collectLineTriggers read last. */
export const lastLineText = (): string => wasmCollect()!.lastLine()

/**
 * The line at bytes [start, end) of the chunk loadChunkBytes loaded, cleaned as collectLineTriggers cleans it (what
 * cleanLine, and displayLine, make of it), or undefined when it takes the string path.
 */
export const cleanChunkLine = (start: number, end: number): string | undefined =>
  wasmCollect()!.cleanLine(start, end)

/**
 * The hash (FNV-1a, of the UTF-8 bytes) of the text collectTriggers last read, or undefined when it read that text in
 * JavaScript, which makes none. Equal texts have equal hashes; unequal ones rarely do.
 */
export const lastTextHash = (): number | undefined => (hashed ? wasmCollect()!.lastHash() : undefined)

/** collectTriggers without WebAssembly: the reference its tests hold the wasm collection to. */
export const collectTriggersJs = (
  text: string,
  end: number,
  hits: Int32Array,
  mark: number,
  found: Int32Array,
): number => scoringSet().collect(text, end, hits, mark, found)

/** Which collection collectTriggers runs on a line of the usual length. */
export const collectorKind = (): "wasm" | "js" => (wasmCollect() === undefined ? "js" : "wasm")

export const TRIGGER_COUNT = scoringLiterals.length
