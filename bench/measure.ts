/** A measured rate: how many operations ran, in how long, and how long each took. */
export interface Rate {
  readonly ops: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** The value below which a share `q` (0..1) of sorted samples fall. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** Summarises latencies (ms) of `ops` operations that took `seconds` in all. */
export function rateOf(ops: number, seconds: number, latencies: number[]): Rate {
  latencies.sort((a, b) => a - b);
  return {
    ops,
    seconds,
    perSecond: ops / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

/**
 * Runs `op(i)` for i in [0, total) keeping `concurrency` operations in flight, and measures
 * the rate and each operation's latency.
 */
export async function atConcurrency(
  total: number,
  concurrency: number,
  op: (i: number) => Promise<unknown>,
): Promise<Rate> {
  const latencies: number[] = new Array(total);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      const t0 = performance.now();
      await op(i);
      latencies[i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return rateOf(total, (performance.now() - started) / 1000, latencies);
}

/** Times one piece of work in milliseconds. */
export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await work();
  return { ms: performance.now() - t0, value };
}
