/**
 * A keyed work queue (what client-go calls a rate-limited work queue):
 * - dedupe: a key added while queued is queued once; added while its reconcile runs, it runs once more after;
 * - one reconcile per key at a time, at most `concurrency` keys at once, in arrival order;
 * - `addAfter` (jittered by the caller or by `jitterFraction`) and `addRateLimited` with per-key exponential
 *   backoff (750 ms → 15 min) that `forget` resets;
 * - the handler's result decides the requeue (see {@link QueueResult}); a throw counts as backoff.
 */
import { backoffDelay, jitter, type BackoffOptions } from './backoff.js';
import type { Requeue } from './errors.js';

/** What the handler asks for: the same shape the error mapping returns. */
export type QueueResult = Requeue;

export interface WorkQueueOptions extends BackoffOptions {
  /** Keys reconciled at once (Flux `--concurrent`, default 4). */
  concurrency?: number;
  /** ± jitter on `addAfter` delays (default 0.05 = 5 %). */
  jitterFraction?: number;
  /** Random source for jitter, for tests. */
  random?: () => number;
  /** Called on every change of queue depth (queued, not running). */
  onDepth?: (depth: number) => void;
  /** Called when a handler throws (it is then retried with backoff). */
  onError?: (key: string, err: unknown) => void;
}

export type QueueHandler = (key: string) => Promise<QueueResult>;

/** See the module comment. */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly concurrency: number;
  private readonly backoff: BackoffOptions;
  private readonly jitterFraction: number;
  private readonly random: () => number;
  private stopped = false;
  private started = false;

  constructor(private readonly handler: QueueHandler, private readonly opts: WorkQueueOptions = {}) {
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.backoff = { ...(opts.minDelayMs !== undefined ? { minDelayMs: opts.minDelayMs } : {}), ...(opts.maxDelayMs !== undefined ? { maxDelayMs: opts.maxDelayMs } : {}) };
    this.jitterFraction = opts.jitterFraction ?? 0.05;
    this.random = opts.random ?? Math.random;
  }

  /** Keys waiting to run (not counting running or delayed ones). */
  get depth(): number {
    return this.queue.length;
  }
  /** Keys whose handler is running now. */
  get active(): number {
    return this.running.size;
  }
  /** Keys waiting on a timer. */
  get delayed(): number {
    return this.timers.size;
  }
  /** Consecutive failures recorded for a key. */
  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Starts dispatching (keys added before are kept). */
  start(): void {
    this.started = true;
    this.pump();
  }

  /** Queues a key now (cancels a pending timer for it). */
  add(key: string): void {
    if (this.stopped) return;
    this.clearTimer(key);
    if (this.running.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.opts.onDepth?.(this.queue.length);
    this.pump();
  }

  /**
   * Queues a key after `delayMs` (jittered by `jitterFraction`). An earlier pending timer for the key wins;
   * a later one is replaced by this earlier one.
   */
  addAfter(key: string, delayMs: number, opts: { jitter?: boolean } = {}): void {
    if (this.stopped) return;
    const ms = opts.jitter === false ? delayMs : jitter(delayMs, this.jitterFraction, this.random);
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + ms;
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    this.clearTimer(key);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    timer.unref?.();
    this.timers.set(key, { at, timer });
  }

  /** Queues a key after its backoff delay and counts one more failure. Returns the delay used. */
  addRateLimited(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const delay = backoffDelay(n, this.backoff);
    this.addAfter(key, delay, { jitter: false });
    return delay;
  }

  /** Resets a key's failure count. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Stops accepting keys, drops queued/delayed ones and resolves when running handlers finished. */
  async shutDown(): Promise<void> {
    this.stopped = true;
    for (const key of [...this.timers.keys()]) this.clearTimer(key);
    this.queue.length = 0;
    this.queued.clear();
    this.dirty.clear();
    if (this.running.size > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** Resolves when nothing is queued or running (delayed keys do not count). For tests and `--once`. */
  async idle(): Promise<void> {
    if (this.running.size === 0 && this.queue.length === 0) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  private clearTimer(key: string): void {
    const t = this.timers.get(key);
    if (t) {
      clearTimeout(t.timer);
      this.timers.delete(key);
    }
  }

  private pump(): void {
    if (!this.started) return;
    while (!this.stopped && this.running.size < this.concurrency && this.queue.length > 0) {
      const key = this.queue.shift() as string;
      this.queued.delete(key);
      this.opts.onDepth?.(this.queue.length);
      this.running.add(key);
      void this.run(key);
    }
    if (this.running.size === 0 && this.queue.length === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async run(key: string): Promise<void> {
    let result: QueueResult;
    try {
      result = await this.handler(key);
    } catch (err) {
      this.opts.onError?.(key, err);
      result = { kind: 'backoff' };
    }
    this.running.delete(key);
    if (!this.stopped) this.requeue(key, result);
    if (this.dirty.delete(key)) this.add(key);
    this.pump();
  }

  private requeue(key: string, result: QueueResult): void {
    if (result.kind === 'backoff') {
      this.addRateLimited(key);
      return;
    }
    this.forget(key);
    if (result.kind === 'after') this.addAfter(key, result.delayMs);
  }
}
