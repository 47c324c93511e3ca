// Reads the bench's settings from flags (`--size-mb 256`, `--only=quality`) and BENCH_* variables; flags win.
// Each section declares the settings it reads, so a new section brings its own flags without touching this file.
import { type BenchSection, envName } from "./section.js"

/** Settings of the harness itself; sections add theirs through `BenchSection.settings`. */
export const harnessSettings: ReadonlyArray<string> = ["only", "destill", "help"]

export const knownSettings = (sections: ReadonlyArray<BenchSection>): ReadonlyArray<string> => [
  ...harnessSettings,
  ...sections.flatMap((section) => section.settings ?? []),
]

export const readSettings = (
  argv: ReadonlyArray<string>,
  env: Readonly<Record<string, string | undefined>>,
  names: ReadonlyArray<string>,
): Map<string, string> => {
  const settings = new Map<string, string>()
  for (const name of names) {
    const value = env[`BENCH_${envName(name)}`]
    if (value !== undefined && value !== "") settings.set(name, value)
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ""
    if (!arg.startsWith("--")) continue
    const eq = arg.indexOf("=")
    if (eq > 0) settings.set(arg.slice(2, eq), arg.slice(eq + 1))
    else if (arg === "--help") settings.set("help", "")
    else settings.set(arg.slice(2), argv[++i] ?? "")
  }
  return settings
}

export const usage = (sections: ReadonlyArray<BenchSection>): string =>
  [
    "usage: npm run bench -- [--only NAME,NAME] [--destill 'dist/bundle/cli.js'] [--SETTING VALUE ...]",
    "every flag can also be set as BENCH_<SETTING> (BENCH_ONLY, BENCH_SIZE_MB, ...); flags win",
    "sections and their settings:",
    ...sections.map(
      (s) =>
        `  ${s.name.padEnd(12)} ${s.description}${s.settings?.length ? `\n${" ".repeat(15)}--${s.settings.join(", --")}` : ""}`,
    ),
  ].join("\n")
