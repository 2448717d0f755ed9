import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../object.js';
import { builtinSchemas, createSchemaCatalog, SchemaError } from './catalog.js';
import type { SchemaNode } from './types.js';

const schemas = builtinSchemas();

function at(gvk: string, path: string): SchemaNode {
  const [apiVersion, kind] = gvk.split(' ') as [string, string];
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  let node = schemas.forKind({ group, version, kind });
  assert.ok(node, `${gvk} unknown`);
  for (const part of path.split('.').filter(Boolean)) {
    const next: SchemaNode | undefined = part === '[]' ? node.items() : node.field(part);
    assert.ok(next, `${gvk} ${path}: no ${part}`);
    node = next;
  }
  return node;
}

const POD = 'spec.template.spec';
const listFacts: [string, string, { listType: string; keys?: string[]; strategies?: string[]; mergeKey?: string }][] = [
  ['apps/v1 Deployment', `${POD}.containers`, { listType: 'map', keys: ['name'], strategies: ['merge'], mergeKey: 'name' }],
  ['apps/v1 Deployment', `${POD}.initContainers`, { listType: 'map', keys: ['name'], strategies: ['merge'], mergeKey: 'name' }],
  ['apps/v1 Deployment', `${POD}.containers.[].ports`, { listType: 'map', keys: ['containerPort', 'protocol'], strategies: ['merge'], mergeKey: 'containerPort' }],
  ['apps/v1 Deployment', `${POD}.containers.[].env`, { listType: 'map', keys: ['name'], strategies: ['merge'], mergeKey: 'name' }],
  ['apps/v1 Deployment', `${POD}.containers.[].volumeMounts`, { listType: 'map', keys: ['mountPath'], strategies: ['merge'], mergeKey: 'mountPath' }],
  ['apps/v1 Deployment', `${POD}.containers.[].args`, { listType: 'atomic' }],
  ['apps/v1 Deployment', `${POD}.volumes`, { listType: 'map', keys: ['name'], strategies: ['merge', 'retainKeys'], mergeKey: 'name' }],
  // Toleration has no patch strategy in 1.21, so it is atomic.
  ['apps/v1 Deployment', `${POD}.tolerations`, { listType: 'atomic' }],
  ['apps/v1 Deployment', `${POD}.topologySpreadConstraints`, { listType: 'map', keys: ['topologyKey', 'whenUnsatisfiable'], strategies: ['merge'], mergeKey: 'topologyKey' }],
  ['apps/v1 Deployment', 'metadata.finalizers', { listType: 'set', strategies: ['merge'] }],
  ['apps/v1 Deployment', 'metadata.ownerReferences', { listType: 'map', keys: ['uid'], strategies: ['merge'], mergeKey: 'uid' }],
  ['apps/v1 Deployment', 'metadata.managedFields', { listType: 'atomic' }],
  ['apps/v1 Deployment', 'status.conditions', { listType: 'map', keys: ['type'], strategies: ['merge'], mergeKey: 'type' }],
  ['v1 Service', 'spec.ports', { listType: 'map', keys: ['port', 'protocol'], strategies: ['merge'], mergeKey: 'port' }],
  ['v1 Service', 'spec.clusterIPs', { listType: 'atomic' }],
  ['v1 Pod', 'spec.imagePullSecrets', { listType: 'map', keys: ['name'], strategies: ['merge'], mergeKey: 'name' }],
  ['rbac.authorization.k8s.io/v1 ClusterRole', 'rules', { listType: 'atomic' }],
  ['networking.k8s.io/v1 Ingress', 'spec.rules', { listType: 'atomic' }],
  ['autoscaling/v2 HorizontalPodAutoscaler', 'spec.metrics', { listType: 'atomic' }],
];

