import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../kube/object.js';
import { allocateClusterIP, applyBuiltinDefaults, defaultPullPolicy } from './index.js';

const deployment = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.25',
            ports: [{ containerPort: 80 }],
            env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            readinessProbe: { httpGet: { port: 80 } },
          },
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'scratch' }],
      },
    },
  },
});

test('Deployment defaults match a real API server', () => {
  const d = applyBuiltinDefaults(deployment(), { operation: 'CREATE' }) as unknown as {
    spec: Record<string, unknown> & { template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[]; volumes: unknown[] } } };
  };
  assert.equal(d.spec.replicas, 1);
  assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(d.spec.revisionHistoryLimit, 10);
  assert.equal(d.spec.progressDeadlineSeconds, 600);
  const pod = d.spec.template.spec;
  assert.equal(pod.restartPolicy, 'Always');
  assert.equal(pod.terminationGracePeriodSeconds, 30);
  assert.equal(pod.dnsPolicy, 'ClusterFirst');
  assert.equal(pod.schedulerName, 'default-scheduler');
  assert.deepEqual(pod.securityContext, {});
  assert.equal(pod.serviceAccountName, undefined, 'templates do not get the pod admission defaults');
  const c = pod.containers[0] as Record<string, unknown>;
  assert.equal(c.imagePullPolicy, 'IfNotPresent');
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.terminationMessagePolicy, 'File');
  assert.deepEqual(c.resources, {});
  assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
  assert.deepEqual(c.env, [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } } }]);
  assert.deepEqual(c.readinessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.deepEqual(pod.volumes, [
    { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
    { name: 'scratch', emptyDir: {} },
  ]);
});

test('explicit values are never overwritten', () => {
  const d = deployment() as unknown as { spec: Record<string, unknown> };
  d.spec.replicas = 0;
  d.spec.strategy = { type: 'Recreate' };
  const out = applyBuiltinDefaults(d as unknown as KubeObject, { operation: 'CREATE' }) as unknown as { spec: Record<string, unknown> };
  assert.equal(out.spec.replicas, 0);
  assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
});

test('imagePullPolicy follows the tag', () => {
  const cases: [string, string][] = [
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['registry:5000/team/app', 'Always'],
    ['registry:5000/team/app:v2', 'IfNotPresent'],
    ['nginx@sha256:abcd', 'IfNotPresent'],
  ];
  for (const [image, want] of cases) assert.equal(defaultPullPolicy(image), want, image);
});

test('Service defaults and allocation', () => {
  const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'apps' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }, { port: 443, targetPort: 'https' }] } };
  const out = applyBuiltinDefaults(svc, { operation: 'CREATE' }) as unknown as { spec: Record<string, unknown> };
  const ip = allocateClusterIP('apps', 'web');
  assert.match(ip, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
  assert.deepEqual(out.spec, {
    selector: { app: 'web' },
    ports: [
      { port: 80, protocol: 'TCP', targetPort: 80 },
      { port: 443, targetPort: 'https', protocol: 'TCP' },
    ],
    type: 'ClusterIP',
    sessionAffinity: 'None',
    internalTrafficPolicy: 'Cluster',
    clusterIP: ip,
    clusterIPs: [ip],
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  // update without clusterIP keeps the allocated one
  const upd: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'apps' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } };
  const oldSvc = { ...out, spec: { ...out.spec, clusterIP: '10.96.7.7', clusterIPs: ['10.96.7.7'] } } as unknown as KubeObject;
  const after = applyBuiltinDefaults(upd, { operation: 'UPDATE', oldObject: oldSvc }) as unknown as { spec: { clusterIP: string; externalTrafficPolicy: string; ports: { nodePort: number }[] } };
  assert.equal(after.spec.clusterIP, '10.96.7.7');
  assert.equal(after.spec.externalTrafficPolicy, 'Cluster');
  const np = after.spec.ports[0]?.nodePort ?? 0;
  assert.ok(np >= 30000 && np <= 32767, String(np));
  // headless, ExternalName
  const headless = applyBuiltinDefaults({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'h', namespace: 'a' }, spec: { clusterIP: 'None', ports: [{ port: 1 }] } }, { operation: 'CREATE' }) as unknown as { spec: Record<string, unknown> };
  assert.deepEqual(headless.spec.clusterIPs, ['None']);
  assert.equal(headless.spec.ipFamilyPolicy, 'RequireDualStack');
  const ext = applyBuiltinDefaults({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'e', namespace: 'a' }, spec: { type: 'ExternalName', externalName: 'x.example.com' } }, { operation: 'CREATE' }) as unknown as { spec: Record<string, unknown> };
  assert.equal(ext.spec.clusterIP, undefined);
});

