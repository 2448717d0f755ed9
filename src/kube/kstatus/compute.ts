/** kstatus rules. */
import type { KubeObject } from '../object.js';
import type { HealthStatus } from './types.js';

/**
 * The status of a live object: Terminating when a deletionTimestamp is set, then kind-specific rules
 * (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, Pod, PVC, Service, CRD, Namespace, PDB), then the
 * generic rules (observedGeneration, Ready/Stalled/Reconciling conditions). Pure: no I/O.
 */
export function computeStatus(obj: KubeObject): HealthStatus {
  void obj;
  throw new Error('computeStatus: not yet implemented');
}
