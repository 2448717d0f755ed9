import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../kube/object.js';
import { applyBuiltinDefaults } from '../defaults/index.js';
import { aggregateMessage, formatFieldError } from '../field-errors.js';
import { validateBuiltin } from './index.js';

const deploy = (labels: Record<string, string>, extra: Record<string, unknown> = {}): KubeObject =>
  applyBuiltinDefaults(
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1' }] } }, ...extra },
    },
    { operation: 'CREATE' },
  );

function messages(obj: KubeObject, old?: KubeObject): string[] {
  return validateBuiltin(obj, old).map(formatFieldError);
}

test('immutable and required fields, with the API server wording', () => {
  const cases: { name: string; obj: KubeObject; old?: KubeObject; want: string[] }[] = [
    { name: 'valid deployment', obj: deploy({ app: 'web' }), want: [] },
    { name: 'replicas change is fine', obj: deploy({ app: 'web' }, { replicas: 3 }), old: deploy({ app: 'web' }), want: [] },
    {
      name: 'deployment selector immutable',
      obj: deploy({ app: 'web2' }),
      old: deploy({ app: 'web' }),
      want: ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable'],
    },
    {
      name: 'selector does not match template',
      obj: { ...deploy({ app: 'web' }), spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
      want: ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'],
    },
    {
      name: 'containers required',
      obj: { ...deploy({ app: 'web' }), spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [] } } } },
      want: ['spec.template.spec.containers: Required value'],
    },
    {
      name: 'container image and name required',
      obj: { ...deploy({ app: 'web' }), spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{}] } } } },
      want: ['spec.template.spec.containers[0].name: Required value', 'spec.template.spec.containers[0].image: Required value'],
    },
    {
      name: 'service ports required',
      obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'ClusterIP' } },
      want: ['spec.ports: Required value'],
    },
    {
      name: 'service cluster IP may not change',
      obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { clusterIP: '10.96.0.9', clusterIPs: ['10.96.0.9'], ports: [{ port: 80 }] } },
      old: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { clusterIP: '10.96.0.8', clusterIPs: ['10.96.0.8'], ports: [{ port: 80 }] } },
      want: ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.9"}: may not change once set'],
    },
    {
      name: 'immutable configmap',
      obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, immutable: true, data: { a: '2' } },
      old: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, immutable: true, data: { a: '1' } },
      want: ['data: Forbidden: field is immutable when `immutable` is set'],
    },
    {
      name: 'bad configmap key',
      obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'a b': '2' } },
      want: [
        "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      ],
    },
    {
      name: 'job template immutable and restart policy',
      obj: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { restartPolicy: 'Always', containers: [{ name: 'c', image: 'x' }] } } } },
      want: ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'],
    },
    {
      name: 'statefulset forbidden spec change',
      obj: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { serviceName: 'b', selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } },
      old: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { serviceName: 'a', selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } },
      want: [
        "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ],
    },
    {
      name: 'roleRef immutable',
      obj: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' } },
      old: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } },
      want: ['roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef'],
    },
    {
      name: 'pvc shrink and spec change',
      obj: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } } },
      old: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } } },
      want: ['spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims', 'spec.resources.requests.storage: Forbidden: field can not be less than previous value'],
    },
    {
      name: 'pvc growth allowed',
      obj: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '3Gi' } } } },
      old: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } } },
      want: [],
    },
    {
      name: 'crd scope immutable',
      obj: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'foos.example.com' }, spec: { group: 'example.com', scope: 'Cluster', names: { plural: 'foos', kind: 'Foo', listKind: 'FooList' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }] } },
      old: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'foos.example.com' }, spec: { group: 'example.com', scope: 'Namespaced' } },
      want: ['spec.scope: Invalid value: "Cluster": field is immutable'],
    },
    {
      name: 'ingress pathType',
      obj: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' }, spec: { rules: [{ http: { paths: [{ path: '/', backend: { service: { name: 's', port: { number: 80 } } } }] } }] } },
      want: ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified'],
    },
  ];
  for (const c of cases) assert.deepEqual(messages(c.obj, c.old), c.want, c.name);
});

test('aggregate message joins several errors like the API server', () => {
  const errs = validateBuiltin({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'Foo', ports: [{ port: 0 }] } });
  assert.equal(
    aggregateMessage(errs),
    '[spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort", spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive]',
  );
});

test('ObjectMeta: label keys/values, annotation keys, finalizers', () => {
  const cm = (meta: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', ...meta } });
  const cases: [KubeObject, string[]][] = [
    [cm({ labels: { app: 'web', 'app.kubernetes.io/name': 'x', 'example.com/empty': '' } }), []],
    [
      cm({ labels: { app: 'bad value' } }),
      [
        "metadata.labels: Invalid value: \"bad value\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    ],
    [cm({ labels: { v: 'x'.repeat(64) } }), [`metadata.labels: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`]],
    [
      cm({ annotations: { 'Bad_Prefix.com/x': 'v' } }),
      [
        "metadata.annotations: Invalid value: \"Bad_Prefix.com/x\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    ],
    [cm({ annotations: { big: 'x'.repeat(300_000) } }), ['metadata.annotations: Too long: must have at most 262144 bytes']],
    [cm({ finalizers: ['kubernetes', 'example.com/cleanup'] }), []],
    [
      cm({ finalizers: ['bad finalizer'] }),
      [
        "metadata.finalizers[0]: Invalid value: \"bad finalizer\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ],
    ],
  ];
  for (const [obj, want] of cases) assert.deepEqual(messages(obj), want, JSON.stringify(obj.metadata).slice(0, 80));
  const d = deploy({ app: 'a b' });
  assert.ok(messages(d).some((m) => m.startsWith('spec.template.metadata.labels: Invalid value: "a b": a valid label must be')));
});

test('Deployment strategy, volume mounts, Secret base64', async () => {
  const { base64ErrorOffset } = await import('./pod-extra.js');
  const d = deploy({ app: 'web' }) as unknown as { spec: Record<string, unknown> & { template: { spec: { containers: Record<string, unknown>[] } } } };
  d.spec.strategy = { type: 'Recreate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
  const c0 = d.spec.template.spec.containers[0];
  if (c0) c0.volumeMounts = [{ name: 'data', mountPath: '/data' }];
  assert.deepEqual(messages(d as unknown as KubeObject), [
    'spec.template.spec.containers[0].volumeMounts[0].name: Not found: "data"',
    "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
  ]);
  d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } };
  if (c0) delete c0.volumeMounts;
  assert.deepEqual(messages(d as unknown as KubeObject), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0']);
  const cases: [string, number | undefined][] = [['aGVsbG8=', undefined], ['aGVsbG8', 4], ['a b', 1], ['', undefined], ['aGVsbG8hIQ==', undefined], ['hello!', 5]];
  for (const [v, want] of cases) assert.equal(base64ErrorOffset(v), want, v);
  const secret = applyBuiltinDefaults({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'eA==' }, stringData: { b: 'héllo', a: 'y' } }, { operation: 'CREATE' }) as unknown as Record<string, unknown>;
  assert.deepEqual(secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { a: 'eQ==', b: 'aMOpbGxv' } });
});
