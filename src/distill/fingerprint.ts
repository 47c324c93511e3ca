// Normalised text fingerprints: the exact-duplicate hash (case, punctuation and spacing ignored) and the
// 32-bit hashes word shingles and MinHash are built from.

const nonAscii = /[^\x00-\x7f]/
const asciiSeparators = /[^a-z0-9]+/g
const separators = /[^\p{L}\p{N}]+/gu

/** Lower case, Unicode-normalised, punctuation dropped, whitespace collapsed: "Hello,  World!" = "hello world". */
export const normaliseText = (text: string): string =>
  // NFKC and the Unicode classes are identities on ASCII, the common case, and cost more than the rest.
  nonAscii.test(text)
    ? text.normalize("NFKC").toLowerCase().replace(separators, " ").trim()
    : text.toLowerCase().replace(asciiSeparators, " ").trim()

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

/** The 52-bit hash of already normalised text. */
const normalHash = (normal: string): number => {
  const high = hashString(normal, 0x811c9dc5) & 0xfffff
  const low = hashString(normal, 0x9747b28c)
  return high * 2 ** 32 + low
}

/** A 52-bit hash of the normalised text: exact as a JS number, so a Set can hold millions cheaply. */
export const contentHash = (text: string): number => normalHash(normaliseText(text))

export const contentHashHex = (text: string): string => contentHash(text).toString(16).padStart(13, "0")

/** The sorted, distinct hashes of the text's k-word shingles (one shingle for texts shorter than k words). */
export const shingles = (text: string, k = 3): Uint32Array => normalShingles(normaliseText(text), k)

/** Both fingerprints of a text, normalising it once: what the dedup index admits. */
export const fingerprint = (
  text: string,
  k = 3,
): { readonly hash: number; readonly shingles: Uint32Array } => {
  const normal = normaliseText(text)
  return { hash: normalHash(normal), shingles: normalShingles(normal, k) }
}

let wordHashes = new Uint32Array(256)

/**
 * Shingles of normalised text (words split by single spaces). A shingle's hash combines its words' hashes
 * in order, so no shingle string is ever built: that, not the hashing, was most of the cost.
 */
const normalShingles = (normal: string, k: number): Uint32Array => {
  let words = 0
  let h = 0x811c9dc5
  for (let i = 0; i <= normal.length; i++) {
    const c = i === normal.length ? 32 : normal.charCodeAt(i)
    if (c === 32) {
      if (i === 0) continue
      if (words === wordHashes.length) {
        const grown = new Uint32Array(words * 2)
        grown.set(wordHashes)
        wordHashes = grown
      }
      wordHashes[words++] = mix32(h)
      h = 0x811c9dc5
    } else h = Math.imul(h ^ c, 0x01000193)
  }
  if (words === 0) return new Uint32Array(0)
  const count = words <= k ? 1 : words - k + 1
  const span = Math.min(k, words)
  const out = new Uint32Array(count)
  for (let s = 0; s < count; s++) {
    let x = 0x9e3779b9
    for (let j = 0; j < span; j++) x = mix32(x ^ wordHashes[s + j]!) + j
    out[s] = x >>> 0
  }
  out.sort()
  let n = 0
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[i - 1]) out[n++] = out[i]!
  return n === out.length ? out : out.slice(0, n)
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
