// Duplicate detection for a growing dataset: an exact index over normalised hashes, and MinHash + LSH over
// word shingles whose candidates are confirmed against their true Jaccard similarity. Everything lives in
// typed arrays so a million samples cost tens of megabytes, not a Map entry per band per sample.
import { fingerprint, hashString, jaccard, mix32 } from "./fingerprint.js"

export interface DedupOptions {
  /** Jaccard similarity at or above which two samples are near duplicates; undefined turns it off. */
  readonly nearThreshold?: number
  readonly exact?: boolean
  /** Word shingle size; default 3. */
  readonly shingleSize?: number
  /** LSH bands × rows = permutations; default 8 × 4 (a pair at similarity 0.8 becomes a candidate 98.5% of the time). */
  readonly bands?: number
  readonly rows?: number
}

export type DedupVerdict =
  | { readonly duplicate: false }
  | { readonly duplicate: "exact" | "near"; readonly of: number; readonly similarity: number }

const grow = <T extends Int32Array | Uint32Array>(array: T, needed: number, make: (n: number) => T): T => {
  if (needed <= array.length) return array
  const next = make(Math.max(needed, array.length * 2))
  next.set(array)
  return next
}

const salts = new Uint32Array(256)
for (let p = 0; p < salts.length; p++) salts[p] = mix32(p + 0x9e3779b9)

/** MinHash signature: for each permutation, the least mixed hash over the shingles. */
export const signature = (set: Uint32Array, permutations: number): Uint32Array => {
  const out = new Uint32Array(permutations).fill(0xffffffff)
  // Shingle by shingle, every permutation's minimum updated in turn: each shingle is read once and the
  // salts come from a precomputed table (the same values as mixing p + 0x9e3779b9 each time).
  for (let i = 0; i < set.length; i++) {
    const x = set[i]!
    for (let p = 0; p < permutations; p++) {
      const h = mix32(x ^ (p < 256 ? salts[p]! : mix32(p + 0x9e3779b9)))
      if (h < out[p]!) out[p] = h
    }
  }
  return out
}

export class DedupIndex {
  private readonly exact: Map<number, number> | undefined
  private readonly threshold: number | undefined
  private readonly k: number
  private readonly bands: number
  private readonly rows: number
  // Shingle sets, concatenated: sample s owns pool[offsets[s] .. offsets[s + 1]).
  private pool = new Uint32Array(1 << 16)
  private offsets = new Int32Array(1 << 12)
  private refs = new Int32Array(1 << 12)
  private samples = 0
  // LSH buckets as chains: heads[key & mask] → entry → next entry; a key collision only adds a candidate.
  private heads = new Int32Array(1 << 16).fill(-1)
  private entryKey = new Uint32Array(1 << 14)
  private entrySample = new Int32Array(1 << 14)
  private entryNext = new Int32Array(1 << 14)
  private entries = 0
  private readonly bandSeeds: Array<number> = []
  // Samples already compared for the text being admitted, by an admission stamp: no Set per admission.
  private seenAt = new Int32Array(1 << 12)
  private stamp = 0

  constructor(options: DedupOptions) {
    this.exact = options.exact === false ? undefined : new Map()
    this.threshold = options.nearThreshold
    this.k = options.shingleSize ?? 3
    this.bands = options.bands ?? 8
    this.rows = options.rows ?? 4
  }

  get size(): number {
    return Math.max(this.samples, this.exact?.size ?? 0)
  }

  /** Whether `text` duplicates an admitted sample; if not, it is admitted under `ref`. Check and add are one step. */
  admit(text: string, ref: number): DedupVerdict {
    const print = fingerprint(text, this.k)
    const hash = this.exact === undefined ? 0 : print.hash
    const earlier = this.exact?.get(hash)
    if (earlier !== undefined) return { duplicate: "exact", of: earlier, similarity: 1 }
    if (this.threshold !== undefined) {
      const set = print.shingles
      if (set.length > 0) {
        const keys = this.bandKeys(set)
        const near = this.nearest(set, keys)
        if (near !== undefined) return near
        this.insert(set, keys, ref)
      }
    }
    this.exact?.set(hash, ref)
    return { duplicate: false }
  }

  private bandKeys(set: Uint32Array): Uint32Array {
    const sig = signature(set, this.bands * this.rows)
    const keys = new Uint32Array(this.bands)
    for (let b = 0; b < this.bands; b++) {
      let h = (this.bandSeeds[b] ??= hashString(String(b)))
      for (let r = 0; r < this.rows; r++) h = mix32(h ^ sig[b * this.rows + r]!) + r
      keys[b] = h >>> 0
    }
    return keys
  }

  private nearest(set: Uint32Array, keys: Uint32Array): DedupVerdict | undefined {
    const mask = this.heads.length - 1
    const stamp = ++this.stamp
    let best: { of: number; similarity: number } | undefined
    for (const key of keys) {
      for (let e = this.heads[key & mask]!; e !== -1; e = this.entryNext[e]!) {
        if (this.entryKey[e] !== key) continue
        const s = this.entrySample[e]!
        if (this.seenAt[s] === stamp) continue
        this.seenAt[s] = stamp
        const similarity = jaccard(set, this.pool.subarray(this.offsets[s]!, this.offsets[s + 1]!))
        if (similarity >= this.threshold! && (best === undefined || similarity > best.similarity))
          best = { of: this.refs[s]!, similarity }
      }
    }
    return best === undefined ? undefined : { duplicate: "near", ...best }
  }

  private insert(set: Uint32Array, keys: Uint32Array, ref: number): void {
    const s = this.samples++
    this.offsets = grow(this.offsets, s + 2, (n) => new Int32Array(n))
    this.refs = grow(this.refs, s + 1, (n) => new Int32Array(n))
    this.seenAt = grow(this.seenAt, s + 1, (n) => new Int32Array(n))
    const start = this.offsets[s]!
    this.pool = grow(this.pool, start + set.length, (n) => new Uint32Array(n))
    this.pool.set(set, start)
    this.offsets[s + 1] = start + set.length
    this.refs[s] = ref
    if (this.entries + keys.length > this.heads.length) this.rehash(this.heads.length * 2)
    const mask = this.heads.length - 1
    for (const key of keys) {
      const e = this.entries++
      this.entryKey = grow(this.entryKey, e + 1, (n) => new Uint32Array(n))
      this.entrySample = grow(this.entrySample, e + 1, (n) => new Int32Array(n))
      this.entryNext = grow(this.entryNext, e + 1, (n) => new Int32Array(n))
      this.entryKey[e] = key
      this.entrySample[e] = s
      this.entryNext[e] = this.heads[key & mask]!
      this.heads[key & mask] = e
    }
  }

  private rehash(capacity: number): void {
    this.heads = new Int32Array(capacity).fill(-1)
    const mask = capacity - 1
    for (let e = 0; e < this.entries; e++) {
      const slot = this.entryKey[e]! & mask
      this.entryNext[e] = this.heads[slot]!
      this.heads[slot] = e
    }
  }
}
