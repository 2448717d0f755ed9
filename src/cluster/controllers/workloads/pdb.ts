/**
 * PodDisruptionBudget status, as the disruption controller computes it from the pods its selector matches:
 * expectedPods, currentHealthy (ready pods), desiredHealthy (from minAvailable or maxUnavailable),
 * disruptionsAllowed and the DisruptionAllowed condition. Health checkers (kstatus) wait on
 * `currentHealthy >= desiredHealthy`, so without this a budget never looks ready.
 */
import { isJsonObject, type JsonObject, type KubeObject } from '../../../kube/object.js';
import type { InternalClient } from '../../plugins.js';
import { selectorMatches } from '../../admission/validation/workloads.js';
import { gvr, mergeConditions, specOf, statusOf, writeStatus } from '../util.js';
import { activePods, podReady, scaledValue } from './common.js';

/** policy/v1 PodDisruptionBudgets. */
export const pdbRef = gvr('policy', 'v1', 'poddisruptionbudgets');

/** The status a PDB has for the given pods of its namespace. */
export function pdbStatus(pdb: KubeObject, podsInNamespace: readonly KubeObject[]): JsonObject {
  const spec = specOf(pdb);
  const sel = isJsonObject(spec.selector) ? spec.selector : undefined;
  const pods = sel ? activePods(podsInNamespace).filter((p) => selectorMatches(sel, (p.metadata.labels ?? {}) as Record<string, string>)) : [];
  const expected = pods.length;
  const healthy = pods.filter(podReady).length;
  const desired =
    spec.minAvailable !== undefined
      ? scaledValue(spec.minAvailable, expected, true)
      : spec.maxUnavailable !== undefined
        ? Math.max(0, expected - scaledValue(spec.maxUnavailable, expected, true))
        : 0;
  const allowed = Math.max(0, healthy - desired);
  const status: JsonObject = {
    ...statusOf(pdb),
    currentHealthy: healthy,
    desiredHealthy: desired,
    disruptionsAllowed: allowed,
    expectedPods: expected,
    conditions: mergeConditions(statusOf(pdb).conditions, [
      allowed > 0
        ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '' }
        : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '' },
    ]),
  };
  if (typeof pdb.metadata.generation === 'number') status.observedGeneration = pdb.metadata.generation;
  return status;
}

/** Reconciles one PDB. */
export function reconcilePDB(api: InternalClient, pdb: KubeObject): void {
  if (pdb.metadata.deletionTimestamp) return;
  const pods = api.list(gvr('', 'v1', 'pods'), { namespace: pdb.metadata.namespace }).items;
  writeStatus(api, pdbRef, pdb, pdbStatus(pdb, pods));
}
