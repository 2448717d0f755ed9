import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { computeStatus } from './compute.js';
import type { Status } from './types.js';

interface Row {
  name: string;
  obj: Partial<KubeObject> & { apiVersion: string; kind: string };
  status: Status;
  /** Substring of the message. */
  message?: string;
}

const meta = (extra: Record<string, unknown> = {}) => ({ name: 'x', namespace: 'ns', ...extra });
const cond = (type: string, status: string, reason = '', message = '') => ({ type, status, reason, message });
const deploy = (status: Record<string, unknown>, spec: Record<string, unknown> = { replicas: 2 }, gen = 1) =>
  ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta({ generation: gen }), spec, status });
const healthyDeployStatus = {
  observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2,
  conditions: [cond('Available', 'True'), cond('Progressing', 'True', 'NewReplicaSetAvailable')],
};

const rows: Row[] = [
  { name: 'configmap: current', obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta() }, status: 'Current' },
  { name: 'deletionTimestamp: terminating', obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta({ deletionTimestamp: '2026-01-01T00:00:00Z' }) }, status: 'Terminating' },
  { name: 'deployment: healthy', obj: deploy(healthyDeployStatus), status: 'Current', message: 'Replicas: 2' },
  { name: 'deployment: no status yet', obj: deploy({}), status: 'InProgress', message: 'not been observed' },
  { name: 'deployment: generation lag', obj: deploy(healthyDeployStatus, { replicas: 2 }, 2), status: 'InProgress', message: 'generation is 2, but latest observed generation is 1' },
  { name: 'deployment: scaling up', obj: deploy({ ...healthyDeployStatus, replicas: 1 }), status: 'InProgress', message: 'Replicas: 1/2' },
  { name: 'deployment: rolling', obj: deploy({ ...healthyDeployStatus, updatedReplicas: 1 }), status: 'InProgress', message: 'Updated: 1/2' },
  { name: 'deployment: old pods terminating', obj: deploy({ ...healthyDeployStatus, replicas: 3 }), status: 'InProgress', message: 'Pending termination: 1' },
  { name: 'deployment: not available', obj: deploy({ ...healthyDeployStatus, availableReplicas: 0 }), status: 'InProgress', message: 'Available: 0/2' },
  { name: 'deployment: not ready', obj: deploy({ ...healthyDeployStatus, readyReplicas: 1 }), status: 'InProgress', message: 'Ready: 1/2' },
  { name: 'deployment: default 1 replica', obj: deploy({ ...healthyDeployStatus, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 }, {}), status: 'Current' },
  {
    name: 'deployment: deadline exceeded',
    obj: deploy({ ...healthyDeployStatus, readyReplicas: 0, conditions: [cond('Progressing', 'False', 'ProgressDeadlineExceeded', 'ReplicaSet "x" has timed out progressing.')] }),
    status: 'Failed',
    message: 'Progress deadline exceeded',
  },
  { name: 'deployment: still progressing', obj: deploy({ ...healthyDeployStatus, conditions: [cond('Progressing', 'True', 'ReplicaSetUpdated')] }), status: 'InProgress', message: 'ReplicaSet not Available' },
  { name: 'stalled: failed', obj: { apiVersion: 'example.com/v1', kind: 'Thing', metadata: meta(), status: { conditions: [cond('Stalled', 'True', 'X', 'broken')] } }, status: 'Failed', message: 'broken' },
  { name: 'reconciling: in progress', obj: { apiVersion: 'example.com/v1', kind: 'Thing', metadata: meta(), status: { conditions: [cond('Reconciling', 'True', 'Progressing', 'working')] } }, status: 'InProgress', message: 'working' },
  { name: 'flux kind: Ready=False', obj: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: meta({ generation: 1 }), status: { observedGeneration: 1, conditions: [cond('Ready', 'False', 'BuildFailed', 'kustomize build failed')] } }, status: 'InProgress', message: 'build failed' },
  { name: 'flux kind: Ready=True', obj: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: meta({ generation: 1 }), status: { observedGeneration: 1, conditions: [cond('Ready', 'True', 'ReconciliationSucceeded', 'Applied revision: main@sha1:abc')] } }, status: 'Current' },
  { name: 'statefulset: ready', obj: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta({ generation: 1 }), spec: { replicas: 2 }, status: { observedGeneration: 1, replicas: 2, readyReplicas: 2, currentReplicas: 2, updatedReplicas: 2, currentRevision: 'a', updateRevision: 'a' } }, status: 'Current' },
  { name: 'statefulset: revision rolling', obj: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta({ generation: 1 }), spec: { replicas: 2 }, status: { observedGeneration: 1, replicas: 2, readyReplicas: 2, currentReplicas: 2, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'b' } }, status: 'InProgress', message: 'revision b' },
  { name: 'statefulset: not ready', obj: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta({ generation: 1 }), spec: { replicas: 2 }, status: { observedGeneration: 1, replicas: 2, readyReplicas: 1 } }, status: 'InProgress', message: 'Ready: 1/2' },
  { name: 'daemonset: ready', obj: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta({ generation: 1 }), status: { observedGeneration: 1, desiredNumberScheduled: 1, currentNumberScheduled: 1, updatedNumberScheduled: 1, numberAvailable: 1, numberReady: 1 } }, status: 'Current' },
  { name: 'daemonset: unavailable', obj: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta({ generation: 1 }), status: { observedGeneration: 1, desiredNumberScheduled: 1, currentNumberScheduled: 1, updatedNumberScheduled: 1, numberAvailable: 0 } }, status: 'InProgress', message: 'Available: 0/1' },
  { name: 'replicaset: failure', obj: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta({ generation: 1 }), spec: { replicas: 1 }, status: { observedGeneration: 1, conditions: [cond('ReplicaFailure', 'True')] } }, status: 'InProgress', message: 'Replica Failure' },
  { name: 'replicaset: ready', obj: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta({ generation: 1 }), spec: { replicas: 1 }, status: { observedGeneration: 1, replicas: 1, fullyLabeledReplicas: 1, availableReplicas: 1, readyReplicas: 1 } }, status: 'Current' },
  { name: 'job: complete', obj: { apiVersion: 'batch/v1', kind: 'Job', metadata: meta(), spec: { completions: 1 }, status: { succeeded: 1, startTime: 't', conditions: [cond('Complete', 'True')] } }, status: 'Current', message: 'succeeded: 1/1' },
  { name: 'job: failed', obj: { apiVersion: 'batch/v1', kind: 'Job', metadata: meta(), status: { failed: 7, startTime: 't', conditions: [cond('Failed', 'True', 'BackoffLimitExceeded')] } }, status: 'Failed', message: 'failed: 7/1' },
  { name: 'job: running', obj: { apiVersion: 'batch/v1', kind: 'Job', metadata: meta(), status: { active: 1, startTime: 't' } }, status: 'InProgress', message: 'active: 1' },
  { name: 'job: not started', obj: { apiVersion: 'batch/v1', kind: 'Job', metadata: meta(), status: {} }, status: 'InProgress', message: 'not started' },
  { name: 'pod: ready', obj: { apiVersion: 'v1', kind: 'Pod', metadata: meta(), status: { phase: 'Running', conditions: [cond('Ready', 'True')] } }, status: 'Current' },
  { name: 'pod: crashloop', obj: { apiVersion: 'v1', kind: 'Pod', metadata: meta(), status: { phase: 'Running', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'CrashLoopBackOff' } } }] } }, status: 'Failed', message: 'CrashLoopBackOff: app' },
  { name: 'pod: running not ready', obj: { apiVersion: 'v1', kind: 'Pod', metadata: meta(), status: { phase: 'Running', conditions: [cond('Ready', 'False')] } }, status: 'InProgress' },
  { name: 'pod: succeeded', obj: { apiVersion: 'v1', kind: 'Pod', metadata: meta(), status: { phase: 'Succeeded' } }, status: 'Current' },
  { name: 'pod: failed', obj: { apiVersion: 'v1', kind: 'Pod', metadata: meta(), status: { phase: 'Failed' } }, status: 'Failed' },
  { name: 'pod: unschedulable', obj: { apiVersion: 'v1', kind: 'Pod', metadata: meta(), status: { phase: 'Pending', conditions: [cond('PodScheduled', 'False', 'Unschedulable')] } }, status: 'InProgress', message: 'could not be scheduled' },
  { name: 'pvc: bound', obj: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta(), status: { phase: 'Bound' } }, status: 'Current' },
  { name: 'pvc: pending', obj: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta(), status: { phase: 'Pending' } }, status: 'InProgress', message: 'phase: Pending' },
  { name: 'service: clusterip', obj: { apiVersion: 'v1', kind: 'Service', metadata: meta(), spec: { type: 'ClusterIP' } }, status: 'Current' },
  { name: 'service: lb pending', obj: { apiVersion: 'v1', kind: 'Service', metadata: meta(), spec: { type: 'LoadBalancer' }, status: { loadBalancer: {} } }, status: 'InProgress', message: 'LoadBalancer' },
  { name: 'service: lb ready', obj: { apiVersion: 'v1', kind: 'Service', metadata: meta(), spec: { type: 'LoadBalancer' }, status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } } }, status: 'Current' },
  { name: 'crd: established', obj: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: meta(), status: { conditions: [cond('NamesAccepted', 'True'), cond('Established', 'True')] } }, status: 'Current' },
  { name: 'crd: not established', obj: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: meta(), status: {} }, status: 'InProgress' },
  { name: 'crd: names conflict', obj: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: meta(), status: { conditions: [cond('NamesAccepted', 'False', 'NameConflict', 'plural in use')] } }, status: 'Failed', message: 'plural in use' },
  { name: 'namespace: active', obj: { apiVersion: 'v1', kind: 'Namespace', metadata: meta(), status: { phase: 'Active' } }, status: 'Current' },
  { name: 'namespace: terminating phase', obj: { apiVersion: 'v1', kind: 'Namespace', metadata: meta(), status: { phase: 'Terminating' } }, status: 'Terminating' },
  { name: 'pdb: budget met', obj: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta({ generation: 1 }), status: { observedGeneration: 1, currentHealthy: 2, desiredHealthy: 1 } }, status: 'Current' },
  { name: 'pdb: budget not met', obj: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta({ generation: 1 }), status: { observedGeneration: 1, currentHealthy: 0, desiredHealthy: 1 } }, status: 'InProgress', message: 'healthy replicas: 0/1' },
];

for (const row of rows) {
  test(`kstatus: ${row.name}`, () => {
    const got = computeStatus({ metadata: {}, ...row.obj } as KubeObject);
    assert.equal(got.status, row.status, got.message);
    if (row.message) assert.ok(got.message.includes(row.message), `message ${JSON.stringify(got.message)} lacks ${JSON.stringify(row.message)}`);
  });
}
