// LanguageModel over several providers at once: a strategy picks one per call, each provider has its
// concurrency, per-minute budgets and circuit breaker, transient failures are retried with backoff
// (honouring Retry-After, moving to another provider when one is out), and stats are kept per provider.
import { Clock, Context, Effect, Exit, Layer, Random, SubscriptionRef } from "effect"
import {
  BadRequest,
  type GenerateRequest,
  type Generation,
  isTransient,
  LanguageModel,
  type LanguageModelError,
  type LanguageModelShape,
  LanguageModelStats,
  type LanguageModelStatsShape,
  Overloaded,
  type ProviderStats,
  type Usage,
} from "../../src/services/LanguageModel.js"
import { type BreakerOptions, CircuitBreaker } from "./circuit-breaker.js"
import { RequestWindow, TokenWindow } from "./rate-window.js"
import { estimateTokens } from "./structured.js"

/** round-robin: in turn; weighted: in proportion to `weight`; capability: in turn among those that can. */
export type RouterStrategy = "round-robin" | "weighted" | "capability"

export interface RoutedProvider {
  readonly model: LanguageModelShape
  /** Unique name in stats and errors; default "provider/model". */
  readonly name?: string
  /** Share of calls under the weighted strategy; default 1. */
  readonly weight?: number
  /** Calls in flight at once; default 4. */
  readonly concurrency?: number
  readonly requestsPerMinute?: number
  readonly tokensPerMinute?: number
}

export interface RouterOptions {
  readonly providers: ReadonlyArray<RoutedProvider>
  readonly strategy?: RouterStrategy
  /** Attempts per call over all providers, the first included; default 4. */
  readonly maxAttempts?: number
  /** Exponential backoff between attempts: initial delay (default 500 ms), doubling up to maxMs (default 30 s). */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number }
  readonly breaker?: BreakerOptions
}

export interface Router {
  readonly model: LanguageModelShape
  readonly stats: LanguageModelStatsShape
}

interface Slot {
  readonly name: string
  readonly shape: LanguageModelShape
  readonly weight: number
  readonly semaphore: Effect.Semaphore
  readonly requests: RequestWindow | undefined
  readonly tokens: TokenWindow | undefined
  readonly breaker: CircuitBreaker
  /** Smooth weighted round-robin state (nginx's algorithm): deterministic and evenly spread. */
  currentWeight: number
  calls: number
  failures: number
  inFlight: number
  promptTokens: number
  completionTokens: number
  costUsd: number
  latencyMsSum: number
  lastError: string | undefined
}

type Need = "jsonSchema" | "embeddings"

/** A call's work on one provider, and the usage it reports for the token budget. */
interface Work<A> {
  readonly estimate: number
  readonly run: (shape: LanguageModelShape) => Effect.Effect<A, LanguageModelError>
  readonly usage: (result: A) => Usage
  readonly cost: (result: A) => number
}

