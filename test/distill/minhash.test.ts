// Near-duplicate detection: identical texts are always duplicates, texts with no words in common never are,
// and a lightly edited text is caught while a different one on the same topic is not.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { contentHash, jaccard, shingles } from "../../src/distill/fingerprint.js"
import { DedupIndex } from "../../src/distill/minhash.js"

const word = fc.stringMatching(/^[a-z]{3,8}$/)
const text = fc.array(word, { minLength: 4, maxLength: 60 }).map((words) => words.join(" "))

describe("MinHash dedup", () => {
  it("finds an identical text, whatever its case and punctuation", () =>
    fc.assert(
      fc.property(text, (t) => {
        const index = new DedupIndex({ nearThreshold: 0.8 })
        expect(index.admit(t, 1).duplicate).toBe(false)
        expect(index.admit(`${t.toUpperCase()}!`, 2)).toMatchObject({ duplicate: "exact", of: 1 })
      }),
    ))

  it("finds an identical text by MinHash alone when exact matching is off", () =>
    fc.assert(
      fc.property(text, (t) => {
        const index = new DedupIndex({ nearThreshold: 0.8, exact: false })
        index.admit(t, 1)
        expect(index.admit(t, 2)).toMatchObject({ duplicate: "near", of: 1, similarity: 1 })
      }),
    ))

  it("never calls texts with disjoint words duplicates", () =>
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 3, maxLength: 40 }),
        fc.array(word, { minLength: 3, maxLength: 40 }),
        (a, b) => {
          const left = a.map((w) => `x${w}`).join(" ")
          const right = b.map((w) => `y${w}`).join(" ")
          const index = new DedupIndex({ nearThreshold: 0.8 })
          index.admit(left, 1)
          expect(index.admit(right, 2).duplicate).toBe(false)
        },
      ),
    ))

  it("confirms candidates with the true Jaccard similarity", () => {
    const base = Array.from({ length: 120 }, (_, i) => `w${i}`)
    const edited = [...base.slice(0, 60), "changed", ...base.slice(61)]
    const similarity = jaccard(shingles(base.join(" ")), shingles(edited.join(" ")))
    expect(similarity).toBeGreaterThan(0.9)
    const index = new DedupIndex({ nearThreshold: 0.8 })
    index.admit(base.join(" "), 7)
    const verdict = index.admit(edited.join(" "), 8)
    expect(verdict).toEqual({ duplicate: "near", of: 7, similarity })
    const strict = new DedupIndex({ nearThreshold: 0.99, exact: false })
    strict.admit(base.join(" "), 7)
    expect(strict.admit(edited.join(" "), 8).duplicate).toBe(false)
  })

  it("keeps working as the index grows past its first buckets", () => {
    const index = new DedupIndex({ nearThreshold: 0.8 })
    const sentence = (i: number) => Array.from({ length: 12 }, (_, j) => `t${i}x${j}`).join(" ")
    for (let i = 0; i < 20_000; i++) expect(index.admit(sentence(i), i).duplicate).toBe(false)
    expect(index.admit(sentence(12_345), 99)).toMatchObject({ duplicate: "exact", of: 12_345 })
    expect(index.size).toBe(20_000)
  })

  it("hashes normalised text", () => expect(contentHash("Hello,  World")).toBe(contentHash("hello world!")))
})
