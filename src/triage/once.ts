// Tables a thread builds the first time it scores: the literal automatons, their WebAssembly modules. A process
// reads and cuts chunks on its main thread and scores them on worker threads, so the main thread of a big run, and
// every command that scores nothing (`--help`, `view`, `submit`), never builds them (~25 ms of each start).

/** `make()`, run the first time the result is asked for and kept. */
export const once = <A>(make: () => A): (() => A) => {
  let made: { readonly value: A } | undefined
  return () => (made ??= { value: make() }).value
}
