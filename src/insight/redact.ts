// Redaction before a log excerpt leaves the machine: tokens, keys, passwords in URLs and emails become
// placeholders such as [REDACTED:token], and what was removed is counted so the user can see it.

export type RedactionKind =
  | "github-token"
  | "buildkite-token"
  | "aws-key"
  | "slack-token"
  | "bearer-token"
  | "jwt"
  | "secret-assignment"
  | "url-password"
  | "email"

export interface Redacted {
  readonly text: string
  readonly total: number
  /** Only kinds that occurred. */
  readonly counts: Partial<Record<RedactionKind, number>>
}

interface Rule {
  readonly kind: RedactionKind
  readonly pattern: RegExp
  readonly replace: (match: string, ...groups: Array<string>) => string | undefined
}

const placeholder = (label: string) => `[REDACTED:${label}]`

// After "Bearer" or "password:", prose ("Bearer authentication failed", "password: incorrect") is kept:
// a secret has a digit or is long.
const looksSecret = (value: string) =>
  !value.startsWith("[REDACTED") && (/\d/.test(value) || value.length >= 20)

// Order matters: URLs with credentials and JWTs go first, so later rules never see half of them.
const rules: ReadonlyArray<Rule> = [
  {
    kind: "url-password",
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]+):([^\s@/]+)@/gi,
    replace: (_match, scheme, user) => `${scheme}${user}:${placeholder("password")}@`,
  },
  {
    kind: "jwt",
    pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g,
    replace: () => placeholder("jwt"),
  },
  {
    kind: "github-token",
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g,
    replace: () => placeholder("token"),
  },
  { kind: "buildkite-token", pattern: /\bbkua_[A-Za-z0-9]{30,}\b/g, replace: () => placeholder("token") },
  { kind: "slack-token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, replace: () => placeholder("token") },
  { kind: "aws-key", pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, replace: () => placeholder("aws-key") },
  {
    kind: "bearer-token",
    pattern: /\b(Bearer|Token)\s+([A-Za-z0-9._~+/=-]{8,})/g,
    replace: (_match, scheme, value) =>
      looksSecret(value) ? `${scheme} ${placeholder("token")}` : undefined,
  },
  {
    // key=value and key: value for names that hold secrets.
    kind: "secret-assignment",
    pattern:
      /\b((?:[A-Za-z0-9]+[_-])*(?:api[_-]?key|apikey|secret|secret[_-]?key|client[_-]?secret|access[_-]?token|auth[_-]?token|token|password|passwd|pwd)["']?\s*[=:]\s*["']?)([^\s'",;&]{6,})/gi,
    replace: (_match, prefix, value) =>
      looksSecret(value) ? `${prefix}${placeholder("secret")}` : undefined,
  },
  {
    kind: "email",
    pattern: /\b([A-Za-z0-9._%+-]+)@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g,
    // git@github.com:org/repo is an SSH remote, not a person's address.
    replace: (_match, local) => (local === "git" ? undefined : placeholder("email")),
  },
]

export const redact = (text: string): Redacted => {
  const counts: Partial<Record<RedactionKind, number>> = {}
  let total = 0
  let out = text
  for (const rule of rules) {
    out = out.replace(rule.pattern, (match: string, ...rest: Array<unknown>) => {
      const groups = rest.filter((item): item is string => typeof item === "string")
      const replaced = rule.replace(match, ...groups)
      if (replaced === undefined) return match
      counts[rule.kind] = (counts[rule.kind] ?? 0) + 1
      total++
      return replaced
    })
  }
  return { text: out, total, counts }
}

/** "3 redactions (2 token, 1 email)", for the request record and the prompt note. */
export const describeRedactions = (redacted: Redacted): string =>
  redacted.total === 0
    ? "nothing redacted"
    : `${redacted.total} redaction${redacted.total === 1 ? "" : "s"} (${Object.entries(redacted.counts)
        .map(([kind, count]) => `${count} ${kind}`)
        .join(", ")})`
