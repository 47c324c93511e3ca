// Loads the terminal UI when a command needs it. Ink is an ES module with top-level await, which CommonJS cannot
// require: in the bin, whose program is one CommonJS file (bundle.config.mjs), the UI's own imports of ink read the
// module this loads first. Run from the compiled sources, the UI imports ink itself and the extra step is a no-op.
import { esmImport } from "../../pipelines/esmImport.js"

export const INK_MODULE = Symbol.for("destill.ink")

export const loadUi = async <A>(load: () => Promise<A>): Promise<A> => {
  ;(globalThis as Record<symbol, unknown>)[INK_MODULE] = await esmImport("ink")
  return load()
}
