// `import()` of a package or file outside the program (ink, react, a job's script module). In the bin the program is
// one CommonJS file compiled with node:vm (src/cli/codeCache.ts), where Node 20 runs `import()` only through an
// experimental loader hook, which warns on stderr and is lost when the script comes from a code cache:
// bundle.config.mjs swaps this module for one that asks the bin's own ES module entry (src/cli/bundleMain.ts) to
// import instead.
export const ESM_IMPORT = Symbol.for("destill.esmImport")

export const esmImport = <M>(specifier: string): Promise<M> => import(specifier) as Promise<M>
