/** Retry delays: exponential per-key backoff and jitter. Pure functions, table-tested. */

export interface BackoffOptions {
  /** First retry delay (Flux `--min-retry-delay`, default 750 ms). */
  minDelayMs?: number;
  /** Cap (Flux `--max-retry-delay`, default 15 min). */
  maxDelayMs?: number;
}

export function defaultBackoffOptions(): Required<BackoffOptions> {
  return { minDelayMs: 750, maxDelayMs: 15 * 60 * 1000 };
}

/** The delay before retry number `failures` (0 for the first retry): min·2^failures, capped at max. */
export function backoffDelay(failures: number, opts: BackoffOptions = {}): number {
  const { minDelayMs, maxDelayMs } = { ...defaultBackoffOptions(), ...opts };
  if (failures <= 0) return Math.min(minDelayMs, maxDelayMs);
  // 2^n overflows to Infinity for large n; Math.min handles that.
  return Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(failures, 64));
}

/**
 * `delayMs` moved randomly by up to ±`fraction` (Flux `--interval-jitter-percentage=5` → 0.05), so
 * objects with the same interval spread out. `random` returns [0, 1).
 */
export function jitter(delayMs: number, fraction: number, random: () => number = Math.random): number {
  if (fraction <= 0 || delayMs <= 0) return delayMs;
  const f = Math.min(fraction, 1);
  return Math.max(0, Math.round(delayMs * (1 - f + 2 * f * random())));
}
