// A distributed destill for one suite: a Kafka mock, a PostgreSQL server, and agent processes of the built binary,
// every one of them stopped in teardown.
import { spawn, type ChildProcess } from "node:child_process"
import { SqlClient } from "@effect/sql"
import { Effect, ManagedRuntime } from "effect"
import { Kafka, logLevel, Partitioners } from "../../layers/broker/kafka/kafkajs.js"
import { PostgresClientLive } from "../../layers/store/postgres.js"
import { binary, runCli, type CliResult } from "../support/cli.js"
import { startKafkaMock, type KafkaMock } from "../support/kafkaMock.js"
import { startPostgres, type PostgresServer } from "../support/postgres.js"

export interface Agent {
  readonly role: string
  readonly child: ChildProcess
  readonly stderr: () => string
  /** SIGTERM, then wait for the exit code. */
  readonly stop: () => Promise<number | null>
  readonly kill: () => Promise<void>
}

export interface Cluster {
  readonly kafka: KafkaMock
  readonly postgres: PostgresServer
  readonly env: Record<string, string>
  readonly startAgent: (role: string, args?: ReadonlyArray<string>, env?: Record<string, string>) => Agent
  readonly cli: (args: ReadonlyArray<string>, env?: Record<string, string>) => Promise<CliResult>
  readonly query: <T extends object>(text: string, values?: ReadonlyArray<unknown>) => Promise<Array<T>>
  readonly stopAgents: () => Promise<void>
  /** Messages ever published to the topic (sum of its partitions' end offsets). */
  readonly topicEnd: (topic: string) => Promise<number>
  /** Publishes raw bytes, bypassing destill's encoding (poison messages). */
  readonly publishRaw: (topic: string, key: string, value: string) => Promise<void>
  readonly teardown: () => Promise<void>
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode)
    child.once("exit", (code) => resolve(code))
  })

export const startCluster = async (): Promise<Cluster> => {
  const kafka = await startKafkaMock(4)
  let postgres: PostgresServer
  try {
    postgres = await startPostgres("destill_kafka")
  } catch (error) {
    await kafka.stop()
    throw error
  }
  const env = {
    KAFKA_BROKERS: kafka.brokers,
    DATABASE_URL: postgres.url,
    DESTILL_DB_POOL: "4",
    // A killed agent's partitions move on after this long: short, so a test does not wait 30 s for it.
    DESTILL_KAFKA_SESSION_TIMEOUT_MS: "6000",
  }
  const agents = new Set<Agent>()
  const client = new Kafka({
    brokers: kafka.brokers.split(","),
    clientId: "destill-test",
    logLevel: logLevel.NOTHING,
  })
  const admin = client.admin()
  await admin.connect()
  const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  const database = ManagedRuntime.make(PostgresClientLive({ databaseUrl: postgres.url, poolSize: 2 }))

  const startAgent = (role: string, args: ReadonlyArray<string> = [], extra: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [binary, "agent", role, ...args], {
      env: { ...process.env, NO_COLOR: "1", ...env, ...extra },
      stdio: ["ignore", "ignore", "pipe"],
    })
    let stderr = ""
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d))
    const agent: Agent = {
      role,
      child,
      stderr: () => stderr,
      stop: async () => {
        child.kill("SIGTERM")
        const code = await exited(child)
        agents.delete(agent)
        return code
      },
      kill: async () => {
        child.kill("SIGKILL")
        await exited(child)
        agents.delete(agent)
      },
    }
    agents.add(agent)
    return agent
  }
  const stopAgents = async () => {
    await Promise.all(
      [...agents].map(async (agent) => {
        const timer = setTimeout(() => agent.child.kill("SIGKILL"), 10_000)
        await agent.stop()
        clearTimeout(timer)
      }),
    )
  }
  return {
    kafka,
    postgres,
    env,
    startAgent,
    cli: (args, extra = {}) => runCli(args, { env: { ...env, ...extra } }),
    query: <T extends object>(text: string, values: ReadonlyArray<unknown> = []) =>
      database.runPromise(
        Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<T>(text, values as Array<never>)),
      ) as Promise<Array<T>>,
    stopAgents,
    topicEnd: async (topic) =>
      (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0),
    publishRaw: async (topic, key, value) => {
      await producer.send({ topic, messages: [{ key, value }] })
    },
    teardown: async () => {
      for (const agent of agents) agent.child.kill("SIGKILL")
      await database.dispose().catch(() => undefined)
      await producer.disconnect().catch(() => undefined)
      await admin.disconnect().catch(() => undefined)
      await Promise.all([kafka.stop(), postgres.stop()])
    },
  }
}
