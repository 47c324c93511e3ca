// The Aho-Corasick automaton both literal scanners use (on strings in literalScan, on raw UTF-8 in bytePrefilter):
// built once over literals already mapped to a compact alphabet of classes (class 0: a character no literal holds).
/** A dense automaton: failure links folded into the transitions, so a scan is one table load a character. */
export interface LiteralAutomaton {
  /** `(nextRow << 1) | hasOutput`, rows premultiplied by the class count: entry `row + class`. */
  readonly next: Int32Array
  /** Per state: the ids of the literals ending there (through failure links too). */
  readonly outputs: ReadonlyArray<ReadonlyArray<number>>
}

/** `sequences[id]` is literal `id` as class numbers in 1..classes-1. */
export const buildAutomaton = (
  sequences: ReadonlyArray<ReadonlyArray<number>>,
  classes: number,
): LiteralAutomaton => {
  const goto: Array<Map<number, number>> = [new Map()]
  const out: Array<Array<number>> = [[]]
  sequences.forEach((sequence, id) => {
    let state = 0
    for (const cls of sequence) {
      let to = goto[state]!.get(cls)
      if (to === undefined) {
        to = goto.length
        goto.push(new Map())
        out.push([])
        goto[state]!.set(cls, to)
      }
      state = to
    }
    out[state]!.push(id)
  })
  const target = new Int32Array(goto.length * classes)
  const fail = new Int32Array(goto.length)
  // Breadth-first, so a state's failure target is complete before its children are built.
  const queue: Array<number> = []
  for (const [cls, to] of goto[0]!) {
    target[cls] = to
    queue.push(to)
  }
  for (let q = 0; q < queue.length; q++) {
    const state = queue[q]!
    out[state]!.push(...out[fail[state]!]!)
    for (let cls = 1; cls < classes; cls++) {
      const to = goto[state]!.get(cls)
      if (to === undefined) target[state * classes + cls] = target[fail[state]! * classes + cls]!
      else {
        target[state * classes + cls] = to
        fail[to] = target[fail[state]! * classes + cls]!
        queue.push(to)
      }
    }
  }
  return {
    next: target.map((to) => ((to * classes) << 1) | (out[to]!.length > 0 ? 1 : 0)),
    outputs: out,
  }
}

/** A literal automaton over UTF-8 bytes: each byte's class (A-Z folded to a-z; 0 for bytes no literal holds). */
export interface ByteAutomaton extends LiteralAutomaton {
  readonly classOf: Uint8Array
  readonly classes: number
}

/**
 * A-Z to a-z, every other byte or UTF-16 code as it is: the only folding the literal automatons (and a non-unicode
 * /i regex) do.
 */
export const foldAscii = (c: number): number => (c >= 65 && c <= 90 ? c | 32 : c)

/** The automaton of `literals` on their UTF-8 bytes, ASCII letters in any case. */
export const buildByteAutomaton = (literals: ReadonlyArray<string>): ByteAutomaton => {
  const encoded = literals.map((literal) => Array.from(Buffer.from(literal, "utf8"), foldAscii))
  const classOf = new Uint8Array(256)
  let classes = 1
  for (const bytes of encoded) for (const b of bytes) if (classOf[b] === 0) classOf[b] = classes++
  for (let b = 65; b <= 90; b++) classOf[b] = classOf[b | 32]!
  const automaton = buildAutomaton(
    encoded.map((bytes) => bytes.map((b) => classOf[b]!)),
    classes,
  )
  return { ...automaton, classOf, classes }
}
