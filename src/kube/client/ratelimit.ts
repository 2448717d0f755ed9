/**
 * A token bucket limiting request rate: `burst` requests may go at once, then `qps` per second.
 * Waiters are served in arrival order. Flux's defaults are qps 50, burst 300.
 */
export interface TokenBucketOptions {
  /** Sustained requests per second; `0` or less disables limiting. Default 50. */
  qps?: number;
  /** Bucket size (requests allowed at once). Default 300. */
  burst?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** Flux controller defaults (`--kube-api-qps=50`, `--kube-api-burst=300`). */
export function defaultTokenBucketOptions(): Required<Omit<TokenBucketOptions, 'now'>> {
  return { qps: 50, burst: 300 };
}

/** See the module comment. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly qps: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: TokenBucketOptions = {}) {
    const d = defaultTokenBucketOptions();
    this.qps = opts.qps ?? d.qps;
    this.burst = Math.max(1, opts.burst ?? d.burst);
    this.now = opts.now ?? Date.now;
    this.tokens = this.burst;
    this.last = this.now();
  }

  /** Number of callers currently waiting for a token. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves when the caller may send one request. */
  acquire(): Promise<void> {
    if (this.qps <= 0) return Promise.resolve();
    this.refill();
    if (this.waiters.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.schedule();
    });
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.qps);
    this.last = t;
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(1, Math.ceil(((1 - this.tokens) / this.qps) * 1000));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      while (this.waiters.length > 0 && this.tokens >= 1) {
        this.tokens -= 1;
        this.waiters.shift()?.();
      }
      if (this.waiters.length > 0) this.schedule();
    }, wait);
  }
}