test('list semantics derived from the 1.21 spec', () => {
  for (const [gvk, path, want] of listFacts) {
    const n = at(gvk, path);
    assert.equal(n.kind, 'list', `${gvk} ${path}`);
    assert.equal(n.listType, want.listType, `${gvk} ${path} listType`);
    assert.deepEqual(n.listMapKeys, want.keys, `${gvk} ${path} keys`);
    assert.deepEqual(n.patchStrategies, want.strategies, `${gvk} ${path} strategies`);
    assert.equal(n.patchMergeKey, want.mergeKey, `${gvk} ${path} merge key`);
  }
});

test('maps, structs, scalars and untyped nodes', () => {
  const cases: [string, string, Partial<SchemaNode>][] = [
    ['v1 ConfigMap', 'data', { kind: 'map', mapType: 'granular' }],
    ['v1 ConfigMap', 'data.anykey', { kind: 'scalar', scalar: 'string' }],
    ['v1 ConfigMap', 'binaryData.x', { kind: 'scalar', scalar: 'string', format: 'byte' }],
    ['apps/v1 Deployment', 'metadata.labels', { kind: 'map', mapType: 'granular' }],
    ['apps/v1 Deployment', 'metadata', { kind: 'struct', definition: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
    ['apps/v1 Deployment', 'spec.selector', { kind: 'struct', mapType: 'atomic' }],
    ['apps/v1 Deployment', 'spec.replicas', { kind: 'scalar', scalar: 'integer', format: 'int32' }],
    ['apps/v1 Deployment', 'spec.strategy.rollingUpdate.maxSurge', { kind: 'scalar', scalar: 'int-or-string', intOrString: true }],
    ['apps/v1 Deployment', 'metadata.creationTimestamp', { kind: 'scalar', scalar: 'string', format: 'date-time' }],
    ['apps/v1 Deployment', 'metadata.managedFields.[].fieldsV1', { kind: 'untyped' }],
    ['apps/v1 Deployment', `${POD}.containers.[].resources.limits`, { kind: 'map' }],
    ['apps/v1 Deployment', `${POD}.containers.[].resources.limits.cpu`, { kind: 'scalar', scalar: 'any', format: 'quantity', definition: 'io.k8s.apimachinery.pkg.api.resource.Quantity' }],
    ['v1 PersistentVolumeClaim', 'spec.resources.requests.storage', { kind: 'scalar', scalar: 'any', format: 'quantity' }],
    ['apps/v1 ControllerRevision', 'data', { kind: 'untyped' }],
    ['v1 Pod', 'spec.containers.[].securityContext.privileged', { kind: 'scalar', scalar: 'boolean' }],
    ['apiextensions.k8s.io/v1 CustomResourceDefinition', 'spec.versions.[].schema.openAPIV3Schema.properties.x.properties.y.type', { kind: 'scalar', scalar: 'string' }],
  ];
  for (const [gvk, path, want] of cases) {
    const n = at(gvk, path);
    for (const [k, v] of Object.entries(want)) assert.deepEqual(n[k as keyof SchemaNode], v, `${gvk} ${path} ${k}`);
  }
  assert.equal(at('apps/v1 Deployment', 'spec').field('nope'), undefined);
  assert.deepEqual(at('v1 ConfigMap', '').fieldNames(), ['apiVersion', 'binaryData', 'data', 'immutable', 'kind', 'metadata']);
  // Nodes are shared: the same definition resolves to the same object.
  assert.equal(at('apps/v1 Deployment', 'metadata'), at('v1 Pod', 'metadata'));
});

// [apiVersion, kind, plural, namespaced, shortNames, subresources, categories]
const discovery: [string, string, string, boolean, string[], string[], string[]?][] = [
  ['v1', 'Pod', 'pods', true, ['po'], ['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy', 'status'], ['all']],
  ['v1', 'Service', 'services', true, ['svc'], ['proxy', 'status'], ['all']],
  ['v1', 'ConfigMap', 'configmaps', true, ['cm'], []],
  ['v1', 'Secret', 'secrets', true, [], []],
  ['v1', 'Namespace', 'namespaces', false, ['ns'], ['finalize', 'status']],
  ['v1', 'Node', 'nodes', false, ['no'], ['proxy', 'status']],
  ['v1', 'Endpoints', 'endpoints', true, ['ep'], []],
  ['v1', 'Event', 'events', true, ['ev'], []],
  ['v1', 'ServiceAccount', 'serviceaccounts', true, ['sa'], ['token']],
  ['v1', 'PersistentVolume', 'persistentvolumes', false, ['pv'], ['status']],
  ['v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, ['pvc'], ['status']],
  ['v1', 'ReplicationController', 'replicationcontrollers', true, ['rc'], ['scale', 'status'], ['all']],
  ['v1', 'ResourceQuota', 'resourcequotas', true, ['quota'], ['status']],
  ['v1', 'LimitRange', 'limitranges', true, ['limits'], []],
  ['apps/v1', 'Deployment', 'deployments', true, ['deploy'], ['scale', 'status'], ['all']],
  ['apps/v1', 'StatefulSet', 'statefulsets', true, ['sts'], ['scale', 'status'], ['all']],
  ['apps/v1', 'ReplicaSet', 'replicasets', true, ['rs'], ['scale', 'status'], ['all']],
  ['apps/v1', 'DaemonSet', 'daemonsets', true, ['ds'], ['status'], ['all']],
  ['batch/v1', 'Job', 'jobs', true, [], ['status'], ['all']],
  ['batch/v1', 'CronJob', 'cronjobs', true, ['cj'], ['status'], ['all']],
  ['autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, ['hpa'], ['status'], ['all']],
  ['networking.k8s.io/v1', 'Ingress', 'ingresses', true, ['ing'], ['status']],
  ['networking.k8s.io/v1', 'IngressClass', 'ingressclasses', false, [], []],
  ['networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true, ['netpol'], []],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false, [], []],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true, [], []],
  ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, ['crd', 'crds'], ['status'], ['api-extensions']],
  ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false, [], [], ['api-extensions']],
  ['policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, ['pdb'], ['status']],
  ['storage.k8s.io/v1', 'StorageClass', 'storageclasses', false, ['sc'], []],
  ['storage.k8s.io/v1', 'CSIStorageCapacity', 'csistoragecapacities', true, [], []],
  ['scheduling.k8s.io/v1', 'PriorityClass', 'priorityclasses', false, ['pc'], []],
  ['coordination.k8s.io/v1', 'Lease', 'leases', true, [], []],
  ['discovery.k8s.io/v1', 'EndpointSlice', 'endpointslices', true, [], []],
  ['certificates.k8s.io/v1', 'CertificateSigningRequest', 'certificatesigningrequests', false, ['csr'], ['approval', 'status']],
  ['flowcontrol.apiserver.k8s.io/v1', 'FlowSchema', 'flowschemas', false, [], ['status']],
  ['node.k8s.io/v1', 'RuntimeClass', 'runtimeclasses', false, [], []],
];

test('discovery facts of built-in resources', () => {
  for (const [apiVersion, kind, plural, namespaced, shortNames, subresources, categories] of discovery) {
    const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
    const r = schemas.resource({ group, version, kind });
    assert.ok(r, `${apiVersion} ${kind}`);
    assert.equal(r.plural, plural, kind);
    assert.equal(r.singular, kind.toLowerCase(), kind);
    assert.equal(r.namespaced, namespaced, `${kind} namespaced`);
    assert.deepEqual(r.shortNames, shortNames, `${kind} shortNames`);
    assert.deepEqual(r.subresources, subresources, `${kind} subresources`);
    assert.deepEqual(r.categories, categories ?? [], `${kind} categories`);
    assert.equal(schemas.resourceByPlural(group, version, plural), r);
    assert.ok(schemas.forKind({ group, version, kind }), `${kind} schema`);
  }
  const ns = schemas.resource({ group: '', version: 'v1', kind: 'Namespace' });
  assert.ok(ns && !ns.verbs.includes('deletecollection'));
  assert.deepEqual(schemas.resource({ group: 'authorization.k8s.io', version: 'v1', kind: 'SubjectAccessReview' })?.verbs, ['create']);
  assert.equal(schemas.resource({ group: 'autoscaling', version: 'v1', kind: 'Scale' }), undefined);
  assert.equal(schemas.resource({ group: 'apps', version: 'v1', kind: 'DeploymentList' }), undefined);
  // Every resource has a schema.
  for (const r of schemas.resources()) assert.ok(schemas.forKind(r), `${r.group}/${r.version} ${r.kind}`);
  // autoscaling/v2 has the v2beta2 shape under its own definitions.
  assert.equal(at('autoscaling/v2 HorizontalPodAutoscaler', 'spec').definition, 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec');
  assert.equal(at('autoscaling/v2 HorizontalPodAutoscaler', 'spec.behavior.scaleUp.policies').kind, 'list');
  assert.equal(at('flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfiguration', 'spec.limited.nominalConcurrencyShares').scalar, 'integer');
});

test('kubectl-style name lookup', () => {
  const cases: [string, string | undefined][] = [
    ['deploy', 'apps/v1 Deployment'],
    ['Deployment', 'apps/v1 Deployment'],
    ['deployments.apps', 'apps/v1 Deployment'],
    ['deployments.v1.apps', 'apps/v1 Deployment'],
    ['deployment.apps', 'apps/v1 Deployment'],
    ['po', 'v1 Pod'],
    ['pods.v1', 'v1 Pod'],
    ['ev', 'v1 Event'],
    ['events.events.k8s.io', 'events.k8s.io/v1 Event'],
    ['hpa', 'autoscaling/v2 HorizontalPodAutoscaler'],
    ['ing', 'networking.k8s.io/v1 Ingress'],
    ['crd', 'apiextensions.k8s.io/v1 CustomResourceDefinition'],
    ['cronjob', 'batch/v1 CronJob'],
    ['deployments.extensions', undefined],
    ['nothing', undefined],
    ['', undefined],
  ];
  for (const [q, want] of cases) {
    const r = schemas.findResource(q);
    assert.equal(r ? `${r.group ? r.group + '/' : ''}${r.version} ${r.kind}` : undefined, want, q);
  }
  assert.deepEqual(
    schemas.versionsOf('autoscaling', 'HorizontalPodAutoscaler').map((r) => r.version),
    ['v2', 'v1', 'v2beta2', 'v2beta1'],
  );
});

function crd(overrides: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wg'], categories: ['all'] },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    replicas: { type: 'integer' },
                    port: { 'x-kubernetes-int-or-string': true },
                    items: {
                      type: 'array',
                      'x-kubernetes-list-type': 'map',
                      'x-kubernetes-list-map-keys': ['name', 'zone'],
                      items: {
                        type: 'object',
                        properties: { name: { type: 'string' }, zone: { type: 'string' }, tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } } },
                      },
                    },
                    selector: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { app: { type: 'string' } } },
                    labels: { type: 'object', additionalProperties: { type: 'string' } },
                    free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                    empty: { type: 'object' },
                    template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
                    plain: { type: 'array', items: { type: 'string' } },
                  },
                },
                status: { type: 'object', properties: { replicas: { type: 'integer' } } },
              },
            },
          },
        },
        { name: 'v1beta1', served: true, storage: false },
        { name: 'v1alpha1', served: false, storage: false },
      ],
    },
    ...overrides,
  };
}

