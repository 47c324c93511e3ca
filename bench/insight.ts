// Insight pipeline cost in this process with the scripted provider: the overhead a request adds beyond
// the model's own latency (grouping, prompt packing, redaction, validation, store), and whether N
// requests against a provider with fixed latency L at concurrency C finish in about N·L/C.
import { loadavg } from "node:os"
import { Effect, Layer } from "effect"
import { makeScripted } from "../layers/provider/scripted.js"
import { insightForRequest } from "../pipelines/insight/insightForRequest.js"
import { Finding } from "../src/domain/Finding.js"
import { RequestId } from "../src/domain/Request.js"
import { InsightRepo } from "../src/services/InsightRepo.js"
import { LanguageModel } from "../src/services/LanguageModel.js"
import { BenchError, type BenchSection, type Row } from "./section.js"

const overheadRequests = 300
const targetOverheadMs = 5
const latencyMs = 200
const concurrentRequests = 40
const concurrency = 8

/** Eight findings like a failed Java build: a compile error, a long stack trace, some secrets. */
const findingsFor = (requestId: string): ReadonlyArray<Finding> =>
  Array.from({ length: 8 }, (_, i) => {
    const start = 100 + i * 60
    const lines = [
      `[ERROR] /src/main/java/com/acme/Billing${i}.java:[42,17] cannot find symbol`,
      `[ERROR]   symbol:   method chargeCard(java.lang.String) token=ghp_Zx9QwErTyUiOpAsDfGhJkLzXcVbNm12345${i}${i}`,
      ...Array.from(
        { length: 20 },
        (_, j) => `    at com.acme.billing.Worker${i}.step${j}(Worker${i}.java:${j + 10})`,
      ),
    ]
    return new Finding({
      id: `${requestId}:${i}`,
      requestId: RequestId.make(requestId),
      rank: i + 1,
      severity: "error",
      confidence: 0.9 - i * 0.05,
      lineStart: start,
      lineEnd: start + lines.length - 1,
      lines,
      message: `cannot find symbol in Billing${i}.java`,
      context: {
        before: ["[INFO] Compiling 214 source files", "[INFO] see https://ci:s3cretpass@ci.acme.dev/log"],
        after: ["[INFO] BUILD FAILURE", "[INFO] Total time: 41.2 s"],
      },
      occurrences: 1,
      hash: `hash-${i}`,
      category: "compile",
      signals: ["pattern:compiler-error +0.6"],
      jobName: "build",
      jobOutcome: "failed",
    })
  })

const answer = {
  summary: "The build does not compile.",
  rootCause: "Billing0.java calls chargeCard(String), which no longer exists.",
  category: "compile",
  evidence: [{ lineStart: 100, lineEnd: 100, quote: "Billing0.java:[42,17] cannot find symbol" }],
  suggestedFix: "Call the new payment API.",
  confidence: 0.8,
}

const modelLayer = (latency: number) =>
  Layer.merge(
    Layer.succeed(LanguageModel, makeScripted({ script: [{ value: answer }], latencyMs: latency })),
    InsightRepo.Memory,
  )

/** Wall and CPU milliseconds for `count` requests at `parallel`, each a new request (no reuse). */
const timeRequests = (count: number, parallel: number, latency: number) =>
  Effect.gen(function* () {
    // Findings come from triage, outside the insight pipeline: made before the clock starts.
    const inputs = Array.from({ length: count }, (_, i) => {
      const id = `bench-${latency}-${i}`
      return { id, findings: findingsFor(id) }
    })
    const started = performance.now()
    const cpuBefore = process.cpuUsage()
    const insights = yield* Effect.forEach(
      inputs,
      (input) => insightForRequest(input.id, input.findings, { reuse: false }),
      { concurrency: parallel },
    ).pipe(
      Effect.provide(modelLayer(latency)),
      Effect.mapError((error) => new BenchError({ message: `insight pipeline failed: ${error.message}` })),
    )
    const elapsed = performance.now() - started
    const cpu = process.cpuUsage(cpuBefore)
    const rejected = insights.filter((insight) => insight.status !== "accepted").length
    if (rejected > 0) {
      return yield* new BenchError({
        message: `${rejected} bench insight(s) were rejected: the fixture is broken`,
      })
    }
    return { wallMs: elapsed, cpuMs: (cpu.user + cpu.system) / 1000 }
  })

export const insightSection: BenchSection = {
  name: "insight",
  description:
    "insight pipeline overhead beyond the provider, and concurrent requests against a fixed latency",
  run: () =>
    Effect.gen(function* () {
      // Warm up the JIT so the figure is the steady state a long-running agent sees.
      yield* timeRequests(30, 1, 0)
      const load = loadavg()[0] ?? 0
      const overhead = yield* timeRequests(overheadRequests, 1, 0)
      const overheadMs = overhead.wallMs / overheadRequests
      // CPU time is the work itself; wall time also counts waiting for a core on a busy machine.
      const overheadCpuMs = overhead.cpuMs / overheadRequests
      const { wallMs } = yield* timeRequests(concurrentRequests, concurrency, latencyMs)
      const idealMs = (concurrentRequests * latencyMs) / concurrency
      const ratio = wallMs / idealMs
      const rows: Array<Row> = [
        {
          metric: "overhead per request, CPU (scripted, 0 ms latency)",
          value: `${overheadCpuMs.toFixed(2)} ms`,
          target: `< ${targetOverheadMs} ms`,
          met: overheadCpuMs < targetOverheadMs,
        },
        { metric: "overhead per request, wall", value: `${overheadMs.toFixed(2)} ms` },
        {
          metric: `${concurrentRequests} requests, latency ${latencyMs} ms, concurrency ${concurrency}`,
          value: `${wallMs.toFixed(0)} ms (N·L/C = ${idealMs.toFixed(0)} ms, ×${ratio.toFixed(2)})`,
          target: "≈ N·L/C (× ≤ 1.3)",
          met: ratio <= 1.3,
        },
      ]
      return {
        rows,
        figures: {
          overheadMsPerRequest: Number(overheadMs.toFixed(3)),
          overheadCpuMsPerRequest: Number(overheadCpuMs.toFixed(3)),
          loadAverage: Number(load.toFixed(2)),
          overheadRequests,
          concurrentRequests,
          latencyMs,
          concurrency,
          wallMs: Math.round(wallMs),
          idealMs,
          ratio: Number(ratio.toFixed(3)),
        },
        notes: [
          "8 findings a request (22 lines each), redaction on, every answer validated and stored in memory",
          ...(load > 2
            ? [`load average ${load.toFixed(1)} at the start: wall times include waiting for a core`]
            : []),
        ],
      }
    }),
}
