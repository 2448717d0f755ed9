/**
 * Supervised informers: list, then watch from the list's resourceVersion, keeping a {@link Cache} and
 * calling handlers. Unlike client-node's informer (which stops on any error but 410), this one never
 * gives up: a 410 Gone/Expired relists at once, a watch the server closes is resumed from the last
 * resourceVersion (bookmarks included), and any other error relists after an exponential backoff
 * (500 ms → 30 s, reset by a successful list). A relist emits the differences against the cache
 * (adds, updates, deletes of objects that vanished meanwhile).
 */
import type { KubeObject } from '../kube/object.js';
import { isGone, type KubeClient, type TypeRef, type WatchEvent } from '../kube/client/index.js';
import { backoffDelay } from './backoff.js';
import { Cache, objectKey } from './cache.js';

export interface InformerHandlers {
  add?: (obj: KubeObject) => void;
  update?: (oldObj: KubeObject, obj: KubeObject) => void;
  delete?: (obj: KubeObject) => void;
}

export interface InformerOptions {
  type: TypeRef;
  /** Watch one namespace only (default: all). */
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** First restart delay after an error (default 500 ms). */
  minBackoffMs?: number;
  /** Longest restart delay (default 30 s). */
  maxBackoffMs?: number;
  /** Server-side watch timeout; the watch is then resumed (default 300 s). */
  watchTimeoutSeconds?: number;
  /** A watch silent this long is considered dead and restarted (default: the watch timeout + 30 s). */
  idleTimeoutMs?: number;
  /** Called for every error before the restart, and for handler throws (for logs/metrics). */
  onError?: (err: unknown, type: TypeRef) => void;
}

/** See the module comment. */
export class Informer {
  readonly cache = new Cache();
  private readonly handlers: InformerHandlers[] = [];
  private readonly syncWaiters: Array<() => void> = [];
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private isSynced = false;
  private resourceVersion = '';
  private restartCount = 0;

  constructor(private readonly client: KubeClient, readonly opts: InformerOptions) {}

  private readonly reportError = (err: unknown): void => this.opts.onError?.(err, this.opts.type);

  /** True once the first list has been stored. */
  get synced(): boolean {
    return this.isSynced;
  }
  /** How many times the list/watch loop restarted after an error. */
  get restarts(): number {
    return this.restartCount;
  }

  /** Adds handlers; when already synced, `add` is called at once for every cached object. */
  addHandlers(h: InformerHandlers): void {
    this.handlers.push(h);
    if (this.isSynced && h.add) for (const o of this.cache.list()) safeCall(() => h.add?.(o), this.reportError);
  }

  /** Starts the loop (idempotent). */
  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  /** Stops the loop and closes the watch. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.loop = undefined;
  }

  /** Resolves after the first successful list (or when stopped). */
  waitForSync(): Promise<void> {
    if (this.isSynced) return Promise.resolve();
    return new Promise((r) => this.syncWaiters.push(r));
  }

  private async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        await this.relist();
        failures = 0;
        await this.watchLoop(signal);
      } catch (err) {
        if (signal.aborted) break;
        this.restartCount++;
        safeCall(() => this.opts.onError?.(err, this.opts.type), undefined);
        const delay = backoffDelay(failures++, { minDelayMs: this.opts.minBackoffMs ?? 500, maxDelayMs: this.opts.maxBackoffMs ?? 30_000 });
        await sleep(delay, signal);
      }
    }
    for (const w of this.syncWaiters.splice(0)) w();
  }

  /** Watches until Gone (returns, to relist) or an error (throws). */
  private async watchLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const started = Date.now();
      let events = 0;
      try {
        await this.client.watch(
          this.opts.type,
          {
            namespace: this.opts.namespace,
            labelSelector: this.opts.labelSelector,
            fieldSelector: this.opts.fieldSelector,
            resourceVersion: this.resourceVersion,
            timeoutSeconds: this.opts.watchTimeoutSeconds ?? 300,
            signal,
            idleTimeoutMs: this.opts.idleTimeoutMs ?? ((this.opts.watchTimeoutSeconds ?? 300) + 30) * 1000,
          },
          (ev) => {
            events++;
            this.handle(ev);
          },
        );
      } catch (err) {
        if (isGone(err)) return;
        throw err;
      }
      // A server that closes watches at once must not make us spin.
      if (events === 0 && Date.now() - started < 1000) await sleep(1000, signal);
    }
  }

  private async relist(): Promise<void> {
    const list = await this.client.list(this.opts.type, {
      namespace: this.opts.namespace,
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
    });
    const seen = new Set<string>();
    for (const obj of list.items) {
      seen.add(objectKey(obj));
      this.store(obj);
    }
    for (const key of this.cache.keys()) {
      if (seen.has(key)) continue;
      const gone = this.cache.remove(key);
      if (gone) this.emit((h) => h.delete?.(gone));
    }
    this.resourceVersion = list.resourceVersion;
    if (!this.isSynced) {
      this.isSynced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private handle(ev: WatchEvent): void {
    const rv = ev.object.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (ev.type === 'BOOKMARK') return;
    if (ev.type === 'DELETED') {
      const gone = this.cache.remove(objectKey(ev.object));
      this.emit((h) => h.delete?.(gone ?? ev.object));
      return;
    }
    this.store(ev.object);
  }

  private store(obj: KubeObject): void {
    const prev = this.cache.upsert(obj);
    if (!prev) this.emit((h) => h.add?.(obj));
    else if (prev.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit((h) => h.update?.(prev, obj));
  }

  private emit(fn: (h: InformerHandlers) => void): void {
    for (const h of this.handlers) safeCall(() => fn(h), this.reportError);
  }
}

function safeCall(fn: () => void, onError: ((err: unknown) => void) | undefined): void {
  try {
    fn();
  } catch (err) {
    onError?.(err);
  }
}

/** Sleeps, waking early (without error) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Shares one informer per kind/namespace/selector between controllers. */
export class InformerFactory {
  private readonly informers = new Map<string, Informer>();
  constructor(private readonly client: KubeClient, private readonly defaults: Partial<InformerOptions> = {}) {}

  /** The informer for these options, created (not started) on first use. */
  informerFor(opts: InformerOptions): Informer {
    const key = [opts.type.apiVersion, opts.type.kind, opts.namespace ?? '', opts.labelSelector ?? '', opts.fieldSelector ?? ''].join('|');
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer(this.client, { ...this.defaults, ...opts });
      this.informers.set(key, inf);
    }
    return inf;
  }

  all(): Informer[] {
    return [...this.informers.values()];
  }

  startAll(): void {
    for (const i of this.informers.values()) i.start();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }
}
