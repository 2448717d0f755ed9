/**
 * The workload simulator (like kwok): one controller that watches Deployments, ReplicaSets, StatefulSets,
 * DaemonSets, Jobs, Pods, PVCs and Services through the internal client and drives them to the status a
 * healthy cluster shows. Structure (ReplicaSets, Pods, PVCs) is created at once; pods become Running/Ready,
 * PVCs Bound and load balancers addressed after `delayMs` (default 150 ms). Status is written only when it
 * changed, so watchers see no write storms.
 */
import type { KubeObject } from '../../../kube/object.js';
import type { ClusterController, InternalClient, ResourceRef, WatchEvent } from '../../plugins.js';
import { expireEvents, recordEvent } from '../events.js';
import { WorkQueue } from '../queue.js';
import { controllerRef, isRace, objectKey, R, specOf, splitKey, writeStatus } from '../util.js';
import { reconcileDeployment } from './deployment.js';
import { reconcileDaemonSet, reconcileJob, reconcileStatefulSet } from './others.js';
import { simulatedPodStatus } from './pod.js';
import { reconcileReplicaSet } from './replicaset.js';
import { ensureSimulatedNode } from './node.js';
import { pdbRef, reconcilePDB } from './pdb.js';
import { reconcilePVC, reconcileService, releaseVolume } from './storage-network.js';

/** Options of {@link workloadSimulator}. */
export interface WorkloadSimulatorOptions {
  /** How long a pod/PVC/load balancer takes to become ready, ms (default 150). */
  delayMs?: number;
  /** Called with unexpected reconcile errors (they are retried with backoff). */
  onError?: (key: string, err: unknown) => void;
  /** Events older than this are deleted (default 1 h, as the API server's event TTL); checked every minute. */
  eventTtlMs?: number;
}

const kinds: Record<string, { ref: ResourceRef; prefix: string }> = {
  Deployment: { ref: R.deployments, prefix: 'deploy' },
  ReplicaSet: { ref: R.replicasets, prefix: 'rs' },
  StatefulSet: { ref: R.statefulsets, prefix: 'sts' },
  DaemonSet: { ref: R.daemonsets, prefix: 'ds' },
  Job: { ref: R.jobs, prefix: 'job' },
  Pod: { ref: R.pods, prefix: 'pod' },
  PersistentVolumeClaim: { ref: R.pvcs, prefix: 'pvc' },
  Service: { ref: R.services, prefix: 'svc' },
  PodDisruptionBudget: { ref: pdbRef, prefix: 'pdb' },
};

const byPrefix = new Map(Object.values(kinds).map((k) => [k.prefix, k.ref]));

/** The kubelet's events when a pod starts (or crash-loops). */
function podEvents(api: InternalClient, pod: KubeObject, status: { containerStatuses?: unknown }): void {
  const kubelet = 'kubelet';
  recordEvent(api, pod, { type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} to lockstep-control-plane`, component: 'default-scheduler' });
  const statuses = Array.isArray(status.containerStatuses) ? (status.containerStatuses as { name?: string; image?: string; state?: { waiting?: { reason?: string } } }[]) : [];
  for (const cs of statuses) {
    // (a kubelet also reports Pulled and Created; left out to keep the write volume down)
    recordEvent(api, pod, { type: 'Normal', reason: 'Started', message: `Started container ${cs.name ?? ''}`, component: kubelet });
    if (cs.state?.waiting?.reason === 'CrashLoopBackOff') {
      recordEvent(api, pod, { type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${cs.name ?? ''} in pod ${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`, component: kubelet });
    }
  }
}