test('CRDs: served versions, discovery, schema nodes', () => {
  const cat = createSchemaCatalog();
  const served = cat.addCustomResourceDefinition(crd());
  assert.deepEqual(served.map((r) => r.version), ['v1', 'v1beta1']);
  const gvk = { group: 'example.com', version: 'v1', kind: 'Widget' };
  const info = cat.resource(gvk);
  assert.deepEqual(info, {
    group: 'example.com',
    version: 'v1',
    kind: 'Widget',
    plural: 'widgets',
    singular: 'widget',
    namespaced: true,
    shortNames: ['wg'],
    categories: ['all'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status', 'scale'],
  });
  assert.equal(cat.resource({ ...gvk, version: 'v1beta1' })?.subresources.length, 0);
  assert.equal(cat.resource({ ...gvk, version: 'v1alpha1' }), undefined);
  assert.equal(cat.resourceByPlural('example.com', 'v1', 'widgets'), info);
  assert.equal(cat.findResource('wg')?.version, 'v1');
  assert.equal(cat.findResource('widgets.example.com')?.kind, 'Widget');
  assert.equal(cat.crdSchema(gvk)?.['type'], 'object');
  assert.equal(cat.customResource(gvk)?.storage, true);
  assert.ok(Object.isFrozen(cat.crdSchema(gvk)));

  const root = cat.forKind(gvk);
  assert.ok(root);
  assert.deepEqual(root.fieldNames(), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  assert.equal(root.field('metadata')?.definition, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.equal(root.field('metadata')?.field('ownerReferences')?.listType, 'map');
  const spec = root.field('spec');
  assert.ok(spec);
  const items = spec.field('items');
  assert.equal(items?.listType, 'map');
  assert.deepEqual(items?.listMapKeys, ['name', 'zone']);
  assert.equal(items?.items()?.field('tags')?.listType, 'set');
  assert.equal(spec.field('plain')?.listType, 'atomic');
  assert.equal(spec.field('port')?.scalar, 'int-or-string');
  assert.equal(spec.field('selector')?.mapType, 'atomic');
  assert.equal(spec.field('labels')?.kind, 'map');
  assert.equal(spec.field('free')?.kind, 'untyped');
  assert.equal(spec.field('free')?.preserveUnknownFields, true);
  assert.equal(spec.field('empty')?.kind, 'struct');
  assert.deepEqual(spec.field('empty')?.fieldNames(), []);
  const tpl = spec.field('template');
  assert.equal(tpl?.embeddedResource, true);
  assert.equal(tpl?.field('metadata')?.field('labels')?.kind, 'map');
  // A version without schema keeps everything.
  const loose = cat.forKind({ ...gvk, version: 'v1beta1' });
  assert.equal(loose?.preserveUnknownFields, true);
  assert.equal(loose?.field('metadata')?.kind, 'struct');

  // Forks are independent; removal works; the shared catalog is immutable.
  const fork = cat.fork();
  assert.equal(cat.removeCustomResourceDefinition('widgets.example.com'), true);
  assert.equal(cat.resource(gvk), undefined);
  assert.ok(fork.resource(gvk));
  assert.equal(cat.removeCustomResourceDefinition('widgets.example.com'), false);
  assert.equal(builtinSchemas().resource(gvk), undefined);
  assert.throws(() => builtinSchemas().addCustomResourceDefinition(crd()), (e: unknown) => e instanceof SchemaError && e.code === 'Immutable');
});

test('CRDs: invalid and conflicting definitions are typed errors', () => {
  const cat = createSchemaCatalog();
  const bad: [Record<string, unknown>, string][] = [
    [{ metadata: { name: 'wrong.example.com' } }, 'InvalidCRD'],
    [{ spec: { group: 'example.com', names: { kind: 'Widget' }, scope: 'Namespaced', versions: [{ name: 'v1' }] } }, 'InvalidCRD'],
    [{ metadata: { name: 'deployments.apps' }, spec: { group: 'apps', names: { plural: 'deployments', kind: 'Deployment' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true }] } }, 'Conflict'],
  ];
  for (const [o, code] of bad) {
    assert.throws(
      () => cat.addCustomResourceDefinition(crd(o)),
      (e: unknown) => e instanceof SchemaError && e.code === code,
      JSON.stringify(o),
    );
  }
  cat.addCustomResourceDefinition(crd());
  const other = crd({ metadata: { name: 'gadgets.example.com' } });
  (other['spec'] as { names: { plural: string } }).names.plural = 'gadgets';
  assert.throws(() => cat.addCustomResourceDefinition(other), (e: unknown) => e instanceof SchemaError && e.code === 'Conflict');
  // Re-adding the same CRD replaces it.
  const updated = crd();
  (updated['spec'] as { names: { shortNames: string[] } }).names.shortNames = ['wdg'];
  cat.addCustomResourceDefinition(updated);
  assert.deepEqual(cat.resource({ group: 'example.com', version: 'v1', kind: 'Widget' })?.shortNames, ['wdg']);
  assert.equal(cat.resources().filter((r) => r.kind === 'Widget').length, 2);
});

test('catalogs for a Kubernetes version serve only what that version serves', () => {
  const served = (v: string): Set<string> =>
    new Set(createSchemaCatalog({ kubernetesVersion: v }).resources().map((r) => `${r.group}/${r.version}/${r.kind}`));
  const cases: [string, string[], string[]][] = [
    // [version, served, not served]
    ['1.21', ['extensions/v1beta1/Ingress', 'policy/v1beta1/PodSecurityPolicy', 'batch/v1beta1/CronJob', 'flowcontrol.apiserver.k8s.io/v1beta1/FlowSchema'], ['autoscaling/v2/HorizontalPodAutoscaler', 'flowcontrol.apiserver.k8s.io/v1/FlowSchema', 'storage.k8s.io/v1/CSIStorageCapacity']],
    ['v1.23.4', ['autoscaling/v2/HorizontalPodAutoscaler', 'autoscaling/v2beta1/HorizontalPodAutoscaler', 'flowcontrol.apiserver.k8s.io/v1beta2/FlowSchema'], ['extensions/v1beta1/Ingress', 'rbac.authorization.k8s.io/v1beta1/Role', 'storage.k8s.io/v1beta1/StorageClass']],
    ['1.25', ['storage.k8s.io/v1beta1/CSIStorageCapacity', 'storage.k8s.io/v1/CSIStorageCapacity', 'autoscaling/v2beta2/HorizontalPodAutoscaler'], ['policy/v1beta1/PodDisruptionBudget', 'batch/v1beta1/CronJob', 'autoscaling/v2beta1/HorizontalPodAutoscaler']],
    ['1.29', ['flowcontrol.apiserver.k8s.io/v1/FlowSchema', 'flowcontrol.apiserver.k8s.io/v1beta3/PriorityLevelConfiguration', 'apps/v1/Deployment', '/v1/ConfigMap'], ['flowcontrol.apiserver.k8s.io/v1beta2/FlowSchema', 'autoscaling/v2beta2/HorizontalPodAutoscaler']],
    ['1.32.3', ['flowcontrol.apiserver.k8s.io/v1/FlowSchema', 'networking.k8s.io/v1/Ingress'], ['flowcontrol.apiserver.k8s.io/v1beta3/FlowSchema', 'storage.k8s.io/v1beta1/CSIStorageCapacity']],
  ];
  for (const [v, yes, no] of cases) {
    const s = served(v);
    for (const k of yes) assert.ok(s.has(k), `${v} should serve ${k}`);
    for (const k of no) assert.ok(!s.has(k), `${v} should not serve ${k}`);
  }
  assert.equal(createSchemaCatalog({ kubernetesVersion: '1.21' }).findResource('hpa')?.version, 'v1');
  assert.equal(createSchemaCatalog({ kubernetesVersion: '1.29' }).findResource('ing')?.group, 'networking.k8s.io');
  // Forks keep the version; the full catalog still has everything.
  assert.equal(createSchemaCatalog({ kubernetesVersion: '1.29' }).fork().resource({ group: 'policy', version: 'v1beta1', kind: 'PodDisruptionBudget' }), undefined);
  assert.ok(builtinSchemas().resource({ group: 'policy', version: 'v1beta1', kind: 'PodDisruptionBudget' }));
  assert.throws(() => createSchemaCatalog({ kubernetesVersion: '2.0' }), (e: unknown) => e instanceof SchemaError && e.code === 'InvalidVersion');
});
