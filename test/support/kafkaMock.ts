// A Kafka-protocol broker for a test suite: librdkafka's mock cluster (Debian's librdkafka-dev) behind a small C
// launcher compiled into a temp dir at set-up; stopped in teardown, and it exits by itself if the test dies.
import { execFileSync, spawn, type ChildProcess } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { allTopicNames } from "../../layers/broker/kafka/topics.js"

const launcherSource = path.resolve(import.meta.dirname, "kafka-mock.c")
const header = "/usr/include/librdkafka/rdkafka_mock.h"

/** Whether the suites can run here; under CI=true a missing librdkafka is a failure, not a skip. */
export const kafkaMockAvailable = (): boolean => {
  const available = existsSync(header)
  if (!available && process.env["CI"] === "true") {
    throw new Error(
      "librdkafka-dev is not installed: the Kafka suites must run in CI (apt-get install librdkafka-dev)",
    )
  }
  if (!available) {
    console.warn(
      "skipping the Kafka suites: install librdkafka-dev (apt-get install librdkafka-dev) to run them",
    )
  }
  return available
}

export interface KafkaMock {
  /** `127.0.0.1:port,...` for KAFKA_BROKERS. */
  readonly brokers: string
  readonly stop: () => Promise<void>
}

let compiled: string | undefined

const compileLauncher = (): string => {
  if (compiled !== undefined && existsSync(compiled)) return compiled
  const dir = mkdtempSync(path.join(tmpdir(), "destill-kafka-mock-"))
  const binary = path.join(dir, "kafka-mock")
  execFileSync("gcc", ["-O1", "-o", binary, launcherSource, "-lrdkafka"], { stdio: "pipe" })
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }))
  compiled = binary
  return binary
}

/** Starts a 3-broker mock cluster with destill's topics (`partitions` each) already created. */
export const startKafkaMock = (partitions = 4): Promise<KafkaMock> =>
  new Promise((resolve, reject) => {
    const binary = compileLauncher()
    const child: ChildProcess = spawn(binary, ["3", String(partitions), ...allTopicNames], {
      stdio: ["pipe", "pipe", "pipe"],
    })
    let out = ""
    let err = ""
    const stop = () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done()
        child.once("exit", () => done())
        child.kill("SIGTERM")
        setTimeout(() => child.kill("SIGKILL"), 3_000).unref()
      })
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (err += d))
    child.on("error", reject)
    child.on("exit", (code) => {
      if (!out.includes("\n"))
        reject(new Error(`the Kafka mock exited (${code}) before serving: ${err.trim()}`))
    })
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      out += d
      const line = out.split("\n")[0]
      if (out.includes("\n") && line !== undefined) resolve({ brokers: line.trim(), stop })
    })
  })
