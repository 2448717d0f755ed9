import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { FieldSet } from '../merge/ssa/index.js';
import { ChangeSet, inventoryOf, isPruneDisabled, isForceEnabled, isIgnored, ssaPolicyOf, staleEntries, versionedRefOf } from './index.js';
import { cleanupPatch } from './cleanup.js';
import { maskSecrets, unifiedDiff } from './diff.js';
import { hasDrifted, stageOf } from './normalize.js';
import { jsonEqual } from '../object.js';

const cm = (name: string, meta: Partial<KubeObject['metadata']> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', ...meta } });

test('stageOf: cluster definitions, *Class kinds, the rest', () => {
  const rows: [string, string, number][] = [
    ['apiextensions.k8s.io', 'CustomResourceDefinition', 0],
    ['', 'Namespace', 0],
    ['rbac.authorization.k8s.io', 'ClusterRole', 0],
    ['rbac.authorization.k8s.io', 'ClusterRoleBinding', 2],
    ['storage.k8s.io', 'StorageClass', 1],
    ['networking.k8s.io', 'IngressClass', 1],
    ['apps', 'Deployment', 2],
    ['example.com', 'Namespace', 2],
  ];
  for (const [group, kind, stage] of rows) assert.equal(stageOf({ group, kind }), stage, `${group}/${kind}`);
});

test('annotations: values from annotations or labels, case-insensitive', () => {
  assert.equal(ssaPolicyOf(cm('a')), 'Override');
  assert.equal(ssaPolicyOf(cm('a', { annotations: { 'kustomize.toolkit.fluxcd.io/ssa': 'merge' } })), 'Merge');
  assert.equal(ssaPolicyOf(cm('a', { labels: { 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' } })), 'IfNotPresent');
  assert.equal(ssaPolicyOf(cm('a', { annotations: { 'kustomize.toolkit.fluxcd.io/ssa': 'bogus' } })), 'Override');
  assert.equal(isIgnored(cm('a', { annotations: { 'kustomize.toolkit.fluxcd.io/ssa': 'IGNORE' } })), true);
  assert.equal(isIgnored(cm('a', { labels: { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' } })), true);
  assert.equal(isIgnored(undefined), false);
  assert.equal(isPruneDisabled(cm('a', { annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'Disabled' } })), true);
  assert.equal(isPruneDisabled(cm('a', { annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'enabled' } })), false);
  assert.equal(isForceEnabled(cm('a', { annotations: { 'kustomize.toolkit.fluxcd.io/force': 'enabled' } })), true);
});

test('ChangeSet: message, inventory (sorted, deleted left out), hasChanges', () => {
  const ref = (o: KubeObject) => versionedRefOf(o);
  const cs = new ChangeSet([
    { ref: ref(cm('b')), subject: 'ConfigMap/ns/b', action: 'configured' },
    { ref: ref(cm('a')), subject: 'ConfigMap/ns/a', action: 'unchanged' },
    { ref: ref(cm('c')), subject: 'ConfigMap/ns/c', action: 'deleted' },
    { ref: ref(cm('d')), subject: 'ConfigMap/ns/d', action: 'skipped' },
  ]);
  assert.equal(cs.toMessage(), 'ConfigMap/ns/b configured\nConfigMap/ns/c deleted');
  assert.equal(cs.hasChanges(), true);
  assert.deepEqual(cs.toInventory().entries.map((e) => e.id), ['ns_a__ConfigMap', 'ns_b__ConfigMap', 'ns_d__ConfigMap']);
  assert.equal(new ChangeSet([{ ref: ref(cm('a')), subject: 'x', action: 'unchanged' }]).hasChanges(), false);
});

test('inventory: of objects, stale entries by ID in old order', () => {
  const objs: KubeObject[] = [cm('b'), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'ns' } }, cm('b')];
  const inv = inventoryOf(objs);
  assert.deepEqual(inv.entries, [{ id: 'ns_b__ConfigMap', v: 'v1' }, { id: 'ns_web_apps_Deployment', v: 'v1' }]);
  const old = { entries: [{ id: 'ns_z__ConfigMap', v: 'v1' }, { id: 'ns_web_apps_Deployment', v: 'v1beta1' }, { id: '_cr_rbac.authorization.k8s.io_ClusterRole', v: 'v1' }] };
  const stale = staleEntries(old, inv);
  assert.deepEqual(stale, [
    { group: '', kind: 'ConfigMap', namespace: 'ns', name: 'z', version: 'v1' },
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', namespace: '', name: 'cr', version: 'v1' },
  ]);
  assert.deepEqual(staleEntries(undefined, inv), []);
});

test('drift comparison ignores status, server metadata and key order', () => {
  const live: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', resourceVersion: '5', uid: 'u', generation: 2, managedFields: [], creationTimestamp: 't' }, data: { x: '1', y: '2' }, status: { s: 1 } };
  const dry: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', resourceVersion: '6' }, data: { y: '2', x: '1' } };
  assert.equal(hasDrifted(live, dry), false);
  assert.equal(hasDrifted(live, { ...dry, data: { x: '1', y: '3' } }), true);
  assert.equal(hasDrifted(live, { ...dry, metadata: { ...dry.metadata, labels: { a: 'b' } } }), true);
  assert.equal(jsonEqual([1, 2], [2, 1]), false);
  assert.equal(jsonEqual({ a: null }, {}), false);
});

test('cleanupPatch: foreign entries merge into our Apply entry; last-applied removed; nothing to do → undefined', () => {
  const fields = (paths: string[][]) => FieldSet.of(paths).toFieldsV1();
  const live: KubeObject = {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: {
      name: 'a', namespace: 'ns', resourceVersion: '7',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      managedFields: [
        { manager: 'kustomize-controller', operation: 'Apply', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: fields([['f:data', 'f:x']]) },
        { manager: 'kubectl-edit', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:01Z', fieldsType: 'FieldsV1', fieldsV1: fields([['f:data', 'f:y']]) },
        { manager: 'other-controller', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:01Z', fieldsType: 'FieldsV1', fieldsV1: fields([['f:data', 'f:z']]) },
      ],
    },
  };
  const ops = cleanupPatch(live, { managers: new Set(['kubectl-edit']), owner: 'kustomize-controller', apiVersion: 'v1' });
  assert.ok(ops);
  assert.deepEqual(ops[0], { op: 'test', path: '/metadata/resourceVersion', value: '7' });
  const mf = ops.find((o) => o.path === '/metadata/managedFields');
  assert.ok(mf && 'value' in mf && Array.isArray(mf.value));
  const managers = (mf.value as { manager: string; fieldsV1: unknown }[]).map((e) => e.manager);
  assert.deepEqual(managers, ['kustomize-controller', 'other-controller']);
  const ours = FieldSet.fromFieldsV1((mf.value as { fieldsV1: never }[])[0]!.fieldsV1);
  assert.ok(ours.has(['f:data', 'f:y']) && ours.has(['f:data', 'f:x']), 'kubectl-edit fields now ours');
  assert.ok(!ours.has(['f:data', 'f:z']), 'other managers untouched');
  assert.deepEqual(ops.at(-1), { op: 'remove', path: '/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration' });
  const clean = { ...live, metadata: { ...live.metadata, annotations: {}, managedFields: (live.metadata.managedFields as unknown[]).filter((_, i) => i !== 1) } };
  assert.equal(cleanupPatch(clean as KubeObject, { managers: new Set(['kubectl-edit']), owner: 'kustomize-controller', apiVersion: 'v1' }), undefined);
});

test('maskSecrets: values hidden, changed keys marked, non-Secrets untouched', () => {
  const s = (data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"a":"c2VjcmV0"}}' } }, data });
  const [before, after] = maskSecrets(s({ a: 'c2VjcmV0', b: 'eA==' }), s({ a: 'b3RoZXI=', b: 'eA==', c: 'bmV3' }));
  assert.deepEqual(before?.['data'], { a: '****** (before)', b: '******' });
  assert.deepEqual(after?.['data'], { a: '****** (after)', b: '******', c: '******' });
  assert.equal(after?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], '******');
  const [, created] = maskSecrets(undefined, s({ a: 'c2VjcmV0' }));
  assert.deepEqual(created?.['data'], { a: '******' });
  const c = cm('x');
  assert.equal(maskSecrets(c, c)[0], c);
});

test('unifiedDiff: hunks with context, equal texts give nothing', () => {
  const a = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'].join('\n') + '\n';
  const b = ['a', 'b', 'C', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm'].join('\n') + '\n';
  assert.equal(unifiedDiff(a, a), '');
  assert.equal(
    unifiedDiff(a, b, { labelA: 'x', labelB: 'y', context: 1 }),
    ['--- x', '+++ y', '@@ -2,3 +2,3 @@', ' b', '-c', '+C', ' d', '@@ -12,1 +12,2 @@', ' l', '+m', ''].join('\n'),
  );
  assert.equal(unifiedDiff('', 'x\n'), ['--- live', '+++ merged', '@@ -0,0 +1,1 @@', '+x', ''].join('\n'));
});

test('isImmutableError: only 422 with an immutability message', async () => {
  const { KubeApiError } = await import('../client/index.js');
  const mk = (code: number, message: string) => new KubeApiError({ code, reason: code === 422 ? 'Invalid' : 'Conflict', message, target: { method: 'PATCH', path: '/x' }, status: { message } });
  const { isImmutableError } = await import('./plan.js');
  assert.equal(isImmutableError(mk(422, 'Deployment.apps "x" is invalid: spec.selector: Invalid value: {}: field is immutable')), true);
  assert.equal(isImmutableError(mk(422, 'spec.x: Invalid value: "a": Value is immutable')), true);
  assert.equal(isImmutableError(mk(422, 'metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of')), false);
  assert.equal(isImmutableError(mk(409, 'field is immutable')), false);
  assert.equal(isImmutableError(new Error('field is immutable')), false);
});

test('isCertainNoOp: subset and exact ownership', async () => {
  const { isCertainNoOp, isSubset } = await import('./fastpath.js');
  const fieldsV1 = FieldSet.of([['f:data', 'f:a'], ['f:metadata', 'f:labels', 'f:l']]).toFieldsV1();
  const live: KubeObject = {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'ns', labels: { l: '1', other: 'x' }, managedFields: [{ manager: 'me', operation: 'Apply', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1 }] },
    data: { a: '1', b: 'theirs' },
  };
  const desired: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns', labels: { l: '1' } }, data: { a: '1' } };
  assert.equal(isCertainNoOp(desired, live, 'me'), true);
  assert.equal(isCertainNoOp({ ...desired, apiVersion: 'v2' }, live, 'me'), false, 'other apiVersion');
  assert.equal(isCertainNoOp({ ...desired, data: { a: '2' } }, live, 'me'), false, 'changed value');
  assert.equal(isCertainNoOp({ ...desired, data: { a: '1', b: 'theirs' } }, live, 'me'), false, 'a field we do not own');
  assert.equal(isCertainNoOp({ ...desired, data: {} }, live, 'me'), false, 'a field we own was dropped');
  assert.equal(isCertainNoOp({ ...desired, data: { a: null } } as unknown as KubeObject, live, 'me'), false, 'null deletes');
  assert.equal(isSubset({ a: [1, { b: 2 }] }, { a: [1, { b: 2, c: 3 }], d: 4 }), true);
  assert.equal(isSubset({ a: [1] }, { a: [1, 2] }), false);
});

test('scrubSecretValues: data (base64 and decoded) and stringData values masked in messages', async () => {
  const { scrubSecretValues } = await import('./diff.js');
  const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: Buffer.from('hunter22').toString('base64') }, stringData: { b: 'swordfish' } };
  const msg = `data[a]: Invalid value: "hunter22" / ${Buffer.from('hunter22').toString('base64')}; stringData b="swordfish" ${Buffer.from('swordfish').toString('base64')}`;
  const out = scrubSecretValues(msg, secret);
  for (const leak of ['hunter22', 'swordfish', Buffer.from('hunter22').toString('base64'), Buffer.from('swordfish').toString('base64')]) assert.ok(!out.includes(leak), out);
  assert.ok(out.includes('data[a]: Invalid value: "******"'), out);
  assert.equal(scrubSecretValues('hunter22', cm('x')), 'hunter22');
});

test('compareForApply: Flux kind order, then group/kind/namespace/name', async () => {
  const { compareForApply } = await import('./normalize.js');
  const r = (kind: string, name: string, group = '') => ({ group, kind, namespace: 'ns', name });
  const refs = [r('ValidatingWebhookConfiguration', 'w', 'admissionregistration.k8s.io'), r('Widget', 'b', 'example.com'), r('Deployment', 'd', 'apps'), r('Service', 's'), r('ConfigMap', 'b'), r('ConfigMap', 'a'), r('Namespace', 'n'), r('CustomResourceDefinition', 'c', 'apiextensions.k8s.io'), r('Ingress', 'i', 'networking.k8s.io')];
  refs.sort(compareForApply);
  assert.deepEqual(refs.map((x) => `${x.kind}/${x.name}`), ['CustomResourceDefinition/c', 'Namespace/n', 'ConfigMap/a', 'ConfigMap/b', 'Service/s', 'Deployment/d', 'Widget/b', 'Ingress/i', 'ValidatingWebhookConfiguration/w']);
});

test('cleanupPatch: our own legacy Update entry and the checksum annotation are cleaned too', () => {
  const fieldsV1 = FieldSet.of([['f:data', 'f:x']]).toFieldsV1();
  const live: KubeObject = {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'a', annotations: { 'kustomize.toolkit.fluxcd.io/checksum': 'abc' }, managedFields: [{ manager: 'kustomize-controller', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1 }] },
  };
  const ops = cleanupPatch(live, { managers: new Set(), owner: 'kustomize-controller', apiVersion: 'v1' }) ?? [];
  const mf = ops.find((o) => o.path === '/metadata/managedFields');
  assert.deepEqual((mf && 'value' in mf ? (mf.value as { operation: string }[]) : []).map((e) => e.operation), ['Apply']);
  assert.deepEqual(ops.at(-1), { op: 'remove', path: '/metadata/annotations/kustomize.toolkit.fluxcd.io~1checksum' });
});
