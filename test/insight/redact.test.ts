// Redaction: every secret kind becomes a placeholder and is counted; ordinary log lines pass untouched.
import { describe, expect, it } from "vitest"
import { describeRedactions, redact } from "../../src/insight/redact.js"

const cases: Array<[string, string, string, string]> = [
  [
    "github-token",
    "git push https://x:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com",
    "ghp_",
    "[REDACTED:password]",
  ],
  [
    "github-token",
    "export GITHUB_TOKEN ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "ghp_",
    "[REDACTED:token]",
  ],
  ["github-token", "using gho_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 for the app", "gho_", "[REDACTED:token]"],
  [
    "buildkite-token",
    "agent token bkua_0123456789abcdef0123456789abcdef01234567",
    "bkua_",
    "[REDACTED:token]",
  ],
  [
    "aws-key",
    "aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE",
    "AKIAIOSFODNN7EXAMPLE",
    "[REDACTED:aws-key]",
  ],
  ["slack-token", "posting with xoxb-123456789012-abcdefghijkl", "xoxb-", "[REDACTED:token]"],
  [
    "bearer-token",
    "curl -H 'Authorization: Bearer abc.def-123_456' https://api",
    "abc.def-123_456",
    "Bearer [REDACTED:token]",
  ],
  [
    "secret-assignment",
    "connecting with api_key=sk1234567890abcdef",
    "sk1234567890abcdef",
    "api_key=[REDACTED:secret]",
  ],
  ["secret-assignment", 'config: {"password": "hunter22"}', "hunter22", "[REDACTED:secret]"],
  [
    "jwt",
    "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U rejected",
    "eyJhbGciOiJIUzI1NiJ9",
    "[REDACTED:jwt]",
  ],
  [
    "url-password",
    "pg: postgres://admin:s3cret@db.internal:5432/app",
    "s3cret",
    "postgres://admin:[REDACTED:password]@db.internal",
  ],
  ["email", "commit by jane.doe@example.com failed", "jane.doe@example.com", "[REDACTED:email]"],
]

describe("redact", () => {
  it.each(cases)("replaces a %s", (kind, line, secret, placeholder) => {
    const result = redact(line)
    expect(result.text).not.toContain(secret)
    expect(result.text).toContain(placeholder)
    expect(result.total).toBeGreaterThan(0)
    if (kind !== "github-token" || !line.includes("@github.com")) expect(result.counts).toHaveProperty(kind)
  })

  it("counts several secrets on one line and says what it removed", () => {
    const result = redact("user a@b.io with ghp_abcdefghijklmnopqrstuvwxyz0123456789 and c@d.org")
    expect(result.counts).toEqual({ "github-token": 1, email: 2 })
    expect(describeRedactions(result)).toBe("3 redactions (1 github-token, 2 email)")
  })

  it("leaves ordinary log lines alone", () => {
    const lines = [
      "ERROR: password: incorrect for user deploy",
      "token=expired, refreshing",
      "git clone git@github.com:acme/app.git",
      "npm ERR! 404 Not Found - GET https://registry.npmjs.org/@types%2fnode - Not found",
      "installed @types/node@20.19.1 and left-pad@1.3.0",
      "    at com.acme.Service.run(Service.java:42)",
      "Bearer authentication failed",
      "2024-05-01T10:00:00Z INFO request id=4f9c2e1b-7a0d-4c55-9a8e-2b1c3d4e5f60 took 120ms",
      "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      "FAILED tests/test_api.py::test_login - AssertionError: assert 401 == 200",
    ]
    for (const line of lines) {
      expect(redact(line)).toEqual({ text: line, total: 0, counts: {} })
    }
  })
})
