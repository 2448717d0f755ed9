/**
 * kstatus rules (behaviour of sigs.k8s.io/cli-utils pkg/kstatus/status, re-expressed): a pure function
 * from a live object to Current / InProgress / Failed / Terminating.
 */
import type { KubeObject } from '../object.js';
import { arr, condition, field, int, isTrue, str } from './fields.js';
import { Status, type HealthStatus } from './types.js';

const current = (message: string): HealthStatus => ({ status: Status.Current, message });
const inProgress = (message: string): HealthStatus => ({ status: Status.InProgress, message });
const failed = (message: string): HealthStatus => ({ status: Status.Failed, message });

type Rule = (obj: KubeObject) => HealthStatus;

/** Kind-specific rules, keyed by `group/kind` (core group: `/Kind`). */
const rules: Record<string, Rule> = {
  'apps/Deployment': deploymentStatus,
  'apps/StatefulSet': statefulSetStatus,
  'apps/DaemonSet': daemonSetStatus,
  'apps/ReplicaSet': replicaSetStatus,
  'batch/Job': jobStatus,
  '/Pod': podStatus,
  '/PersistentVolumeClaim': pvcStatus,
  '/Service': serviceStatus,
  '/Namespace': namespaceStatus,
  'apiextensions.k8s.io/CustomResourceDefinition': crdStatus,
  'policy/PodDisruptionBudget': pdbStatus,
};

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/**
 * The status of a live object: Terminating when a deletionTimestamp is set; InProgress while
 * `status.observedGeneration` lags `metadata.generation`; Failed on `Stalled=True`, InProgress on
 * `Reconciling=True`; then kind-specific rules (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, Pod,
 * PVC, Service, Namespace, CRD, PDB); any other kind is judged by its `Ready` condition (False/Unknown →
 * InProgress) and is Current without one (ConfigMaps, Secrets, RBAC…). Pure: no I/O.
 */
export function computeStatus(obj: KubeObject): HealthStatus {
  if (obj.metadata.deletionTimestamp) return { status: Status.Terminating, message: 'Resource scheduled for deletion' };
  const generic = genericStatus(obj);
  if (generic) return generic;
  const rule = rules[`${groupOf(obj.apiVersion)}/${obj.kind}`];
  return rule ? rule(obj) : readyConditionStatus(obj);
}

/** Observed generation and the Reconciling/Stalled conditions (kstatus' abnormal-true conditions). */
function genericStatus(obj: KubeObject): HealthStatus | undefined {
  const observed = field(obj, 'status.observedGeneration');
  const generation = obj.metadata.generation;
  if (typeof observed === 'number' && typeof generation === 'number' && observed < generation) {
    return inProgress(`${obj.kind} generation is ${generation}, but latest observed generation is ${observed}`);
  }
  const stalled = condition(obj, 'Stalled');
  if (stalled?.status === 'True') return failed(stalled.message || stalled.reason || 'Stalled');
  const reconciling = condition(obj, 'Reconciling');
  if (reconciling?.status === 'True') return inProgress(reconciling.message || reconciling.reason || 'Reconciling');
  return undefined;
}

/** Generic objects (Flux kinds and other CRs): the Ready condition decides when present. */
function readyConditionStatus(obj: KubeObject): HealthStatus {
  const ready = condition(obj, 'Ready');
  if (!ready) return current('Resource is current');
  if (ready.status === 'True') return current(ready.message || 'Resource is Ready');
  return inProgress(ready.message || ready.reason || 'Resource is not Ready');
}

function needsObservedGeneration(obj: KubeObject): HealthStatus | undefined {
  // kstatus: a controller that has not written status yet has not seen the object
  if (typeof obj.metadata.generation === 'number' && field(obj, 'status.observedGeneration') === undefined) {
    return inProgress(`${obj.kind} status has not been observed yet`);
  }
  return undefined;
}