test('defaults table for other kinds', () => {
  const cases: { obj: KubeObject; op?: 'CREATE' | 'UPDATE'; want: (o: Record<string, unknown>) => void }[] = [
    {
      obj: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'n', uid: 'u-1' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
      want: (o) => {
        const spec = o.spec as Record<string, unknown>;
        assert.equal(spec.backoffLimit, 6);
        assert.equal(spec.completions, 1);
        assert.equal(spec.parallelism, 1);
        assert.equal(spec.completionMode, 'NonIndexed');
        assert.equal(spec.suspend, false);
        assert.deepEqual(spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } });
        assert.deepEqual((spec.template as { metadata: unknown }).metadata, {
          labels: { 'batch.kubernetes.io/controller-uid': 'u-1', 'controller-uid': 'u-1', 'batch.kubernetes.io/job-name': 'j', 'job-name': 'j' },
        });
      },
    },
    {
      obj: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { parallelism: 3, template: { spec: { containers: [] } } } },
      want: (o) => {
        const spec = o.spec as Record<string, unknown>;
        assert.equal(spec.parallelism, 3);
        assert.equal(spec.completions, undefined);
        assert.match(String((o.metadata as Record<string, unknown>).uid), /^[0-9a-f-]{36}$/);
      },
    },
    {
      obj: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } },
      want: (o) => {
        assert.deepEqual(o.metadata, { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } });
        assert.deepEqual(o.spec, { finalizers: ['kubernetes'] });
        assert.deepEqual(o.status, { phase: 'Active' });
      },
    },
    { obj: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }, want: (o) => assert.equal(o.type, 'Opaque') },
    { obj: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'kubernetes.io/tls' }, want: (o) => assert.equal(o.type, 'kubernetes.io/tls') },
    {
      obj: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, spec: { accessModes: ['ReadWriteOnce'] } },
      want: (o) => {
        assert.equal((o.spec as Record<string, unknown>).volumeMode, 'Filesystem');
        assert.deepEqual(o.status, { phase: 'Pending' });
      },
    },
    {
      obj: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }], template: { spec: { containers: [] } } } },
      want: (o) => {
        const spec = o.spec as Record<string, unknown>;
        assert.equal(spec.podManagementPolicy, 'OrderedReady');
        assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
        assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
        assert.deepEqual(spec.volumeClaimTemplates, [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }]);
      },
    },
    {
      obj: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' }, spec: { template: { spec: { containers: [] } } } },
      want: (o) => assert.deepEqual((o.spec as Record<string, unknown>).updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }),
    },
    {
      obj: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'x:1' }] } } } } } },
      want: (o) => {
        const spec = o.spec as Record<string, unknown>;
        assert.equal(spec.concurrencyPolicy, 'Allow');
        assert.equal(spec.successfulJobsHistoryLimit, 3);
        assert.equal(spec.failedJobsHistoryLimit, 1);
        assert.equal((spec.jobTemplate as { spec: Record<string, unknown> }).spec.backoffLimit, undefined);
      },
    },
    {
      obj: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x:1', resources: { limits: { cpu: '1', memory: '1Gi' } } }] } },
      want: (o) => {
        const spec = o.spec as Record<string, unknown>;
        assert.equal(spec.serviceAccountName, 'default');
        assert.equal(spec.enableServiceLinks, true);
        assert.equal((spec.tolerations as unknown[]).length, 2);
        assert.deepEqual(o.status, { phase: 'Pending', qosClass: 'Guaranteed' });
      },
    },
    {
      obj: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { maxReplicas: 3, behavior: {} } },
      want: (o) => {
        const spec = o.spec as Record<string, unknown>;
        assert.equal(spec.minReplicas, 1);
        assert.equal((spec.metrics as unknown[]).length, 1);
        assert.deepEqual((spec.behavior as Record<string, unknown>).scaleDown, { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
      },
    },
    {
      obj: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b' }, subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 's', namespace: 'n' }] },
      want: (o) => assert.deepEqual(o.subjects, [{ kind: 'User', name: 'u', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 's', namespace: 'n' }]),
    },
    { obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } }, want: (o) => assert.deepEqual(o, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } }) },
  ];
  for (const c of cases) {
    const out = applyBuiltinDefaults(structuredClone(c.obj), { operation: c.op ?? 'CREATE' });
    c.want(out as unknown as Record<string, unknown>);
  }
});

test('Service type changes drop the allocations the new type does not use', () => {
  const old = applyBuiltinDefaults({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'np', namespace: 'a' }, spec: { type: 'NodePort', selector: { a: 'b' }, ports: [{ port: 80 }] } }, { operation: 'CREATE' });
  const toClusterIP = structuredClone(old) as unknown as { spec: Record<string, unknown> & { ports: Record<string, unknown>[] } };
  toClusterIP.spec.type = 'ClusterIP';
  const out = applyBuiltinDefaults(toClusterIP as unknown as KubeObject, { operation: 'UPDATE', oldObject: old }) as unknown as { spec: Record<string, unknown> & { ports: Record<string, unknown>[] } };
  assert.equal(out.spec.ports[0]?.nodePort, undefined);
  assert.equal(out.spec.externalTrafficPolicy, undefined);
  assert.equal(out.spec.clusterIP, (old.spec as Record<string, unknown>).clusterIP);
  const toExternal = structuredClone(old) as unknown as { spec: Record<string, unknown> };
  toExternal.spec.type = 'ExternalName';
  toExternal.spec.externalName = 'db.example.com';
  const ext = applyBuiltinDefaults(toExternal as unknown as KubeObject, { operation: 'UPDATE', oldObject: old }) as unknown as { spec: Record<string, unknown> };
  assert.equal(ext.spec.clusterIP, undefined);
  assert.equal(ext.spec.clusterIPs, undefined);
});
