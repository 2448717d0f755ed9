/**
 * A small keyed work queue for cluster controllers: keys are de-duplicated while waiting, each key is
 * processed by one call at a time, failures retry with exponential backoff (50 ms → 5 s), and `after()`
 * schedules a key for later (the simulation's "becomes ready after a delay").
 */

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Handles one key; throw to retry with backoff; return a number of ms to re-run it later. */
  handle: (key: string) => number | void;
  /** Called with errors that are retried (for logging); default: ignore. */
  onError?: (key: string, err: unknown) => void;
}

/** The queue. */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  private scheduled = false;
  private stopped = false;

  constructor(private readonly opts: WorkQueueOptions) {}

  /** Queues a key to be handled soon (on the next tick). */
  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  /** Queues a key after `ms` (an earlier timer for the same key wins; `add()` is not delayed by it). */
  after(key: string, ms: number): void {
    if (this.stopped || this.timers.has(key)) return;
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, Math.max(0, ms));
    t.unref?.();
    this.timers.set(key, t);
  }

  /** Stops: clears timers; nothing more runs. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.pending.clear();
  }

  private drain(): void {
    this.scheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.stopped) return;
      try {
        const again = this.opts.handle(key);
        this.failures.delete(key);
        if (typeof again === 'number') this.after(key, again);
      } catch (err) {
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        this.opts.onError?.(key, err);
        this.after(key, Math.min(5000, 50 * 2 ** Math.min(n - 1, 7)));
      }
    }
  }
}
