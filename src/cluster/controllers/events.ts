/**
 * Events written by the simulated controllers (core/v1 Events, as `kubectl describe` and `kubectl get events`
 * show them): ScalingReplicaSet, SuccessfulCreate/SuccessfulDelete, Completed/BackoffLimitExceeded, Scheduled,
 * BackOff, ProvisioningSucceeded. Writing one never fails a reconcile.
 */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../../kube/object.js';
import type { InternalClient } from '../plugins.js';
import { nowStamp, R } from './util.js';

/** What an event says. */
export interface EventSpec {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** The reporting controller (`deployment-controller`, `kubelet`…). */
  component: string;
}

/** Records an event about `about` (namespaced objects only; cluster-scoped ones go to `default`). */
export function recordEvent(api: InternalClient, about: KubeObject, e: EventSpec): void {
  const now = nowStamp();
  const namespace = about.metadata.namespace ?? 'default';
  const involved: Record<string, string> = { apiVersion: about.apiVersion, kind: about.kind, name: about.metadata.name ?? '', uid: about.metadata.uid ?? '' };
  if (about.metadata.namespace) involved.namespace = about.metadata.namespace;
  if (about.metadata.resourceVersion) involved.resourceVersion = about.metadata.resourceVersion;
  try {
    api.create(R.events, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${about.metadata.name ?? 'object'}.${randomBytes(8).toString('hex')}`, namespace },
      involvedObject: involved,
      reason: e.reason,
      message: e.message,
      type: e.type,
      source: { component: e.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      reportingComponent: e.component,
      reportingInstance: '',
    });
  } catch {
    // events are best effort (e.g. the namespace is terminating)
  }
}

/** Deletes Events whose `lastTimestamp` (or creation) is older than `ttlMs`, as the API server's event TTL does. */
export function expireEvents(api: InternalClient, ttlMs: number, now = Date.now()): number {
  let n = 0;
  for (const ev of api.list(R.events).items) {
    const t = Date.parse(String(ev.lastTimestamp ?? ev.metadata.creationTimestamp ?? ''));
    if (!Number.isFinite(t) || now - t < ttlMs) continue;
    try {
      api.delete(R.events, ev.metadata.name ?? '', ev.metadata.namespace);
      n++;
    } catch {
      // gone already
    }
  }
  return n;
}