function deploymentStatus(d: KubeObject): HealthStatus {
  const pending = needsObservedGeneration(d);
  if (pending) return pending;
  const progressing = condition(d, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return failed(`Progress deadline exceeded: ${progressing.message}`.trim());
  const spec = int(d, 'spec.replicas', 1);
  const replicas = int(d, 'status.replicas', 0);
  const updated = int(d, 'status.updatedReplicas', 0);
  const ready = int(d, 'status.readyReplicas', 0);
  const available = int(d, 'status.availableReplicas', 0);
  if (spec > replicas) return inProgress(`Replicas: ${replicas}/${spec}`);
  if (spec > updated) return inProgress(`Updated: ${updated}/${spec}`);
  if (replicas > updated) return inProgress(`Pending termination: ${replicas - updated}`);
  if (spec > available) return inProgress(`Available: ${available}/${spec}`);
  if (spec > ready) return inProgress(`Ready: ${ready}/${spec}`);
  const avail = condition(d, 'Available');
  if (avail && avail.status !== 'True') return inProgress('Deployment not Available');
  if (progressing && !(progressing.status === 'True' && progressing.reason === 'NewReplicaSetAvailable')) {
    return inProgress('ReplicaSet not Available');
  }
  return current(`Deployment is available. Replicas: ${replicas}`);
}

function statefulSetStatus(s: KubeObject): HealthStatus {
  const pending = needsObservedGeneration(s);
  if (pending) return pending;
  if (str(s, 'spec.updateStrategy.type') === 'OnDelete') return current('StatefulSet is using the ondelete update strategy');
  const spec = int(s, 'spec.replicas', 1);
  const replicas = int(s, 'status.replicas', 0);
  const ready = int(s, 'status.readyReplicas', 0);
  const currentReplicas = int(s, 'status.currentReplicas', 0);
  const updated = int(s, 'status.updatedReplicas', 0);
  if (spec > replicas) return inProgress(`Replicas: ${replicas}/${spec}`);
  if (spec > ready) return inProgress(`Ready: ${ready}/${spec}`);
  const partition = int(s, 'spec.updateStrategy.rollingUpdate.partition', 0);
  if (partition > 0) {
    const expected = Math.max(spec - partition, 0);
    if (updated < expected) return inProgress(`updated: ${updated}/${expected}`);
    return current(`Partitioned roll out complete. updated: ${updated}/${expected}`);
  }
  if (spec > currentReplicas) return inProgress(`current: ${currentReplicas}/${spec}`);
  const cur = str(s, 'status.currentRevision');
  const upd = str(s, 'status.updateRevision');
  if (upd !== '' && cur !== upd) return inProgress(`Waiting for rolling update to complete: ${updated}/${spec} pods at revision ${upd}`);
  return current(`All replicas scheduled as expected. Replicas: ${replicas}`);
}

function daemonSetStatus(d: KubeObject): HealthStatus {
  const pending = needsObservedGeneration(d);
  if (pending) return pending;
  if (field(d, 'status.desiredNumberScheduled') === undefined) return inProgress('Missing .status.desiredNumberScheduled');
  const desired = int(d, 'status.desiredNumberScheduled', 0);
  const scheduled = int(d, 'status.currentNumberScheduled', 0);
  const updated = int(d, 'status.updatedNumberScheduled', 0);
  const available = int(d, 'status.numberAvailable', 0);
  const ready = int(d, 'status.numberReady', 0);
  if (desired > scheduled) return inProgress(`Current: ${scheduled}/${desired}`);
  if (desired > updated) return inProgress(`Updated: ${updated}/${desired}`);
  if (desired > available) return inProgress(`Available: ${available}/${desired}`);
  if (desired > ready) return inProgress(`Ready: ${ready}/${desired}`);
  return current(`All replicas scheduled as expected. Replicas: ${desired}`);
}

function replicaSetStatus(r: KubeObject): HealthStatus {
  const pending = needsObservedGeneration(r);
  if (pending) return pending;
  if (isTrue(r, 'ReplicaFailure')) return inProgress('Replica Failure condition. Check Pods');
  const spec = int(r, 'spec.replicas', 1);
  const replicas = int(r, 'status.replicas', 0);
  const labeled = int(r, 'status.fullyLabeledReplicas', 0);
  const available = int(r, 'status.availableReplicas', 0);
  const ready = int(r, 'status.readyReplicas', 0);
  if (spec > labeled) return inProgress(`Labelled: ${labeled}/${spec}`);
  if (spec > available) return inProgress(`Available: ${available}/${spec}`);
  if (spec > ready) return inProgress(`Ready: ${ready}/${spec}`);
  if (replicas > spec) return inProgress(`Pending termination: ${replicas - spec}`);
  return current(`ReplicaSet is available. Replicas: ${replicas}`);
}

function jobStatus(j: KubeObject): HealthStatus {
  const parallelism = int(j, 'spec.parallelism', 1);
  const completions = int(j, 'spec.completions', parallelism);
  const succeeded = int(j, 'status.succeeded', 0);
  const active = int(j, 'status.active', 0);
  const failedPods = int(j, 'status.failed', 0);
  if (isTrue(j, 'Complete')) return current(`Job Completed. succeeded: ${succeeded}/${completions}`);
  if (isTrue(j, 'Failed')) return failed(`Job Failed. failed: ${failedPods}/${completions}`);
  if (isTrue(j, 'Suspended')) return current('Job is suspended');
  if (field(j, 'status.startTime') === undefined) return inProgress('Job not started');
  return inProgress(`Job in progress. success:${succeeded}, active: ${active}, failed: ${failedPods}`);
}

function podStatus(p: KubeObject): HealthStatus {
  const phase = str(p, 'status.phase');
  if (phase === 'Succeeded') return current('Pod has completed successfully');
  if (phase === 'Failed') return failed('Pod has completed, but not successfully');
  for (const cs of [...arr(p, 'status.initContainerStatuses'), ...arr(p, 'status.containerStatuses')]) {
    if (str(cs, 'state.waiting.reason') === 'CrashLoopBackOff') return failed(`Pod has containers in CrashLoopBackOff: ${str(cs, 'name')}`);
  }
  if (phase === 'Running' && isTrue(p, 'Ready')) return current('Pod is Ready');
  const scheduled = condition(p, 'PodScheduled');
  if (phase === 'Pending' && scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') return inProgress('Pod could not be scheduled');
  if (phase === 'Running') return inProgress('Pod is running but is not Ready');
  return inProgress(`Pod is in the ${phase || 'Pending'} phase`);
}

function pvcStatus(p: KubeObject): HealthStatus {
  const phase = str(p, 'status.phase');
  if (phase === 'Bound') return current('PVC is Bound');
  return inProgress(`PVC is not Bound. phase: ${phase || 'Pending'}`);
}

function serviceStatus(s: KubeObject): HealthStatus {
  if (str(s, 'spec.type') === 'LoadBalancer' && arr(s, 'status.loadBalancer.ingress').length === 0) {
    return inProgress('Pending LoadBalancer ingress');
  }
  return current('Service is ready');
}

function namespaceStatus(n: KubeObject): HealthStatus {
  const phase = str(n, 'status.phase');
  if (phase === 'Terminating') return { status: Status.Terminating, message: 'Namespace is terminating' };
  return current('Namespace is active');
}

function crdStatus(c: KubeObject): HealthStatus {
  const names = condition(c, 'NamesAccepted');
  if (names?.status === 'False') return failed(`CRD names not accepted: ${names.message || names.reason}`);
  if (isTrue(c, 'Established')) return current('CRD is established');
  return inProgress('CRD is not established');
}

function pdbStatus(p: KubeObject): HealthStatus {
  const pending = needsObservedGeneration(p);
  if (pending) return pending;
  const healthy = int(p, 'status.currentHealthy', 0);
  const desired = int(p, 'status.desiredHealthy', 0);
  if (healthy < desired) return inProgress(`Budget not met. healthy replicas: ${healthy}/${desired}`);
  return current(`Budget is met. Replicas: ${healthy}/${desired}`);
}
