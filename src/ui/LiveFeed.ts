// A value the Effect side writes and React reads (useSyncExternalStore): the bridge that lets the pipeline run
// at its own pace while the view samples it.
export class LiveFeed<T> {
  private value: T
  private readonly listeners = new Set<() => void>()

  constructor(initial: T) {
    this.value = initial
  }

  readonly get = (): T => this.value

  readonly set = (value: T): void => {
    this.value = value
    for (const listener of this.listeners) listener()
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }
}