/** Creates the workload simulator. */
export function workloadSimulator(opts: WorkloadSimulatorOptions = {}): ClusterController {
  const delay = opts.delayMs ?? 150;
  const firstSeen = new Map<string, number>();
  const unsubs: (() => void)[] = [];
  let api: InternalClient | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  /** uid → resourceVersion of the simulator's own last status write (its event changes no input: not re-reconciled). */
  const ownStatus = new Map<string, string>();
  /** `namespace/replicaset` → its Deployment's name, from ReplicaSet events (routes pod events without a read). */
  const rsOwner = new Map<string, string>();

  /** ms still to wait before this object may turn ready (0 when due). */
  const wait = (o: KubeObject): number => {
    const uid = o.metadata.uid ?? '';
    const seen = firstSeen.get(uid);
    if (seen === undefined) {
      firstSeen.set(uid, Date.now());
      return delay;
    }
    return Math.max(0, seen + delay - Date.now());
  };

  const delayed = (o: KubeObject, fn: () => void): number | void => {
    const left = wait(o);
    if (left > 0) return left;
    fn();
  };

  const reconcile = (c: InternalClient, prefix: string, o: KubeObject): number | void => {
    switch (prefix) {
      case 'deploy':
        return reconcileDeployment(c, o);
      case 'rs':
        return reconcileReplicaSet(c, o);
      case 'sts':
        return reconcileStatefulSet(c, o);
      case 'ds':
        return reconcileDaemonSet(c, o);
      case 'job':
        return reconcileJob(c, o);
      case 'pod':
        if (o.metadata.deletionTimestamp) return;
        return delayed(o, () => {
          const status = simulatedPodStatus(o);
          if (writeStatus(c, R.pods, o, status) && o.status && (o.status as { phase?: string }).phase === 'Pending') podEvents(c, o, status);
        });
      case 'pvc':
        return delayed(o, () => reconcilePVC(c, o));
      case 'pdb':
        return reconcilePDB(c, o);
      case 'svc':
        return specOf(o).type === 'LoadBalancer' ? delayed(o, () => reconcileService(c, o)) : reconcileService(c, o);
    }
  };

  /** The client reconcilers use: records the resourceVersion of each status write. */
  const recording = (c: InternalClient): InternalClient => ({
    ...c,
    updateStatus(ref, obj, o) {
      const out = c.updateStatus(ref, obj, o);
      if (out.metadata.uid && out.metadata.resourceVersion) ownStatus.set(out.metadata.uid, out.metadata.resourceVersion);
      return out;
    },
  });
  let reconcileClient: InternalClient | undefined;

  const queue = new WorkQueue({
    onError: opts.onError,
    handle(key) {
      if (!api) return;
      const colon = key.indexOf(':');
      const prefix = key.slice(0, colon);
      const rest = key.slice(colon + 1);
      try {
        if (prefix === 'pv-release') return releaseVolume(api, rest);
        const ref = byPrefix.get(prefix);
        if (!ref) return;
        const { namespace, name } = splitKey(rest);
        const o = api.get(ref, name, namespace);
        if (!o) return;
        reconcileClient ??= recording(api);
        return reconcile(reconcileClient, prefix, o);
      } catch (e) {
        if (isRace(e)) return 50;
        throw e;
      }
    },
  });

  const enqueuePDBs = (namespace: string | undefined): void => {
    if (!api || !namespace) return;
    try {
      for (const p of api.list(pdbRef, { namespace }).items) queue.add(`pdb:${objectKey(p)}`);
    } catch {
      // PodDisruptionBudgets not served
    }
  };

  const enqueue = (o: KubeObject, ownersOnly = false): void => {
    const k = kinds[o.kind];
    if (k && !ownersOnly) queue.add(`${k.prefix}:${objectKey(o)}`);
    const owner = controllerRef(o);
    const ok = owner && typeof owner.kind === 'string' ? kinds[owner.kind] : undefined;
    if (owner && ok && typeof owner.name === 'string') queue.add(`${ok.prefix}:${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${owner.name}`);
    if (o.kind === 'Pod') enqueuePDBs(o.metadata.namespace);
    // a pod's state feeds its Deployment's status (through the ReplicaSet, whose own status may not change)
    if (o.kind === 'Pod' && owner?.kind === 'ReplicaSet' && typeof owner.name === 'string' && api) {
      const rsKey = `${o.metadata.namespace ?? ''}/${owner.name}`;
      let depName = rsOwner.get(rsKey);
      if (depName === undefined) {
        const rs = api.get(R.replicasets, owner.name, o.metadata.namespace);
        const dep = rs ? controllerRef(rs) : undefined;
        depName = dep?.kind === 'Deployment' && typeof dep.name === 'string' ? dep.name : undefined;
      }
      if (depName !== undefined) queue.add(`deploy:${o.metadata.namespace ?? ''}/${depName}`);
    }
  };

  /** Remembers which Deployment controls a ReplicaSet (or forgets it). */
  const trackReplicaSet = (o: KubeObject, deleted: boolean): void => {
    const key = `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
    const dep = deleted ? undefined : controllerRef(o);
    if (dep?.kind === 'Deployment' && typeof dep.name === 'string') rsOwner.set(key, dep.name);
    else rsOwner.delete(key);
  };

  const onEvent = (ev: WatchEvent): void => {
    const o = ev.object;
    if (o.kind === 'ReplicaSet') trackReplicaSet(o, ev.type === 'DELETED');
    const uid = o.metadata.uid ?? '';
    const own = ownStatus.get(uid);
    const rv = o.metadata.resourceVersion;
    const mine = own !== undefined && own === rv;
    if (own !== undefined && (ev.type === 'DELETED' || Number(rv) >= Number(own))) ownStatus.delete(uid);
    if (ev.type === 'DELETED') {
      firstSeen.delete(uid);
      if (o.kind === 'PersistentVolumeClaim') {
        const vn = specOf(o).volumeName;
        if (typeof vn === 'string' && vn) queue.add(`pv-release:${vn}`);
      }
      const owner = controllerRef(o);
      const ok = owner && typeof owner.kind === 'string' ? kinds[owner.kind] : undefined;
      if (owner && ok && typeof owner.name === 'string') queue.add(`${ok.prefix}:${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${owner.name}`);
      if (o.kind === 'Pod') enqueuePDBs(o.metadata.namespace);
      return;
    }
    // the simulator's own status write: the object itself has nothing new to reconcile, its owners do
    enqueue(o, mine);
  };

  return {
    name: 'workload-simulator',
    start(client) {
      api = client;
      try {
        ensureSimulatedNode(client);
      } catch (e) {
        opts.onError?.('node', e);
      }
      const ttl = opts.eventTtlMs ?? 3_600_000;
      sweeper = setInterval(() => {
        try {
          expireEvents(client, ttl);
        } catch (e) {
          opts.onError?.('events', e);
        }
      }, Math.min(60_000, ttl));
      sweeper.unref();
      const rv = client.currentResourceVersion();
      for (const { ref } of Object.values(kinds)) {
        try {
          for (const o of client.list(ref).items) {
            if (o.kind === 'ReplicaSet') trackReplicaSet(o, false);
            enqueue(o);
          }
          // events only route keys (the handler reads the object); a deleted PVC's spec.volumeName is needed though
          unsubs.push(client.watch(ref, rv, onEvent, { metadataOnly: ref !== R.pvcs }));
        } catch {
          // a resource the cluster does not serve is not simulated
        }
      }
    },
    async stop() {
      if (sweeper) clearInterval(sweeper);
      for (const u of unsubs.splice(0)) u();
      queue.stop();
      await Promise.resolve();
    },
  };
}
