import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../../../test/harness/eventually.js';
import { startTestCluster, type TestCluster } from '../../../test/harness/cluster.js';
import type { KubeObject } from '../../kube/object.js';
import { computeStatus } from '../../kube/kstatus/index.js';
import { defaultAdmissionPlugins } from '../admission/index.js';
import type { InternalClient } from '../plugins.js';
import { rbacAuthorizer } from '../rbac/index.js';
import { defaultControllers, expireEvents } from './index.js';
import { R } from './util.js';

let cluster: TestCluster;
let api: InternalClient;

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

const deployment = (name: string, namespace: string, extra: { replicas?: number; annotations?: Record<string, string>; image?: string } = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
  spec: {
    replicas: extra.replicas ?? 2,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: extra.image ?? 'nginx:1.25' }] } },
  },
});

function condition(o: KubeObject | undefined, type: string): Record<string, unknown> | undefined {
  const conds = ((o?.status as { conditions?: Record<string, unknown>[] } | undefined)?.conditions ?? []);
  return conds.find((c) => c.type === type);
}

const owned = (kind: 'pods' | 'replicasets', namespace: string): KubeObject[] => api.list(kind === 'pods' ? R.pods : R.replicasets, { namespace }).items;

describe('cluster controllers', () => {
  before(async () => {
    cluster = await startTestCluster({
      plugins: (client) => ({ admission: defaultAdmissionPlugins(), authorizer: rbacAuthorizer(client), controllers: defaultControllers({ simulateDelayMs: 30 }) }),
    });
    api = cluster.client;
  });
  after(async () => {
    await cluster.close();
  });

  test('a Deployment gets a ReplicaSet, ready pods and Available/Progressing conditions', async () => {
    api.create(R.namespaces, ns('d1'));
    api.create(R.deployments, deployment('web', 'd1'));
    const d = await eventually(() => {
      const o = api.get(R.deployments, 'web', 'd1');
      assert.equal(condition(o, 'Available')?.status, 'True');
      assert.equal(condition(o, 'Progressing')?.reason, 'NewReplicaSetAvailable');
      return o as KubeObject;
    }, { timeoutMs: 10_000 });
    const st = d.status as Record<string, unknown>;
    assert.equal(st.readyReplicas, 2);
    assert.equal(st.availableReplicas, 2);
    assert.equal(st.updatedReplicas, 2);
    assert.equal(st.observedGeneration, 1);
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    const rs = owned('replicasets', 'd1');
    assert.equal(rs.length, 1);
    assert.match(rs[0]?.metadata.name ?? '', /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    const pods = owned('pods', 'd1');
    assert.equal(pods.length, 2);
    for (const p of pods) {
      assert.equal((p.status as { phase: string }).phase, 'Running');
      assert.equal((p.spec as { nodeName: string }).nodeName, 'lockstep-control-plane');
    }
    const node = api.get({ group: '', version: 'v1', resource: 'nodes' }, 'lockstep-control-plane');
    assert.equal(condition(node, 'Ready')?.status, 'True');
    const rv = api.get(R.deployments, 'web', 'd1')?.metadata.resourceVersion;
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(api.get(R.deployments, 'web', 'd1')?.metadata.resourceVersion, rv, 'no status writes once stable');
  });

  test('a template change rolls to a new ReplicaSet; the old one is scaled to zero', async () => {
    const d = api.get(R.deployments, 'web', 'd1') as KubeObject;
    const spec = d.spec as { template: { spec: { containers: { image: string }[] } } };
    const c0 = spec.template.spec.containers[0];
    if (c0) c0.image = 'nginx:1.26';
    api.update(R.deployments, d);
    await eventually(() => {
      const o = api.get(R.deployments, 'web', 'd1');
      assert.equal((o?.status as { observedGeneration: number }).observedGeneration, 2);
      assert.equal(condition(o, 'Progressing')?.reason, 'NewReplicaSetAvailable');
      const sets = owned('replicasets', 'd1');
      assert.equal(sets.length, 2);
      const byRev = new Map(sets.map((s) => [s.metadata.annotations?.['deployment.kubernetes.io/revision'], s]));
      assert.equal((byRev.get('1')?.spec as { replicas: number }).replicas, 0);
      assert.equal((byRev.get('2')?.spec as { replicas: number }).replicas, 2);
      assert.equal(owned('pods', 'd1').length, 2);
    }, { timeoutMs: 10_000 });
  });

  test('a rollout to a crashing template keeps the old pods serving (Available) and reports ProgressDeadlineExceeded; paused stops rollouts', async () => {
    const d = api.get(R.deployments, 'web', 'd1') as KubeObject;
    const spec = d.spec as { template: { metadata: { annotations?: Record<string, string> } } };
    spec.template.metadata.annotations = { 'cluster.lockstep.dev/simulate': 'fail' };
    api.update(R.deployments, d);
    await eventually(() => {
      const o = api.get(R.deployments, 'web', 'd1');
      assert.equal(condition(o, 'Progressing')?.reason, 'ProgressDeadlineExceeded');
      assert.equal(condition(o, 'Available')?.status, 'True');
      const st = o?.status as Record<string, number>;
      assert.equal(st.availableReplicas, 2);
      assert.equal(st.updatedReplicas, 2);
      assert.equal(st.replicas, 4);
    }, { timeoutMs: 10_000 });
    const back = api.get(R.deployments, 'web', 'd1') as KubeObject;
    delete (back.spec as { template: { metadata: { annotations?: unknown } } }).template.metadata.annotations;
    (back.spec as Record<string, unknown>).paused = true;
    api.update(R.deployments, back);
    await eventually(() => {
      const o = api.get(R.deployments, 'web', 'd1');
      assert.equal(condition(o, 'Progressing')?.reason, 'DeploymentPaused');
      assert.equal(condition(o, 'Progressing')?.status, 'Unknown');
    }, { timeoutMs: 10_000 });
    const resumed = api.get(R.deployments, 'web', 'd1') as KubeObject;
    (resumed.spec as Record<string, unknown>).paused = false;
    api.update(R.deployments, resumed);
    await eventually(() => {
      const o = api.get(R.deployments, 'web', 'd1');
      assert.equal(condition(o, 'Progressing')?.reason, 'NewReplicaSetAvailable');
      assert.equal((o?.status as Record<string, number>).replicas, 2);
    }, { timeoutMs: 10_000 });
  });

  test('deleting a Deployment (background) removes its ReplicaSets and Pods', async () => {
    api.delete(R.deployments, 'web', 'd1');
    await eventually(() => {
      assert.equal(owned('replicasets', 'd1').length, 0);
      assert.equal(owned('pods', 'd1').length, 0);
    }, { timeoutMs: 10_000 });
  });

  test('foreground deletion keeps the owner until dependents are gone; orphan keeps dependents', async () => {
    api.create(R.namespaces, ns('d2'));
    api.create(R.deployments, deployment('fg', 'd2', { replicas: 1 }));
    api.create(R.deployments, deployment('orph', 'd2', { replicas: 1 }));
    await eventually(() => assert.equal(owned('pods', 'd2').length, 2), { timeoutMs: 10_000 });
    api.delete(R.deployments, 'fg', 'd2', { propagationPolicy: 'Foreground' });
    api.delete(R.deployments, 'orph', 'd2', { propagationPolicy: 'Orphan' });
    await eventually(() => {
      assert.equal(api.get(R.deployments, 'fg', 'd2'), undefined);
      assert.equal(api.get(R.deployments, 'orph', 'd2'), undefined);
      const sets = owned('replicasets', 'd2');
      assert.equal(sets.length, 1);
      assert.match(sets[0]?.metadata.name ?? '', /^orph-/);
      assert.equal(sets[0]?.metadata.ownerReferences, undefined);
      assert.equal(owned('pods', 'd2').length, 1);
    }, { timeoutMs: 10_000 });
  });

  test('simulate: fail gives ProgressDeadlineExceeded and crash-looping pods; never-ready stays unavailable', async () => {
    api.create(R.namespaces, ns('d3'));
    api.create(R.deployments, deployment('bad', 'd3', { replicas: 1, annotations: { 'cluster.lockstep.dev/simulate': 'fail' } }));
    api.create(R.deployments, deployment('slow', 'd3', { replicas: 1, annotations: { 'cluster.lockstep.dev/simulate': 'never-ready' } }));
    await eventually(() => {
      const bad = api.get(R.deployments, 'bad', 'd3');
      assert.equal(condition(bad, 'Progressing')?.status, 'False');
      assert.equal(condition(bad, 'Progressing')?.reason, 'ProgressDeadlineExceeded');
      assert.equal(condition(bad, 'Available')?.status, 'False');
      const pod = owned('pods', 'd3').find((p) => p.metadata.name?.startsWith('bad-'));
      const cs = (pod?.status as { containerStatuses?: { state: { waiting?: { reason: string } } }[] } | undefined)?.containerStatuses?.[0];
      assert.equal(cs?.state.waiting?.reason, 'CrashLoopBackOff');
      const slow = api.get(R.deployments, 'slow', 'd3');
      assert.equal(condition(slow, 'Available')?.status, 'False');
      assert.equal(condition(slow, 'Progressing')?.reason, 'ReplicaSetUpdated');
      const sp = owned('pods', 'd3').find((p) => p.metadata.name?.startsWith('slow-'));
      assert.equal((sp?.status as { phase?: string } | undefined)?.phase, 'Running');
    }, { timeoutMs: 10_000 });
  });

  test('Jobs complete or fail with the real conditions; PVCs bind; LoadBalancers get an address; StatefulSets and DaemonSets become ready', async () => {
    api.create(R.namespaces, ns('d4'));
    const job = (name: string, ann?: Record<string, string>): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'd4', ...(ann ? { annotations: ann } : {}) },
      spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1' }] } } },
    });
    api.create(R.jobs, job('ok'));
    api.create(R.jobs, job('ko', { 'cluster.lockstep.dev/simulate': 'fail' }));
    api.create(R.pvcs, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'd4' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    api.create(R.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb', namespace: 'd4' }, spec: { type: 'LoadBalancer', selector: { a: 'b' }, ports: [{ port: 80 }] } });
    api.create(R.statefulsets, {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'd4' },
      spec: { serviceName: 'db', replicas: 2, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } }, volumeClaimTemplates: [{ metadata: { name: 'pg' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } } }] },
    });
    api.create({ group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' }, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace: 'd4' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } } });
    api.create(R.daemonsets, { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'd4' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent:1' }] } } } });
    await eventually(() => {
      const ok = api.get(R.jobs, 'ok', 'd4');
      assert.equal(condition(ok, 'Complete')?.status, 'True');
      assert.equal((ok?.status as { succeeded: number }).succeeded, 1);
      const ko = api.get(R.jobs, 'ko', 'd4');
      assert.equal(condition(ko, 'Failed')?.reason, 'BackoffLimitExceeded');
      assert.equal((ko?.status as { failed: number }).failed, 2);
      const pvc = api.get(R.pvcs, 'data', 'd4');
      assert.equal((pvc?.status as { phase: string }).phase, 'Bound');
      const pvName = (pvc?.spec as { volumeName: string }).volumeName;
      assert.equal((api.get(R.pvs, pvName)?.status as { phase: string }).phase, 'Bound');
      const lb = api.get(R.services, 'lb', 'd4');
      assert.match(String((lb?.status as { loadBalancer: { ingress: { ip: string }[] } }).loadBalancer.ingress[0]?.ip), /^172\.18\.255\.\d+$/);
      const sts = api.get(R.statefulsets, 'db', 'd4');
      assert.equal((sts?.status as { readyReplicas: number }).readyReplicas, 2);
      assert.equal((api.get(R.pvcs, 'pg-db-1', 'd4')?.status as { phase: string }).phase, 'Bound');
      assert.equal((api.get(R.daemonsets, 'agent', 'd4')?.status as { numberReady: number }).numberReady, 1);
      const pdb = api.get({ group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' }, 'db', 'd4');
      assert.deepEqual(
        ['currentHealthy', 'desiredHealthy', 'disruptionsAllowed', 'expectedPods'].map((k) => (pdb?.status as Record<string, number>)[k]),
        [2, 1, 1, 2],
      );
      assert.equal(condition(pdb, 'DisruptionAllowed')?.reason, 'SufficientPods');
    }, { timeoutMs: 15_000 });
  });

  test('GC: a dependent with two owners loses the dead reference, then goes with the last owner; dangling dependents go', async () => {
    const cmRef = { group: '', version: 'v1', resource: 'configmaps' };
    api.create(R.namespaces, ns('gc'));
    const a = api.create(cmRef, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'gc' } });
    const b = api.create(cmRef, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'gc' } });
    const ref = (o: KubeObject) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name ?? '', uid: o.metadata.uid ?? '' });
    api.create(cmRef, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'both', namespace: 'gc', ownerReferences: [ref(a), ref(b)] } });
    api.create(cmRef, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dangling', namespace: 'gc', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', uid: 'not-the-uid' }] } });
    await eventually(() => assert.equal(api.get(cmRef, 'dangling', 'gc'), undefined), { timeoutMs: 10_000 });
    api.delete(cmRef, 'a', 'gc');
    await eventually(() => {
      const both = api.get(cmRef, 'both', 'gc');
      assert.deepEqual((both?.metadata.ownerReferences as { name: string }[]).map((r) => r.name), ['b']);
    }, { timeoutMs: 10_000 });
    api.delete(cmRef, 'b', 'gc');
    await eventually(() => assert.equal(api.get(cmRef, 'both', 'gc'), undefined), { timeoutMs: 10_000 });
  });

  test('kstatus (the health checker Lockstep uses) sees every simulated workload as Current, failures as Failed', async () => {
    const refs = [R.deployments, R.replicasets, R.statefulsets, R.daemonsets, R.jobs, R.pods, R.pvcs, R.services, { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' }];
    await eventually(() => {
      for (const ref of refs) {
        for (const o of api.list(ref, { namespace: 'd4' }).items) {
          if (o.kind === 'Pod' && o.metadata.name?.startsWith('ko-')) continue; // failed pods of the failed Job
          const st = computeStatus(o);
          assert.equal(st.status, o.metadata.name === 'ko' ? 'Failed' : 'Current', `${o.kind}/${o.metadata.name ?? ''}: ${st.message}`);
        }
      }
      const bad = api.get(R.deployments, 'bad', 'd3') as KubeObject;
      assert.equal(computeStatus(bad).status, 'Failed', computeStatus(bad).message);
      const slow = api.get(R.deployments, 'slow', 'd3') as KubeObject;
      assert.equal(computeStatus(slow).status, 'InProgress');
    }, { timeoutMs: 10_000 });
  });

  test('namespace deletion removes its content, then the namespace', async () => {
    api.create(R.namespaces, ns('gone'));
    api.create(R.deployments, deployment('x', 'gone', { replicas: 1 }));
    api.create({ group: '', version: 'v1', resource: 'configmaps' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'gone', finalizers: ['example.com/hold'] } });
    await eventually(() => assert.equal(owned('pods', 'gone').length, 1), { timeoutMs: 10_000 });
    api.delete(R.namespaces, 'gone');
    await eventually(() => {
      const n = api.get(R.namespaces, 'gone');
      assert.equal((n?.status as { phase: string }).phase, 'Terminating');
      assert.equal(condition(n, 'NamespaceContentRemaining')?.status, 'True');
      assert.match(String(condition(n, 'NamespaceFinalizersRemaining')?.message), /example\.com\/hold in 1 resource instances/);
      assert.equal(owned('pods', 'gone').length, 0);
    }, { timeoutMs: 10_000 });
    const cm = api.get({ group: '', version: 'v1', resource: 'configmaps' }, 'held', 'gone') as KubeObject;
    api.update({ group: '', version: 'v1', resource: 'configmaps' }, { ...cm, metadata: { ...cm.metadata, finalizers: [] } });
    await eventually(() => assert.equal(api.get(R.namespaces, 'gone'), undefined), { timeoutMs: 10_000 });
  });

  test('events are written for workloads and expire after their TTL', () => {
    const events = api.list(R.events, { namespace: 'd4' }).items;
    const reasons = new Set(events.map((e) => String(e.reason)));
    for (const r of ['SuccessfulCreate', 'Completed', 'BackoffLimitExceeded', 'Scheduled', 'Started']) assert.ok(reasons.has(r), `${r} in ${[...reasons].join(',')}`);
    assert.equal(expireEvents(api, 3_600_000), 0);
    const n = expireEvents(api, 3_600_000, Date.now() + 2 * 3_600_000);
    assert.ok(n >= events.length, `${n} >= ${events.length}`);
    assert.equal(api.list(R.events, { namespace: 'd4' }).items.length, 0);
  });

  test('CRDs become Established', async () => {
    api.create(R.crds, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }] },
    });
    await eventually(() => {
      const crd = api.get(R.crds, 'widgets.example.com');
      assert.equal(condition(crd, 'Established')?.status, 'True');
      assert.equal(condition(crd, 'NamesAccepted')?.reason, 'NoConflicts');
      assert.deepEqual((crd?.status as { storedVersions: string[] }).storedVersions, ['v1']);
    }, { timeoutMs: 10_000 });
  });
});
