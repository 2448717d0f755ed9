/** ReplicaSet simulation: keeps `spec.replicas` pods (created from the template, owned by the ReplicaSet) and reports status. */
import { isJsonObject, type JsonObject, type KubeObject } from '../../../kube/object.js';
import type { InternalClient } from '../../plugins.js';
import { isRace, R, specOf, writeStatus } from '../util.js';
import { recordEvent } from '../events.js';
import { activePods, ownedPods, podFromTemplate, podReady, randomSuffix } from './common.js';

/** The status a ReplicaSet has for its pods (zero counts omitted as the API server's JSON does). */
export function replicaSetStatus(rs: KubeObject, pods: readonly KubeObject[]): JsonObject {
  const active = activePods(pods);
  const ready = active.filter(podReady).length;
  const status: JsonObject = { replicas: active.length };
  if (active.length > 0) status.fullyLabeledReplicas = active.length;
  if (ready > 0) {
    status.readyReplicas = ready;
    status.availableReplicas = ready;
  }
  if (typeof rs.metadata.generation === 'number') status.observedGeneration = rs.metadata.generation;
  return status;
}

/** Reconciles one ReplicaSet: creates or deletes pods, then writes status when it changed. */
export function reconcileReplicaSet(api: InternalClient, rs: KubeObject): void {
  if (rs.metadata.deletionTimestamp) return;
  const spec = specOf(rs);
  const want = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const template = isJsonObject(spec.template) ? spec.template : undefined;
  const pods = ownedPods(api, rs.metadata.namespace, rs);
  const active = activePods(pods);
  if (template && active.length < want) {
    for (let i = active.length; i < want; i++) {
      const name = `${rs.metadata.name ?? ''}-${randomSuffix()}`;
      try {
        api.create(R.pods, podFromTemplate(rs, template, { name }));
        recordEvent(api, rs, { type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${name}`, component: 'replicaset-controller' });
      } catch (e) {
        if (!isRace(e)) throw e;
      }
    }
  } else if (active.length > want) {
    const victims = [...active].sort((a, b) => Number(podReady(a)) - Number(podReady(b))).slice(0, active.length - want);
    for (const p of victims) {
      try {
        api.delete(R.pods, p.metadata.name ?? '', p.metadata.namespace);
        recordEvent(api, rs, { type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${p.metadata.name ?? ''}`, component: 'replicaset-controller' });
      } catch (e) {
        if (!isRace(e)) throw e;
      }
    }
  }
  const latest = ownedPods(api, rs.metadata.namespace, rs);
  const current = api.get(R.replicasets, rs.metadata.name ?? '', rs.metadata.namespace);
  if (current) writeStatus(api, R.replicasets, current, replicaSetStatus(current, latest));
}
