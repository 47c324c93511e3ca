// Findings of one failed build, as the browser and the live view get them.
import { Finding } from "../../src/domain/Finding.js"
import { Insight } from "../../src/domain/Insight.js"
import type { RequestId } from "../../src/domain/Request.js"

const make = (
  fields: Partial<ConstructorParameters<typeof Finding>[0]> & { readonly rank: number },
): Finding =>
  new Finding({
    id: `f${fields.rank}`,
    requestId: "3f2a1b9c-0000-4000-8000-000000000001" as RequestId,
    severity: "error",
    confidence: 0.9,
    lineStart: 1,
    lineEnd: 1,
    lines: ["error"],
    message: "error",
    context: { before: [], after: [] },
    occurrences: 1,
    hash: `h${fields.rank}`,
    category: "error",
    signals: [],
    jobName: "build",
    jobOutcome: "failed",
    ...fields,
  })

export const findings: ReadonlyArray<Finding> = [
  make({
    rank: 1,
    severity: "critical",
    confidence: 0.97,
    lineStart: 120,
    lineEnd: 122,
    lines: [
      "[ERROR] /src/main/java/com/acme/Billing.java:[42,17] cannot find symbol",
      "[ERROR]   symbol:   method chargeCard(java.lang.String)",
      "[ERROR]   location: class com.acme.Billing",
    ],
    message: "Billing.java:[42,17] cannot find symbol",
    context: {
      before: ["[INFO] Compiling 214 source files to /target/classes"],
      after: ["[INFO] BUILD FAILURE"],
    },
    category: "compile",
    signals: ["pattern:maven-compile +0.7", "rarity: one-off", "outcome: failed"],
  }),
  make({
    rank: 2,
    severity: "error",
    confidence: 0.81,
    lineStart: 88,
    lineEnd: 88,
    lines: ["npm ERR! code ELIFECYCLE"],
    message: "npm ERR! code ELIFECYCLE",
    context: { before: ["> storefront@2.4.0 build"], after: ["npm ERR! errno 1"] },
    category: "npm",
    occurrences: 3,
    signals: ["pattern:npm-err +0.5"],
  }),
  make({
    rank: 3,
    severity: "warning",
    confidence: 0.42,
    lineStart: 40,
    lineEnd: 40,
    lines: ["warning: unused variable `total`"],
    message: "warning: unused variable `total`",
    category: "compile",
    signals: ["pattern:warning +0.2"],
  }),
  make({
    rank: 4,
    severity: "info",
    confidence: 0.12,
    lineStart: 7,
    lineEnd: 7,
    lines: ["Retrying request (attempt 2 of 3)"],
    message: "Retrying request (attempt 2 of 3)",
    category: "retry",
    signals: ["penalty: retried -0.3"],
  }),
]

/** The longest finding: more lines than an 80×24 terminal can show at once. */
export const longFinding = make({
  rank: 1,
  lineStart: 500,
  lineEnd: 539,
  lines: Array.from({ length: 40 }, (_, i) => `    at com.acme.Frame${i}.call(Frame${i}.java:${i + 1})`),
  message: "java.lang.IllegalStateException: cart is empty",
  context: { before: ["before 1", "before 2", "before 3"], after: ["after 1"] },
  category: "java-exception",
  signals: Array.from({ length: 12 }, (_, i) => `signal number ${i} +0.0${i}`),
})

/** Frames as a person sees them: colours gone. */
export const plain = (frame: string | undefined): string => (frame ?? "").replace(/\x1b\[[0-9;]*m/g, "")

/** The insight a model gave for these findings (accepted), and one whose answers never validated. */
export const insight = new Insight({
  id: "i1",
  requestId: "3f2a1b9c-0000-4000-8000-000000000001" as RequestId,
  status: "accepted",
  summary: "The build does not compile: Billing.java calls a method that no longer exists.",
  rootCause: "chargeCard(String) was removed from the payment client but Billing.java still calls it.",
  category: "compile",
  evidence: [{ lineStart: 120, lineEnd: 120, quote: "Billing.java:[42,17] cannot find symbol" }],
  suggestedFix: "Call charge(PaymentRequest) in Billing.java.",
  confidence: 0.85,
  provider: "ollama",
  model: "llama3.1:8b",
  attempts: 1,
  reasons: [],
  promptVersion: "v1",
  inputHash: "hash",
  prompt: { system: "", messages: [] },
  cut: { included: ["f1"], omitted: [], shortened: [], maxChars: 20_000, redactions: 0, note: "" },
  createdAt: 0,
})

export const rejectedInsight = new Insight({
  ...insight,
  id: "i2",
  status: "rejected",
  summary: "",
  rootCause: "",
  category: "",
  evidence: [],
  suggestedFix: "",
  confidence: 0,
  attempts: 3,
  reasons: ['evidence quote "it is flaky" does not occur in the log near lines 1–1'],
})
