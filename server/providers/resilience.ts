import { FaceIdError } from '../errors';
import type { FaceIdProvider } from './types';

/** Codes after which the same idempotent call may be sent again. */
const TRANSIENT = new Set([
  'INTERNAL_ERROR',
  'CONCURRENCY_LIMIT_EXCEEDED',
  'UPSTREAM_TIMEOUT',
  'NETWORK_ERROR',
  'BAD_UPSTREAM_RESPONSE',
  'UPSTREAM_ERROR',
]);

/** Whether an upstream failure is transient (5xx, 429, time-out, reset, garbage). */
function isTransient(err: unknown): boolean {
  return err instanceof FaceIdError && TRANSIENT.has(err.code);
}

interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 2000 };

interface ResilienceDeps {
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
}

const realDeps: ResilienceDeps = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: Date.now,
};

/** Runs an idempotent call, retrying transient failures with full-jitter exponential back-off. */
async function withRetry<T>(
  call: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  deps: ResilienceDeps = realDeps,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= policy.attempts || !isTransient(err)) throw err;
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await deps.sleep(Math.floor(deps.random() * cap));
    }
  }
}

/**
 * Stops calling an upstream that keeps failing: after `threshold` transient failures in a row it answers
 * SERVICE_BUSY for `openMs`, then lets one trial call through.
 */
class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;

  constructor(
    private readonly now: () => number,
    private readonly threshold = 5,
    private readonly openMs = 30_000,
  ) {}

  get isOpen(): boolean {
    return this.now() < this.openUntil;
  }

  /** Runs the call unless the breaker is open. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.isOpen) {
      throw new FaceIdError('SERVICE_BUSY', {
        detail: 'circuit open after repeated upstream failures',
        nothingBought: true,
      });
    }
    try {
      const result = await call();
      this.failures = 0;
      return result;
    } catch (err) {
      if (isTransient(err)) {
        this.failures++;
        if (this.failures >= this.threshold) {
          this.openUntil = this.now() + this.openMs;
          this.failures = this.threshold - 1;
        }
      } else {
        this.failures = 0;
      }
      throw err;
    }
  }
}

// One breaker per provider per function instance: each serverless instance protects itself.
const breakers = new Map<string, CircuitBreaker>();

/** The breaker of this instance for a provider. */
function breakerFor(name: string, now: () => number): CircuitBreaker {
  let breaker = breakers.get(name);
  if (!breaker) breakers.set(name, (breaker = new CircuitBreaker(now)));
  return breaker;
}

/**
 * Wraps a provider: get_result (idempotent) is retried with back-off unless the product limits its calls; get_biz_token is never retried (a retry
 * could pay for a second token); both go through the instance's circuit breaker.
 */
export function resilient(
  provider: FaceIdProvider,
  deps: ResilienceDeps = realDeps,
  breaker = breakerFor(provider.name, deps.now),
): FaceIdProvider {
  // A product with a daily get_result budget is not retried here: every attempt may count against it.
  const retry = provider.resultCallsPerDay === undefined ? DEFAULT_RETRY : { ...DEFAULT_RETRY, attempts: 1 };
  return {
    name: provider.name,
    resultCallsPerDay: provider.resultCallsPerDay,
    validate: (req) => provider.validate(req),
    readNotify: (fields) => provider.readNotify(fields),
    issueToken: (req) => breaker.run(() => provider.issueToken(req)),
    fetchResult: (ref) => breaker.run(() => withRetry(() => provider.fetchResult(ref), retry, deps)),
  };
}
