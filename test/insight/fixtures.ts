// Findings that look like what triage produces for a failed Maven build.
import { Finding } from "../../src/domain/Finding.js"
import type { RequestId } from "../../src/domain/Request.js"

export const finding = (overrides: Partial<ConstructorParameters<typeof Finding>[0]> = {}): Finding =>
  new Finding({
    id: "f1",
    requestId: "req-1" as RequestId,
    rank: 1,
    severity: "error",
    confidence: 0.9,
    lineStart: 120,
    lineEnd: 122,
    lines: [
      "[ERROR] COMPILATION ERROR :",
      "[ERROR] /src/main/java/com/acme/Billing.java:[42,17] cannot find symbol",
      "[ERROR]   symbol:   method chargeCard(java.lang.String)",
    ],
    message: "cannot find symbol chargeCard",
    context: {
      before: [
        "[INFO] Compiling 214 source files to /target/classes",
        "[INFO] -------------------------------",
      ],
      after: ["[INFO] BUILD FAILURE", "[INFO] Total time: 41.2 s"],
    },
    occurrences: 1,
    hash: "h1",
    category: "compile",
    signals: ["pattern:compiler-error +0.6"],
    jobName: "build",
    jobOutcome: "failed",
    ...overrides,
  })
