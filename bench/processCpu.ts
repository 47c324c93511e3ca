// CPU seconds of long-running processes and their descendants, read from /proc: on a machine shared with others
// wall time alone misleads, and the agents, the broker and the database keep running between measurements.
import { readdirSync, readFileSync } from "node:fs"

const ticksPerSecond = 100

interface ProcStat {
  readonly pid: number
  readonly parent: number
  /** utime + stime, in clock ticks. */
  readonly ticks: number
}

const readStat = (pid: number): ProcStat | undefined => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8")
    // The command name is in parentheses and may hold spaces: the fields start after its closing one.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ")
    return { pid, parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }
  } catch {
    return undefined
  }
}

const allPids = (): Array<number> => {
  try {
    return readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
  } catch {
    return []
  }
}

/** Whether /proc can be read here (Linux); elsewhere the CPU figures are left out. */
export const cpuAccounting = (): boolean => readStat(process.pid) !== undefined

/** Pids whose command line contains `fragment` (the embedded PostgreSQL is found by its data directory). */
export const pidsByCommandLine = (fragment: string): Array<number> =>
  allPids().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\u0000", " ").includes(fragment)
    } catch {
      return false
    }
  })

/** CPU seconds used so far by the processes and every live descendant (PostgreSQL's backends, worker pools). */
export const treeCpuSeconds = (roots: ReadonlyArray<number>): number => {
  const stats = allPids()
    .map(readStat)
    .filter((stat): stat is ProcStat => stat !== undefined)
  const children = new Map<number, Array<ProcStat>>()
  for (const stat of stats) children.set(stat.parent, [...(children.get(stat.parent) ?? []), stat])
  const byPid = new Map(stats.map((stat) => [stat.pid, stat] as const))
  let ticks = 0
  const seen = new Set<number>()
  const visit = (pid: number) => {
    if (seen.has(pid)) return
    seen.add(pid)
    ticks += byPid.get(pid)?.ticks ?? 0
    for (const child of children.get(pid) ?? []) visit(child.pid)
  }
  for (const root of roots) visit(root)
  return ticks / ticksPerSecond
}

/** CPU seconds per named group of processes between `start()` and the returned reading. */
export const cpuMeter = (groups: Readonly<Record<string, () => ReadonlyArray<number>>>) => {
  const read = () =>
    Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, treeCpuSeconds(pids())] as const))
  const before = read()
  return () => {
    const after = read()
    return Object.fromEntries(
      Object.keys(groups).map(
        (name) => [name, Math.max(0, (after[name] ?? 0) - (before[name] ?? 0))] as const,
      ),
    )
  }
}
