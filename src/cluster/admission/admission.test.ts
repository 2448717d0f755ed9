import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../kube/object.js';
import { builtinSchemas } from '../../kube/schema/index.js';
import type { ResourceInfo } from '../../kube/schema/types.js';
import { ApiError, statusBody } from '../errors.js';
import type { AdmissionRequest } from '../plugins.js';
import { defaultAdmissionPlugins, namespaceProtectionPlugin, type AdmissionRequestExtras } from './index.js';

const crd: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', kind: 'Widget' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer', default: 1 } } } } } } }],
  },
};

const resource = (group: string, version: string, kind: string, plural: string): ResourceInfo => ({
  group, version, kind, plural, singular: kind.toLowerCase(), namespaced: true, shortNames: [], categories: [], verbs: [], subresources: [],
});

function run(req: Partial<AdmissionRequest> & Pick<AdmissionRequest, 'resource' | 'operation'>, extras: AdmissionRequestExtras = {}, namespaces: Record<string, KubeObject> = {}): KubeObject | undefined {
  const full: AdmissionRequest & AdmissionRequestExtras = {
    user: { name: 'u', groups: [] },
    dryRun: false,
    catalog: { registry: builtinSchemas(), crdFor: (g, k) => (g === 'example.com' && k === 'Widget' ? crd : undefined) },
    ...req,
    ...extras,
  };
  const plugins = defaultAdmissionPlugins({ getNamespace: (n) => namespaces[n] });
  for (const p of plugins) {
    const out = p.mutate?.(full);
    if (out) full.object = out;
  }
  for (const p of plugins) p.validate?.(full);
  return full.object;
}

const widgets = resource('example.com', 'v1', 'Widget', 'widgets');
const deployments = resource('apps', 'v1', 'Deployment', 'deployments');

test('custom resources: defaults, pruning with warnings, strict rejection, 422 with causes', () => {
  const warnings: string[] = [];
  const out = run({ operation: 'CREATE', resource: widgets, namespace: 'ns', object: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { extra: 1 } } }, { warnings });
  assert.deepEqual(out?.spec, { replicas: 1 });
  assert.deepEqual(warnings, ['unknown field "spec.extra"']);
  assert.throws(
    () => run({ operation: 'CREATE', resource: widgets, object: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { extra: 1 } } }, { fieldValidation: 'Strict' }),
    (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === 'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.extra"',
  );
  assert.throws(
    () => run({ operation: 'CREATE', resource: widgets, object: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { replicas: 'x' } } }),
    (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 422);
      assert.deepEqual(statusBody(e), {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Widget.example.com "w" is invalid: spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
        reason: 'Invalid',
        details: {
          name: 'w',
          group: 'example.com',
          kind: 'Widget',
          causes: [{ reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"', field: 'spec.replicas' }],
        },
        code: 422,
      });
      return true;
    },
  );
});

test('built-ins: defaults on create, 422 on an immutable selector, status updates not validated', () => {
  const d = (app: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns' },
    spec: { selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
  const created = run({ operation: 'CREATE', resource: deployments, namespace: 'ns', object: d('a') });
  assert.equal((created?.spec as { replicas: number }).replicas, 1);
  assert.throws(() => run({ operation: 'UPDATE', resource: deployments, namespace: 'ns', object: d('b'), oldObject: created }), (e: unknown) => e instanceof ApiError && e.code === 422 && e.message.startsWith('Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{'));
  assert.doesNotThrow(() => run({ operation: 'UPDATE', subresource: 'status', resource: deployments, namespace: 'ns', object: d('b'), oldObject: created }));
});

test('no new objects in a terminating namespace', () => {
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gone', deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Terminating' } };
  const cm = resource('', 'v1', 'ConfigMap', 'configmaps');
  assert.throws(
    () => run({ operation: 'CREATE', resource: cm, namespace: 'gone', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } } }, {}, { gone: ns }),
    (e: unknown) => e instanceof ApiError && e.code === 403 && e.message === 'configmaps "c" is forbidden: unable to create new content in namespace gone because it is being terminated',
  );
});

test('the default, kube-system and kube-public namespaces may not be deleted', () => {
  const nsRes = resource('', 'v1', 'Namespace', 'namespaces');
  const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const p = namespaceProtectionPlugin();
  const req = (name: string): AdmissionRequest => ({ operation: 'DELETE', resource: nsRes, name, oldObject: ns(name), user: { name: 'u', groups: [] }, dryRun: false, catalog: { registry: builtinSchemas(), crdFor: () => undefined } });
  assert.throws(() => p.validate?.(req('kube-system')), (e: unknown) => e instanceof ApiError && e.code === 403 && e.message === 'namespaces "kube-system" is forbidden: this namespace may not be deleted');
  assert.doesNotThrow(() => p.validate?.(req('team')));
});

test('unknown fields of built-in kinds are dropped (the served schema decides), metadata untouched', () => {
  const out = run({
    operation: 'CREATE',
    resource: deployments,
    namespace: 'ns',
    object: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'ns', managedFields: [{ manager: 'm', subresource: 'status' }] },
      spec: { bogus: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i', extra: true }] } } },
    },
  });
  const spec = out?.spec as Record<string, unknown> & { template: { spec: { containers: Record<string, unknown>[] } } };
  assert.equal(spec.bogus, undefined);
  assert.equal(spec.template.spec.containers[0]?.extra, undefined);
  assert.equal(spec.replicas, 1);
  assert.deepEqual(out?.metadata.managedFields, [{ manager: 'm', subresource: 'status' }]);
});
