/**
 * The leader Lease that Lockstep's controller processes hold (`lockstep controllers
 * --enable-leader-election`, the Deployments of `lockstep install`, and `lockstep up`'s own in-process
 * controllers): `up` reads it before starting its controllers, so a second controller process on the
 * same cluster is named in one line instead of `up` silently waiting behind it.
 *
 * Caveat: a `lockstep controllers` started WITHOUT `--enable-leader-election` holds no Lease and cannot
 * be seen here; it and `up` would then both reconcile (the writes are idempotent, but doubled).
 */
import { hostname } from 'node:os';
import { createHash } from 'node:crypto';
import type { KubeClient } from '../../kube/client/index.js';
import { isJsonObject } from '../../kube/object.js';

/** The Lease a Lockstep controller process running every controller campaigns for (namespace flux-system). */
export const leaderLease = { namespace: 'flux-system', name: 'lockstep-leader-election' } as const;

/**
 * The Lease name a process campaigns for, by the controllers it runs: {@link leaderLease}'s when it runs all of
 * them (`lockstep controllers`, `up`), otherwise `<names>-controller-leader-election` as Flux names its
 * controllers' Leases — so the installed Deployments (`--only=source`, `--only=kustomize`) do not exclude each
 * other.
 */
export function leaseNameFor(running: readonly string[], all: readonly string[]): string {
  const set = [...new Set(running)].sort();
  if (set.length === 0 || all.every((n) => set.includes(n))) return leaderLease.name;
  return `${set.join('-')}-controller-leader-election`;
}

/**
 * `up`'s candidate identity: stable for one data directory on one host, so an `up` restarted after a
 * crash (its Lease not released) takes its own Lease back at once instead of waiting for it to expire.
 */
export function upIdentity(dataDir: string): string {
  return `lockstep-up_${hostname()}_${createHash('sha256').update(dataDir).digest('hex').slice(0, 8)}`;
}

/** Identity of a `lockstep controllers` process: host and pid, so `up` can say which process to stop. */
export function controllersIdentity(): string {
  return `lockstep-controllers_${hostname()}_pid${process.pid}`;
}

/** The holder of the Lease as read now. */
export interface LeaseHolder {
  identity: string;
  /** Milliseconds since the holder last renewed (by the Lease's renewTime and this machine's clock). */
  sinceRenewMs: number;
  /** The Lease duration. */
  durationMs: number;
}

/** Reads a leader Lease (default {@link leaderLease}); undefined when absent, released (no holder) or unreadable. */
export async function readLeaseHolder(client: KubeClient, now: () => number = Date.now, name: string = leaderLease.name): Promise<LeaseHolder | undefined> {
  const lease = await client.tryGet({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: leaderLease.namespace, name }).catch(() => undefined);
  const spec = lease && isJsonObject(lease['spec']) ? lease['spec'] : undefined;
  const identity = typeof spec?.['holderIdentity'] === 'string' ? spec['holderIdentity'] : '';
  if (!spec || identity === '') return undefined;
  const renew = typeof spec['renewTime'] === 'string' ? Date.parse(spec['renewTime']) : NaN;
  const seconds = typeof spec['leaseDurationSeconds'] === 'number' ? spec['leaseDurationSeconds'] : 35;
  return { identity, sinceRenewMs: Number.isNaN(renew) ? Number.POSITIVE_INFINITY : Math.max(0, now() - renew), durationMs: seconds * 1000 };
}

/**
 * The one line `up` prints about another holder of the Lease, or undefined when the Lease is free or
 * ours. A live holder: `up` waits as a follower (shows progress, lets it reconcile) and says how to
 * stop it. A stale one (a process that died holding it): `up` takes over when it expires.
 */
export function leaseMessage(holder: LeaseHolder | undefined, self: string): string | undefined {
  if (!holder || holder.identity === self) return undefined;
  const where = `the leader Lease ${leaderLease.namespace}/${leaderLease.name}`;
  if (holder.sinceRenewMs > holder.durationMs) {
    const wait = Math.ceil(holder.durationMs / 1000);
    return `${where} was last renewed ${Math.round(holder.sinceRenewMs / 1000)}s ago by ${holder.identity} (stopped?): up's controllers take over once it expires (within ${wait}s)`;
  }
  const m = /^lockstep-controllers_(.+)_pid(\d+)$/.exec(holder.identity);
  const stop = m ? (m[1] === hostname() ? `kill ${m[2] ?? ''}` : `kill ${m[2] ?? ''} on ${m[1] ?? ''}`) : `kubectl -n ${leaderLease.namespace} scale deployment source-controller kustomize-controller --replicas=0`;
  return `another Lockstep controller process (${holder.identity}) holds ${where}: up only shows progress while it reconciles; to run the controllers in up instead, stop it (${stop})`;
}

/**
 * The line `up` prints when a component's own Lease (`source-controller-leader-election`, …: the Deployments
 * of `lockstep install`) is held and live: those controllers reconcile, so `up` starts none of its own.
 * Undefined when the Lease is free, stale or ours.
 */
export function componentLeaseMessage(lease: string, holder: LeaseHolder | undefined, self: string): string | undefined {
  if (!holder || holder.identity === self || holder.sinceRenewMs > holder.durationMs) return undefined;
  return `controllers installed in the cluster hold the Lease ${leaderLease.namespace}/${lease} (${holder.identity}): up runs none of its own and only shows progress; to run them in up instead, kubectl -n ${leaderLease.namespace} scale deployment source-controller kustomize-controller --replicas=0`;
}
