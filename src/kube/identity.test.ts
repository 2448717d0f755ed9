import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  IdentityError,
  compareObjects,
  formatApiVersion,
  formatKubectlRef,
  formatObjectRef,
  formatQualifiedRef,
  gvkOf,
  inventoryEntryOf,
  inventoryId,
  objectRefOf,
  parseApiVersion,
  parseInventoryId,
  tryGvkOf,
} from './identity.js';
import type { ObjectRef } from './identity.js';

test('parseApiVersion / formatApiVersion', () => {
  const cases: [string, string, string][] = [
    ['v1', '', 'v1'],
    ['apps/v1', 'apps', 'v1'],
    ['kustomize.toolkit.fluxcd.io/v1beta2', 'kustomize.toolkit.fluxcd.io', 'v1beta2'],
  ];
  for (const [av, group, version] of cases) {
    assert.deepEqual(parseApiVersion(av), { group, version });
    assert.equal(formatApiVersion(group, version), av);
  }
  for (const bad of ['', 'a/b/c', '/v1', 'apps/']) assert.throws(() => parseApiVersion(bad), IdentityError, bad);
});

test('gvkOf and objectRefOf', () => {
  assert.deepEqual(gvkOf({ apiVersion: 'apps/v1', kind: 'Deployment' }), { group: 'apps', version: 'v1', kind: 'Deployment' });
  assert.deepEqual(objectRefOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }), { group: '', kind: 'Namespace', namespace: '', name: 'x' });
  for (const bad of [{}, { apiVersion: 'v1' }, { kind: 'Pod' }, { apiVersion: 3, kind: 'Pod' }, { apiVersion: 'v1', kind: '' }]) {
    assert.throws(() => gvkOf(bad), IdentityError, JSON.stringify(bad));
  }
});

test('tryGvkOf: the GVK, or undefined wherever gvkOf throws', () => {
  assert.deepEqual(tryGvkOf({ apiVersion: 'apps/v1', kind: 'Deployment' }), { group: 'apps', version: 'v1', kind: 'Deployment' });
  assert.deepEqual(tryGvkOf({ apiVersion: 'v1', kind: 'Pod' }), { group: '', version: 'v1', kind: 'Pod' });
  const bad = [{}, { apiVersion: 'v1' }, { kind: 'Pod' }, { apiVersion: 3, kind: 'Pod' }, { apiVersion: 'v1', kind: '' }, { apiVersion: 'a/b/c', kind: 'X' }, { apiVersion: '/v1', kind: 'X' }, { apiVersion: '', kind: 'X' }];
  for (const obj of bad) {
    assert.equal(tryGvkOf(obj), undefined, JSON.stringify(obj));
    assert.throws(() => gvkOf(obj), IdentityError, JSON.stringify(obj));
  }
});

const refs: [ObjectRef, string][] = [
  [{ group: 'apps', kind: 'Deployment', namespace: 'default', name: 'web' }, 'default_web_apps_Deployment'],
  [{ group: '', kind: 'ConfigMap', namespace: 'flux-system', name: 'cfg' }, 'flux-system_cfg__ConfigMap'],
  [{ group: '', kind: 'Namespace', namespace: '', name: 'apps' }, '_apps__Namespace'],
  [{ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', namespace: '', name: 'widgets.example.com' }, '_widgets.example.com_apiextensions.k8s.io_CustomResourceDefinition'],
  [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', namespace: '', name: 'system:controller:x' }, '_system__controller__x_rbac.authorization.k8s.io_ClusterRole'],
  [{ group: 'rbac.authorization.k8s.io', kind: 'RoleBinding', namespace: 'ns', name: 'a:b' }, 'ns_a__b_rbac.authorization.k8s.io_RoleBinding'],
  [{ group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }, 'flux-system_apps_kustomize.toolkit.fluxcd.io_Kustomization'],
];

test('inventory IDs round-trip in Flux format', () => {
  for (const [ref, id] of refs) {
    assert.equal(inventoryId(ref), id);
    assert.deepEqual(parseInventoryId(id), ref);
  }
  assert.equal(inventoryId({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' } }), 'default_web_apps_Deployment');
  assert.deepEqual(inventoryEntryOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } }), { id: '_apps__Namespace', v: 'v1' });
  assert.deepEqual(inventoryEntryOf({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: 'n' } }), { id: 'n_i_networking.k8s.io_Ingress', v: 'v1' });
  for (const bad of ['', 'noseparator', 'ns_name', 'ns_na_me_apps_Deployment', 'ns__apps_Deployment', 'ns_name_apps_']) {
    assert.throws(() => parseInventoryId(bad), IdentityError, bad);
  }
});

test('human references', () => {
  const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'prod' } };
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } };
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'prod' } };
  assert.equal(formatObjectRef(dep), 'Deployment/prod/web');
  assert.equal(formatObjectRef(ns), 'Namespace/prod');
  assert.equal(formatQualifiedRef(dep), 'Deployment/apps/prod/web');
  assert.equal(formatQualifiedRef(cm), 'ConfigMap//prod/c');
  assert.equal(formatKubectlRef(dep), 'deployment.apps/web');
  assert.equal(formatKubectlRef(cm), 'configmap/c');
});

test('compareObjects: group, kind, namespace, name; stable and locale-free', () => {
  const objs = [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'b', namespace: 'x' } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a', namespace: 'y' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Z', namespace: 'x' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'x' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a', namespace: 'a' } },
  ];
  const sorted = [...objs].sort(compareObjects).map((o) => formatQualifiedRef(o));
  assert.deepEqual(sorted, [
    'ConfigMap//x/Z',
    'ConfigMap//x/a',
    'Namespace///x',
    'Service//x/b',
    'Deployment/apps/a/a',
    'Deployment/apps/y/a',
  ]);
  assert.equal(compareObjects(objs[0] as object, objs[0] as object), 0);
  // Malformed objects do not throw.
  assert.equal(typeof compareObjects({ kind: 'X' }, { apiVersion: 'v1', kind: 'Y', metadata: { name: 'n' } }), 'number');
});
