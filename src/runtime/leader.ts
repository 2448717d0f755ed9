/**
 * Leader election on a `coordination.k8s.io/v1` Lease, as client-go's leaderelection does: the holder
 * renews `renewTime` every `retryPeriodMs`; others take the lease over once they have seen the same
 * record unchanged for `leaseDurationMs` (measured on their own clock, so clock skew does not matter).
 * A leader that cannot renew within `renewDeadlineMs` stops leading. All writes are conditional on the
 * Lease's resourceVersion, so two candidates never both win.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../kube/object.js';
import { isAlreadyExists, isConflict, isNotFound, type KubeClient } from '../kube/client/index.js';
import { microTime } from './events.js';
import { sleep } from './informer.js';
import { errorField, silentLogger, type Logger } from './logger.js';

export interface LeaderElectionOptions {
  /** Lease namespace. */
  namespace: string;
  /** Lease name (e.g. `lockstep-leader-election`). */
  name: string;
  /** This candidate's identity (default: host name + random suffix). */
  identity?: string;
  /** Default 35 s (Flux). */
  leaseDurationMs?: number;
  /** Default 30 s (Flux). */
  renewDeadlineMs?: number;
  /** Default 5 s (Flux). */
  retryPeriodMs?: number;
  logger?: Logger;
}

export function defaultLeaderElectionTimings(): { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number } {
  return { leaseDurationMs: 35_000, renewDeadlineMs: 30_000, retryPeriodMs: 5_000 };
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** See the module comment. */
export class LeaderElector {
  readonly identity: string;
  private leading = false;
  private observedRecord = '';
  private observedAt = 0;
  private readonly t: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number };
  private readonly log: Logger;

  constructor(private readonly client: KubeClient, private readonly opts: LeaderElectionOptions) {
    this.identity = opts.identity ?? `${hostname()}_${randomBytes(4).toString('hex')}`;
    this.t = { ...defaultLeaderElectionTimings(), ...pick(opts) };
    this.log = (opts.logger ?? silentLogger()).child({ lease: `${opts.namespace}/${opts.name}`, identity: this.identity });
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /**
   * Campaigns until `signal` aborts. Each time leadership is won, `lead(leaderSignal)` runs; its signal
   * aborts when leadership is lost or `signal` aborts, and the next campaign waits for `lead` to return.
   * On abort the lease is released (holder cleared) so another candidate takes over at once.
   */
  async run(signal: AbortSignal, lead: (leaderSignal: AbortSignal) => Promise<void>): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.tryAcquireOrRenew())) {
        await sleep(this.t.retryPeriodMs, signal);
        continue;
      }
      this.leading = true;
      this.log.info('became leader');
      const leaderAbort = new AbortController();
      const onStop = (): void => leaderAbort.abort();
      signal.addEventListener('abort', onStop, { once: true });
      const leadDone = lead(leaderAbort.signal).catch((err: unknown) => this.log.error({ error: errorField(err) }, 'leader work failed'));
      await this.renewLoop(leaderAbort.signal);
      leaderAbort.abort();
      signal.removeEventListener('abort', onStop);
      await leadDone;
      this.leading = false;
      this.log.info('stopped leading');
    }
    await this.release();
  }

  /** Renews until a renewal fails for longer than the deadline, or the signal aborts. */
  private async renewLoop(signal: AbortSignal): Promise<void> {
    let lastRenew = Date.now();
    while (!signal.aborted) {
      await sleep(this.t.retryPeriodMs, signal);
      if (signal.aborted) return;
      if (await this.tryAcquireOrRenew()) {
        lastRenew = Date.now();
        continue;
      }
      if (Date.now() - lastRenew >= this.t.renewDeadlineMs || !this.stillHolder()) {
        this.log.warn('lost the lease');
        return;
      }
    }
  }

  private lastSeenHolder = '';
  private stillHolder(): boolean {
    return this.lastSeenHolder === this.identity;
  }

  /** One attempt; true when we hold the lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const ref = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: this.opts.namespace, name: this.opts.name };
    const now = new Date();
    const spec = (transitions: number, acquireTime: string): LeaseSpec => ({
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.t.leaseDurationMs / 1000)),
      acquireTime,
      renewTime: microTime(now),
      leaseTransitions: transitions,
    });
    try {
      const lease = await this.client.tryGet(ref);
      if (!lease) {
        await this.client.create({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace }, spec: spec(0, microTime(now)) } as KubeObject);
        this.lastSeenHolder = this.identity;
        return true;
      }
      const cur = (lease['spec'] ?? {}) as LeaseSpec;
      const record = JSON.stringify([cur.holderIdentity ?? '', cur.renewTime ?? '', cur.acquireTime ?? '']);
      if (record !== this.observedRecord) {
        this.observedRecord = record;
        this.observedAt = Date.now();
      }
      this.lastSeenHolder = cur.holderIdentity ?? '';
      const holder = cur.holderIdentity ?? '';
      const durationMs = (cur.leaseDurationSeconds ?? Math.ceil(this.t.leaseDurationMs / 1000)) * 1000;
      const expired = holder === '' || Date.now() - this.observedAt >= durationMs;
      if (holder !== this.identity && !expired) return false;
      const next = holder === this.identity ? spec(cur.leaseTransitions ?? 0, cur.acquireTime ?? microTime(now)) : spec((cur.leaseTransitions ?? 0) + 1, microTime(now));
      const updated = await this.client.replace({ ...lease, spec: { ...(lease['spec'] as object), ...next } } as KubeObject);
      this.lastSeenHolder = this.identity;
      const u = (updated['spec'] ?? {}) as LeaseSpec;
      this.observedRecord = JSON.stringify([u.holderIdentity ?? '', u.renewTime ?? '', u.acquireTime ?? '']);
      this.observedAt = Date.now();
      return true;
    } catch (err) {
      if (!isConflict(err) && !isAlreadyExists(err)) this.log.warn({ error: errorField(err) }, 'lease request failed');
      return false;
    }
  }

  /** Clears the holder when we hold the lease, so the next candidate need not wait for expiry. */
  private async release(): Promise<void> {
    const ref = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: this.opts.namespace, name: this.opts.name };
    try {
      const lease = await this.client.get(ref);
      const cur = (lease['spec'] ?? {}) as LeaseSpec;
      if (cur.holderIdentity !== this.identity) return;
      await this.client.replace({ ...lease, spec: { ...cur, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(new Date()) } } as KubeObject);
    } catch (err) {
      if (!isNotFound(err)) this.log.warn({ error: errorField(err) }, 'lease release failed');
    }
  }
}

function pick(o: LeaderElectionOptions): Partial<{ leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number }> {
  return {
    ...(o.leaseDurationMs !== undefined ? { leaseDurationMs: o.leaseDurationMs } : {}),
    ...(o.renewDeadlineMs !== undefined ? { renewDeadlineMs: o.renewDeadlineMs } : {}),
    ...(o.retryPeriodMs !== undefined ? { retryPeriodMs: o.retryPeriodMs } : {}),
  };
}
