// Which findings belong together in an insight prompt: blocks of the same job a few lines apart tell one
// story and sit side by side; a finding with the same hash as one already chosen is a repeat and is left out.
import { Finding } from "../../src/domain/Finding.js"
import { redact } from "../../src/insight/redact.js"
import { cleanLine } from "../../src/triage/clean.js"

export interface FindingGroup {
  /** Best first is the group's lead; the others follow in log order. */
  readonly findings: ReadonlyArray<Finding>
  /** Same failure (same hash) as a member: not worth prompt space, counted in what was cut. */
  readonly repeats: ReadonlyArray<Finding>
}

export interface GroupOptions {
  /** Findings of one job at most this many lines apart are grouped; default 10. */
  readonly nearLines?: number
}

const byImportance = (a: Finding, b: Finding) =>
  (a.rank || Number.MAX_SAFE_INTEGER) - (b.rank || Number.MAX_SAFE_INTEGER) ||
  b.confidence - a.confidence ||
  a.lineStart - b.lineStart

const gap = (a: Finding, b: Finding) =>
  Math.max(0, Math.max(a.lineStart, b.lineStart) - Math.min(a.lineEnd, b.lineEnd))

interface Building {
  readonly members: Array<Finding>
  readonly repeats: Array<Finding>
}

/** Groups in the order of their best finding. */
export const groupFindings = (
  findings: ReadonlyArray<Finding>,
  options: GroupOptions = {},
): ReadonlyArray<FindingGroup> => {
  const near = options.nearLines ?? 10
  const groups: Array<Building> = []
  for (const finding of [...findings].sort(byImportance)) {
    const same = groups.find((g) => g.members.some((m) => m.hash === finding.hash))
    if (same !== undefined) {
      same.repeats.push(finding)
      continue
    }
    const neighbour = groups.find((g) =>
      g.members.some((m) => m.jobName === finding.jobName && gap(m, finding) <= near),
    )
    if (neighbour !== undefined) neighbour.members.push(finding)
    else groups.push({ members: [finding], repeats: [] })
  }
  return groups.map((g) => {
    const [lead, ...rest] = g.members
    const ordered = lead === undefined ? [] : [lead, ...rest.sort((a, b) => a.lineStart - b.lineStart)]
    return { findings: ordered, repeats: g.repeats }
  })
}

/**
 * The findings in the order the prompt should show them, ranks renumbered to that order (the prompt
 * packs best rank first), lines without CI decorations (timestamps, colours cost tokens and tell the
 * model nothing), secrets replaced unless `redact` is false, and the repeats left out. Redacting here, once
 * a line, spares the prompt packer from redacting each line again for every shape it tries.
 */
export const promptOrder = (
  groups: ReadonlyArray<FindingGroup>,
  options: { readonly redact: boolean; readonly maxFindings: number },
): {
  readonly findings: ReadonlyArray<Finding>
  /** Past the limit on findings considered, in order. */
  readonly beyondLimit: ReadonlyArray<Finding>
  readonly repeats: ReadonlyArray<Finding>
} => {
  const ordered = groups.flatMap((g) => g.findings)
  const prepare = options.redact ? (line: string) => redact(cleanLine(line)).text : cleanLine
  return {
    findings: ordered.slice(0, options.maxFindings).map(
      (finding, i) =>
        new Finding({
          ...finding,
          rank: i + 1,
          message: options.redact ? redact(finding.message).text : finding.message,
          lines: finding.lines.map(prepare),
          context: { before: finding.context.before.map(prepare), after: finding.context.after.map(prepare) },
        }),
    ),
    beyondLimit: ordered.slice(options.maxFindings),
    repeats: groups.flatMap((g) => g.repeats),
  }
}