export const makeRouter = (options: RouterOptions): Effect.Effect<Router> =>
  Effect.gen(function* () {
    if (options.providers.length === 0)
      return yield* Effect.dieMessage("a router needs at least one provider")
    const strategy = options.strategy ?? "round-robin"
    const maxAttempts = Math.max(1, options.maxAttempts ?? 4)
    const initialMs = options.backoff?.initialMs ?? 500
    const maxMs = options.backoff?.maxMs ?? 30_000
    const slots: Array<Slot> = []
    for (const provider of options.providers) {
      const name = provider.name ?? `${provider.model.provider}/${provider.model.model}`
      if (slots.some((slot) => slot.name === name))
        return yield* Effect.dieMessage(`two providers named ${name}`)
      slots.push({
        name,
        shape: provider.model,
        weight: Math.max(0, provider.weight ?? 1),
        semaphore: yield* Effect.makeSemaphore(Math.max(1, provider.concurrency ?? 4)),
        requests:
          provider.requestsPerMinute === undefined
            ? undefined
            : new RequestWindow(provider.requestsPerMinute),
        tokens:
          provider.tokensPerMinute === undefined ? undefined : new TokenWindow(provider.tokensPerMinute),
        breaker: new CircuitBreaker(options.breaker),
        currentWeight: 0,
        ...{
          calls: 0,
          failures: 0,
          inFlight: 0,
          promptTokens: 0,
          completionTokens: 0,
          costUsd: 0,
          latencyMsSum: 0,
        },
        lastError: undefined,
      })
    }

    const snapshot = (): ReadonlyArray<ProviderStats> =>
      slots.map((slot) => {
        const answered = slot.calls - slot.failures
        return {
          provider: slot.name,
          model: slot.shape.model,
          calls: slot.calls,
          failures: slot.failures,
          inFlight: slot.inFlight,
          promptTokens: slot.promptTokens,
          completionTokens: slot.completionTokens,
          costUsd: slot.costUsd,
          latencyMsSum: slot.latencyMsSum,
          latencyMsAvg: answered === 0 ? 0 : slot.latencyMsSum / answered,
          breaker: slot.breaker.current,
          ...(slot.lastError === undefined ? {} : { lastError: slot.lastError }),
        }
      })
    const statsRef = yield* SubscriptionRef.make(snapshot())
    const publish = Effect.suspend(() => SubscriptionRef.set(statsRef, snapshot()))

    let turn = 0
    /** The provider for this attempt, or how long until one is back. */
    const pick = (needs: ReadonlyArray<Need>, now: number): Slot | { readonly waitMs: number } => {
      const capable =
        strategy === "capability" || needs.includes("embeddings")
          ? slots.filter((slot) => needs.every((need) => slot.shape.capabilities[need]))
          : slots
      const open = capable.filter((slot) => slot.breaker.isAvailable(now))
      if (open.length === 0) {
        const reopens = Math.min(...capable.map((slot) => slot.breaker.reopensAt))
        return { waitMs: Math.max(0, reopens - now) }
      }
      let chosen: Slot
      if (strategy === "weighted") {
        const total = open.reduce((sum, slot) => sum + slot.weight, 0)
        for (const slot of open) slot.currentWeight += slot.weight
        chosen = open.reduce((best, slot) => (slot.currentWeight > best.currentWeight ? slot : best))
        chosen.currentWeight -= total
      } else {
        chosen = open[turn++ % open.length]!
      }
      chosen.breaker.admit(now)
      return chosen
    }

    /** One attempt on one provider, inside its concurrency and per-minute budgets. */
    const attemptOn = <A>(slot: Slot, work: Work<A>): Effect.Effect<A, LanguageModelError> => {
      let running = false
      const body = slot.semaphore.withPermits(1)(
        Effect.gen(function* () {
          if (slot.requests !== undefined) {
            const wait = slot.requests.reserve(yield* Clock.currentTimeMillis)
            if (wait > 0) yield* Effect.sleep(wait)
          }
          let spend: Parameters<TokenWindow["settle"]>[0] | undefined
          while (slot.tokens !== undefined && spend === undefined) {
            const reservation = slot.tokens.tryReserve(yield* Clock.currentTimeMillis, work.estimate)
            if (reservation.spend !== undefined) spend = reservation.spend
            else yield* Effect.sleep(reservation.waitMs)
          }
          slot.inFlight++
          running = true
          yield* publish
          const started = yield* Clock.currentTimeMillis
          const exit = yield* Effect.exit(work.run(slot.shape))
          const ended = yield* Clock.currentTimeMillis
          running = false
          slot.inFlight--
          slot.calls++
          if (Exit.isSuccess(exit)) {
            const usage = work.usage(exit.value)
            slot.promptTokens += usage.promptTokens
            slot.completionTokens += usage.completionTokens
            slot.costUsd += work.cost(exit.value)
            slot.latencyMsSum += ended - started
            if (spend !== undefined) slot.tokens?.settle(spend, usage.promptTokens + usage.completionTokens)
            slot.breaker.succeeded()
          } else {
            slot.failures++
            const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
            slot.lastError = failure?.message ?? "interrupted or defect"
            if (failure === undefined) slot.breaker.abandoned()
            else if (isTransient(failure) && failure._tag !== "RateLimited") slot.breaker.failed(ended)
            else slot.breaker.succeeded()
          }
          yield* publish
          return yield* exit
        }),
      )
      // A cancelled call (its caller gave up) must not hold the half-open probe or count as in flight.
      return Effect.onInterrupt(body, () =>
        Effect.suspend(() => {
          if (running) slot.inFlight--
          running = false
          slot.breaker.abandoned()
          return publish
        }),
      )
    }

    const backoffMs = (attempt: number) =>
      Effect.map(Random.next, (r) => Math.min(maxMs, initialMs * 2 ** attempt) * (0.5 + r / 2))

    const route = <A>(needs: ReadonlyArray<Need>, work: Work<A>): Effect.Effect<A, LanguageModelError> => {
      const attempt = (n: number): Effect.Effect<A, LanguageModelError> =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const chosen = pick(needs, now)
          const result: Exit.Exit<A, LanguageModelError> =
            "waitMs" in chosen
              ? Exit.fail(
                  new Overloaded({
                    provider: "router",
                    detail: `every provider that can serve this call is out after repeated failures (circuit open for ${Math.ceil(chosen.waitMs)} ms more)`,
                  }),
                )
              : yield* Effect.exit(attemptOn(chosen, work))
          if (Exit.isSuccess(result) || n + 1 >= maxAttempts) return yield* result
          const error = result.cause._tag === "Fail" ? result.cause.error : undefined
          if (error === undefined || !isTransient(error)) return yield* result
          const retryAfter = error._tag === "RateLimited" ? (error.retryAfterMs ?? 0) : 0
          const reopen = "waitMs" in chosen ? chosen.waitMs : 0
          const delay = Math.max(yield* backoffMs(n), retryAfter, reopen)
          if (delay > 0) yield* Effect.sleep(delay)
          return yield* attempt(n + 1)
        })
      return attempt(0)
    }

    const needsFor = (request: GenerateRequest<unknown, unknown>): ReadonlyArray<Need> =>
      strategy === "capability" && request.schema !== undefined ? ["jsonSchema"] : []

    const generate = <A, I>(
      request: GenerateRequest<A, I>,
    ): Effect.Effect<Generation<A>, LanguageModelError> => {
      const untyped = request as GenerateRequest<unknown, unknown>
      const needs = needsFor(untyped)
      if (needs.length > 0 && !slots.some((slot) => slot.shape.capabilities.jsonSchema)) {
        return Effect.fail(
          new BadRequest({ provider: "router", detail: "no configured provider supports JSON schema" }),
        )
      }
      return route(needs, {
        estimate:
          estimateTokens((request.system ?? "") + untyped.messages.map((m) => m.content).join("\n")) +
          (request.maxTokens ?? 0),
        run: (shape) => shape.generate(request),
        usage: (generation) => generation.usage,
        cost: (generation) => generation.costUsd ?? 0,
      })
    }

    const embed = (texts: ReadonlyArray<string>) =>
      slots.some((slot) => slot.shape.capabilities.embeddings)
        ? route(["embeddings"], {
            estimate: estimateTokens(texts.join("\n")),
            run: (shape) => shape.embed(texts),
            usage: () => ({ promptTokens: estimateTokens(texts.join("\n")), completionTokens: 0 }),
            cost: () => 0,
          })
        : Effect.fail(new BadRequest({ provider: "router", detail: "no configured provider can embed" }))

    const known = slots.flatMap((slot) => slot.shape.capabilities.contextTokens ?? [])
    const model: LanguageModelShape = {
      provider: "router",
      model: slots.map((slot) => slot.name).join(","),
      capabilities: {
        jsonSchema: slots.some((slot) => slot.shape.capabilities.jsonSchema),
        embeddings: slots.some((slot) => slot.shape.capabilities.embeddings),
        ...(known.length === 0 ? {} : { contextTokens: Math.min(...known) }),
      },
      generate,
      embed,
    }
    return { model, stats: { current: SubscriptionRef.get(statsRef), changes: statsRef.changes } }
  })

/** The router as the app's LanguageModel, with its stats readable through LanguageModelStats. */
export const layerRouter = (options: RouterOptions): Layer.Layer<LanguageModel | LanguageModelStats> =>
  Layer.effectContext(
    Effect.map(makeRouter(options), (router) =>
      Context.make(LanguageModel, router.model).pipe(Context.add(LanguageModelStats, router.stats)),
    ),
  )
