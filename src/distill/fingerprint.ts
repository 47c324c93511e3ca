// Normalised text fingerprints: the exact-duplicate hash (case, punctuation and spacing ignored) and the
// 32-bit hashes word shingles and MinHash are built from.

/** Lower case, Unicode-normalised, punctuation dropped, whitespace collapsed: "Hello,  World!" = "hello world". */
export const normaliseText = (text: string): string =>
  text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()

/** FNV-1a over UTF-16 code units, 32 bits. */
export const hashString = (text: string, seed = 0x811c9dc5): number => {
  let hash = seed >>> 0
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return mix32(hash)
}

/** Murmur3's finaliser: spreads every input bit over the output. */
export const mix32 = (value: number): number => {
  let h = value >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** A 52-bit hash of the normalised text: exact as a JS number, so a Set can hold millions cheaply. */
export const contentHash = (text: string): number => {
  const normal = normaliseText(text)
  const high = hashString(normal, 0x811c9dc5) & 0xfffff
  const low = hashString(normal, 0x9747b28c)
  return high * 2 ** 32 + low
}

export const contentHashHex = (text: string): string => contentHash(text).toString(16).padStart(13, "0")

/** The sorted, distinct hashes of the text's k-word shingles (one shingle for texts shorter than k words). */
export const shingles = (text: string, k = 3): Uint32Array => {
  const words = normaliseText(text)
    .split(" ")
    .filter((w) => w !== "")
  if (words.length === 0) return new Uint32Array(0)
  const out: Array<number> = []
  if (words.length <= k) out.push(hashString(words.join(" ")))
  else for (let i = 0; i + k <= words.length; i++) out.push(hashString(words.slice(i, i + k).join(" ")))
  const sorted = Uint32Array.from(out).sort()
  let n = 0
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i]!
  return sorted.slice(0, n)
}

/** |A ∩ B| / |A ∪ B| of two sorted distinct hash sets. */
export const jaccard = (a: Uint32Array, b: Uint32Array): number => {
  if (a.length === 0 && b.length === 0) return 1
  let i = 0
  let j = 0
  let both = 0
  while (i < a.length && j < b.length) {
    const x = a[i]!
    const y = b[j]!
    if (x === y) {
      both++
      i++
      j++
    } else if (x < y) i++
    else j++
  }
  return both / (a.length + b.length - both)
}
