/** Options for {@link eventually}. */
export interface EventuallyOptions {
  /** Give up after this long (default 20 s). */
  timeoutMs?: number;
  /** Poll every this long (default 100 ms). */
  intervalMs?: number;
  /** Named in the error when it times out. */
  what?: string;
}

/**
 * Polls `check` until it returns without throwing (and resolves with its value), or rethrows its last
 * error after the timeout. For assertions on state that a controller or server reaches asynchronously.
 */
export async function eventually<T>(check: () => T | Promise<T>, opts: EventuallyOptions = {}): Promise<T> {
  const timeout = opts.timeoutMs ?? 20_000;
  const interval = opts.intervalMs ?? 100;
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const msg = last instanceof Error ? last.message : String(last);
      throw new Error(`eventually${opts.what ? ` (${opts.what})` : ''}: gave up after ${timeout} ms: ${msg}`, { cause: last });
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
