/** Small statistics and timing helpers for the benchmark. */
import { performance } from 'node:perf_hooks';

/** The q-quantile (0..1) of the samples, by the nearest-rank method. */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export interface Series {
  median: number;
  p95: number;
  n: number;
}

/** Median and p95 of samples in milliseconds. */
export function summarize(samples: number[]): Series {
  return { median: quantile(samples, 0.5), p95: quantile(samples, 0.95), n: samples.length };
}

/** Runs `fn` and resolves with how long it took, in milliseconds. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * Times two calls against each other: `warmup` rounds untimed, then `rounds` rounds in which the order of the two
 * alternates, so drift in the machine's speed touches both series alike.
 */
export async function interleaved(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  rounds: number,
  warmup: number,
): Promise<{ a: Series; b: Series }> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      ta.push(await timed(a));
      tb.push(await timed(b));
    } else {
      tb.push(await timed(b));
      ta.push(await timed(a));
    }
  }
  return { a: summarize(ta), b: summarize(tb) };
}

/** Milliseconds with two decimals. */
export const ms = (value: number): string => `${value.toFixed(2)} ms`;

/** Bytes as KB with one decimal. */
export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
