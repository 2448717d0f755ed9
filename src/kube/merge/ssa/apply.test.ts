import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, KubeObject } from '../../object.js';
import { builtinSchemas } from '../../schema/index.js';
import type { SchemaNode } from '../../schema/types.js';
import { MergeError, MergeErrorCode } from '../errors.js';
import { formatConflictMessage, recordUpdate, serverSideApply } from './index.js';
import { FieldSet } from './fieldset.js';

const registry = builtinSchemas();
const deploymentSchema = registry.forKind({ group: 'apps', version: 'v1', kind: 'Deployment' }) as SchemaNode;
const configMapSchema = registry.forKind({ group: '', version: 'v1', kind: 'ConfigMap' }) as SchemaNode;
const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:00:01Z';
const T2 = '2026-01-01T00:00:02Z';

function cm(data: JsonObject, meta: JsonObject = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns', ...meta }, data };
}

interface Container {
  name: string;
  image?: string;
  [k: string]: unknown;
}
function deploy(spec: { replicas?: number; containers: Container[]; labels?: Record<string, string> }): KubeObject {
  const out: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'ns', ...(spec.labels ? { labels: spec.labels } : {}) },
    spec: {
      selector: { matchLabels: { app: 'd' } },
      template: { metadata: { labels: { app: 'd' } }, spec: { containers: spec.containers } },
    },
  };
  if (spec.replicas !== undefined) (out.spec as JsonObject).replicas = spec.replicas;
  return out;
}

/** Applies and asserts no conflicts. */
function apply(live: KubeObject | undefined, applied: KubeObject, manager: string, opts: { schema?: SchemaNode | undefined; now?: string; force?: boolean } = {}): KubeObject {
  const schema = 'schema' in opts ? opts.schema : applied.kind === 'Deployment' ? deploymentSchema : configMapSchema;
  const r = serverSideApply({ live, applied, manager, force: opts.force ?? false, schema, now: opts.now ?? T1 });
  assert.deepEqual(r.conflicts, []);
  return r.object;
}

/** The paths a manager owns, printed. */
function owned(obj: KubeObject, manager: string, operation = 'Apply'): string[] {
  const entries = (obj.metadata.managedFields ?? []) as JsonObject[];
  const e = entries.find((x) => x.manager === manager && x.operation === operation);
  return e ? FieldSet.fromFieldsV1(e.fieldsV1 as JsonObject).toStrings() : [];
}

function containers(obj: KubeObject): JsonObject[] {
  return ((obj.spec as JsonObject).template as { spec: { containers: JsonObject[] } }).spec.containers;
}

test('apply on create: object as sent, ownership of exactly the applied fields', () => {
  const obj = apply(undefined, cm({ a: '1', b: '2' }, { labels: { x: 'y' } }), 'mgr', { now: T0 });
  assert.deepEqual(obj.data, { a: '1', b: '2' });
  assert.deepEqual(obj.metadata.managedFields, [
    {
      manager: 'mgr',
      operation: 'Apply',
      apiVersion: 'v1',
      time: T0,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} }, 'f:metadata': { 'f:labels': { 'f:x': {} } } },
    },
  ]);
});

test('re-apply without a field removes it; re-apply of the same config is a no-op that keeps the time', () => {
  const v1 = apply(undefined, cm({ a: '1', b: '2' }, { labels: { x: 'y', z: 'w' } }), 'mgr', { now: T0 });
  const v2 = apply(v1, cm({ a: '1' }, { labels: { x: 'y' } }), 'mgr', { now: T1 });
  assert.deepEqual(v2.data, { a: '1' });
  assert.deepEqual(v2.metadata.labels, { x: 'y' });
  assert.deepEqual(owned(v2, 'mgr'), ['.data.a', '.metadata.labels.x']);
  assert.equal((v2.metadata.managedFields as JsonObject[])[0]?.time, T1);
  const v3 = apply(v2, cm({ a: '1' }, { labels: { x: 'y' } }), 'mgr', { now: T2 });
  assert.deepEqual(v3, v2);
  // Dropping the last label removes the labels map.
  const v4 = apply(v3, cm({ a: '1' }), 'mgr', { now: T2 });
  assert.equal(v4.metadata.labels, undefined);
  assert.deepEqual(owned(v4, 'mgr'), ['.data.a']);
});

test('a removed field another manager also owns stays, only ownership is dropped', () => {
  const v1 = apply(undefined, cm({ a: '1', b: '2' }), 'one');
  const v2 = apply(v1, cm({ b: '2' }), 'two');
  assert.deepEqual(owned(v2, 'two'), ['.data.b']);
  const v3 = apply(v2, cm({ a: '1' }), 'one');
  assert.deepEqual(v3.data, { a: '1', b: '2' });
  assert.deepEqual(owned(v3, 'one'), ['.data.a']);
  assert.deepEqual(owned(v3, 'two'), ['.data.b']);
  const v4 = apply(v3, cm({}), 'two');
  assert.deepEqual(v4.data, { a: '1' });
});

test('conflict without force: exact paths and message, live unchanged; force moves ownership', () => {
  const v1 = apply(undefined, deploy({ replicas: 1, containers: [{ name: 'app', image: 'nginx:1' }] }), 'one');
  const r = serverSideApply({
    live: v1,
    applied: deploy({ replicas: 3, containers: [{ name: 'app', image: 'nginx:2' }] }),
    manager: 'two',
    force: false,
    schema: deploymentSchema,
    now: T2,
  });
  assert.deepEqual(
    r.conflicts.map((c) => c.path),
    ['.spec.replicas', '.spec.template.spec.containers[name="app"].image'],
  );
  assert.deepEqual(r.object, v1);
  assert.equal(
    formatConflictMessage(r.conflicts, 'apps/v1'),
    'Apply failed with 2 conflicts: conflicts with "one":\n- .spec.replicas\n- .spec.template.spec.containers[name="app"].image',
  );
  const forced = apply(v1, deploy({ replicas: 3, containers: [{ name: 'app', image: 'nginx:2' }] }), 'two', { force: true, now: T2 });
  assert.equal((forced.spec as JsonObject).replicas, 3);
  assert.equal(containers(forced)[0]?.image, 'nginx:2');
  assert.ok(!owned(forced, 'one').includes('.spec.replicas'));
  assert.ok(!owned(forced, 'one').includes('.spec.template.spec.containers[name="app"].image'));
  assert.ok(owned(forced, 'one').includes('.spec.template.spec.containers[name="app"].name'));
  assert.ok(owned(forced, 'two').includes('.spec.replicas'));
});

test('same value from another apply manager: shared ownership, no conflict', () => {
  const v1 = apply(undefined, deploy({ replicas: 2, containers: [{ name: 'app', image: 'nginx:1' }] }), 'one');
  const v2 = apply(v1, deploy({ replicas: 2, containers: [{ name: 'app', image: 'nginx:1' }] }), 'two');
  assert.ok(owned(v2, 'one').includes('.spec.replicas'));
  assert.ok(owned(v2, 'two').includes('.spec.replicas'));
  // "one" now changes it: conflict with "two".
  const r = serverSideApply({ live: v2, applied: deploy({ replicas: 5, containers: [{ name: 'app', image: 'nginx:1' }] }), manager: 'one', force: false, schema: deploymentSchema });
  assert.equal(formatConflictMessage(r.conflicts, 'apps/v1'), 'Apply failed with 1 conflict: conflict with "two": .spec.replicas');
});

test('list-map items are owned per key: containers by name, ports by containerPort+protocol, env by name', () => {
  const v1 = apply(
    undefined,
    deploy({ containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] }] }),
    'one',
  );
  const mine = owned(v1, 'one');
  assert.ok(mine.includes('.spec.template.spec.containers[name="app"]'));
  assert.ok(mine.includes('.spec.template.spec.containers[name="app"].ports[containerPort=80,protocol="TCP"].containerPort'));
  assert.ok(mine.includes('.spec.template.spec.containers[name="app"].env[name="A"].value'));
  // A second manager adds a sidecar and an env var to "app": both merge in, per key.
  const v2 = apply(v1, deploy({ containers: [{ name: 'app', env: [{ name: 'B', value: '2' }] }, { name: 'sidecar', image: 's:1' }] }), 'two');
  assert.deepEqual(
    containers(v2).map((c) => c.name),
    ['app', 'sidecar'],
  );
  assert.deepEqual(containers(v2)[0]?.env, [
    { name: 'A', value: '1' },
    { name: 'B', value: '2' },
  ]);
  // The defaulted key (protocol TCP) matches the live item the server defaulted: no duplicate port.
  const live = structuredClone(v2);
  (containers(live)[0] as { ports: JsonObject[] }).ports = [{ containerPort: 80, protocol: 'TCP' }];
  const v3 = apply(live, deploy({ containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] }] }), 'one');
  assert.deepEqual(containers(v3)[0]?.ports, [{ containerPort: 80, protocol: 'TCP' }]);
  // "two" drops its sidecar and env var: removed, "one"'s items stay.
  const v4 = apply(v3, deploy({ containers: [{ name: 'app' }] }), 'two');
  assert.deepEqual(
    containers(v4).map((c) => c.name),
    ['app'],
  );
  assert.deepEqual(containers(v4)[0]?.env, [{ name: 'A', value: '1' }]);
  assert.equal(containers(v4)[0]?.image, 'a:1');
  // "one" drops the container entirely; "two" still owns the item (it applies {name: app}): it stays.
  const v5 = apply(v4, deploy({ containers: [{ name: 'other', image: 'o:1' }] }), 'one');
  assert.deepEqual(
    containers(v5).map((c) => c.name),
    ['app', 'other'],
  );
  assert.deepEqual(containers(v5)[0], { name: 'app' });
});

test('set lists (finalizers) are unioned and owned per value', () => {
  const v1 = apply(undefined, cm({}, { finalizers: ['a/x'] }), 'one');
  const v2 = apply(v1, cm({}, { finalizers: ['b/y'] }), 'two');
  assert.deepEqual(v2.metadata.finalizers, ['a/x', 'b/y']);
  // `data: {}` is an empty map: owned as a leaf.
  assert.deepEqual(owned(v2, 'two'), ['.data', '.metadata.finalizers[="b/y"]']);
  const v3 = apply(v2, cm({}), 'one');
  assert.deepEqual(v3.metadata.finalizers, ['b/y']);
});

test('atomic lists are replaced whole and conflict as one field', () => {
  const v1 = apply(undefined, deploy({ containers: [{ name: 'app', image: 'a', args: ['x', 'y'] }] }), 'one');
  assert.ok(owned(v1, 'one').includes('.spec.template.spec.containers[name="app"].args'));
  const r = serverSideApply({ live: v1, applied: deploy({ containers: [{ name: 'app', args: ['z'] }] }), manager: 'two', force: false, schema: deploymentSchema });
  assert.deepEqual(
    r.conflicts.map((c) => c.path),
    ['.spec.template.spec.containers[name="app"].args'],
  );
  const v2 = apply(v1, deploy({ containers: [{ name: 'app', args: ['z'] }] }), 'two', { force: true });
  assert.deepEqual(containers(v2)[0]?.args, ['z']);
});

test('kubectl edit (Update) then apply: conflict with the editor, message names its API version', () => {
  const v1 = apply(undefined, deploy({ replicas: 1, containers: [{ name: 'app', image: 'a:1' }] }), 'flux');
  const edited = structuredClone(v1);
  (edited.spec as JsonObject).replicas = 4;
  const v2 = recordUpdate({ live: v1, updated: edited, manager: 'kubectl-edit', schema: deploymentSchema, now: T2 });
  assert.deepEqual(owned(v2, 'kubectl-edit', 'Update'), ['.spec.replicas']);
  assert.ok(!owned(v2, 'flux').includes('.spec.replicas'));
  // Update entries sort after Apply entries.
  assert.deepEqual(
    (v2.metadata.managedFields as JsonObject[]).map((e) => e.manager),
    ['flux', 'kubectl-edit'],
  );
  const r = serverSideApply({ live: v2, applied: deploy({ replicas: 1, containers: [{ name: 'app', image: 'a:1' }] }), manager: 'flux', force: false, schema: deploymentSchema });
  assert.equal(formatConflictMessage(r.conflicts, 'apps/v1'), 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas');
  // Applying without replicas: flux no longer claims it, the edited value stays.
  const v3 = apply(v2, deploy({ containers: [{ name: 'app', image: 'a:1' }] }), 'flux');
  assert.equal((v3.spec as JsonObject).replicas, 4);
});

test('before-first-apply owns everything of an untracked object; changing its fields conflicts', () => {
  const untracked = deploy({ replicas: 2, containers: [{ name: 'app', image: 'a:1' }], labels: { keep: 'me' } });
  const v1 = apply(untracked, deploy({ replicas: 2, containers: [{ name: 'app', image: 'a:1' }] }), 'flux', { now: T1 });
  const before = owned(v1, 'before-first-apply', 'Update');
  assert.ok(before.includes('.metadata.labels'));
  assert.ok(before.includes('.metadata.labels.keep'));
  assert.ok(before.includes('.spec.replicas'));
  assert.deepEqual(v1.metadata.labels, { keep: 'me' });
  const r = serverSideApply({ live: untracked, applied: deploy({ replicas: 3, containers: [{ name: 'app', image: 'a:1' }] }), manager: 'flux', force: false, schema: deploymentSchema });
  assert.equal(formatConflictMessage(r.conflicts, 'apps/v1'), 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
});

test('recordUpdate: create owns what it set (Go zero-value structs are not members), untracked stays untracked', () => {
  const created = recordUpdate({ live: undefined, updated: deploy({ replicas: 1, containers: [{ name: 'app', image: 'a', resources: {} }], labels: { l: 'v' } }), manager: 'kubectl-create', schema: deploymentSchema, now: T0 });
  const fields = ((created.metadata.managedFields as JsonObject[])[0] as JsonObject).fieldsV1 as JsonObject;
  assert.deepEqual(fields['f:metadata'], { 'f:labels': { '.': {}, 'f:l': {} } });
  const spec = fields['f:spec'] as JsonObject;
  assert.ok(!('.' in spec));
  assert.deepEqual(spec['f:selector'], {});
  assert.deepEqual((((spec['f:template'] as JsonObject)['f:spec'] as JsonObject)['f:containers'] as JsonObject)['k:{"name":"app"}'], {
    '.': {},
    'f:image': {},
    'f:name': {},
    'f:resources': {},
  });
  const untracked = deploy({ containers: [{ name: 'app' }] });
  const updated = recordUpdate({ live: untracked, updated: deploy({ replicas: 3, containers: [{ name: 'app' }] }), manager: 'm', schema: deploymentSchema });
  assert.equal(updated.metadata.managedFields, undefined);
  // A custom resource (empty zero object): the creator owns spec itself too.
  const cr = recordUpdate({ live: undefined, updated: { apiVersion: 'x.io/v1', kind: 'W', metadata: { name: 'w' }, spec: { a: 1 } }, manager: 'm', schema: undefined, now: T0 });
  assert.deepEqual(((cr.metadata.managedFields as JsonObject[])[0] as JsonObject).fieldsV1, { 'f:spec': { '.': {}, 'f:a': {} } });
});

test('recordUpdate: an update that changes nothing tracked leaves entries and times alone', () => {
  const v1 = apply(undefined, cm({ a: '1' }), 'one', { now: T0 });
  const same = structuredClone(v1);
  same.metadata.resourceVersion = '42';
  const v2 = recordUpdate({ live: v1, updated: same, manager: 'other', schema: configMapSchema, now: T2 });
  assert.deepEqual(v2.metadata.managedFields, v1.metadata.managedFields);
  // Removing a field takes it from its owner without giving it to anyone.
  const removed = structuredClone(v1);
  delete removed.data;
  const v3 = recordUpdate({ live: v1, updated: removed, manager: 'other', schema: configMapSchema, now: T2 });
  assert.equal(v3.metadata.managedFields, undefined);
});

test('untyped objects: maps granular, lists atomic', () => {
  const w = (spec: JsonObject): KubeObject => ({ apiVersion: 'x.io/v1', kind: 'W', metadata: { name: 'w' }, spec });
  const v1 = apply(undefined, w({ a: 1, list: [1, 2], m: { x: 1 } }), 'one', { schema: undefined });
  assert.deepEqual(owned(v1, 'one'), ['.spec', '.spec.a', '.spec.list', '.spec.m', '.spec.m.x']);
  const v2 = apply(v1, w({ list: [1, 2], m: { y: 2 } }), 'two', { schema: undefined });
  assert.deepEqual(v2.spec, { a: 1, list: [1, 2], m: { x: 1, y: 2 } });
  const r = serverSideApply({ live: v2, applied: w({ list: [3] }), manager: 'two', force: false, schema: undefined });
  assert.deepEqual(
    r.conflicts.map((c) => c.path),
    ['.spec.list'],
  );
});

test('nulls in the apply configuration unset the field; empty maps are owned as leaves; int-or-string accepts both', () => {
  const v1 = apply(undefined, cm({ a: '1', b: '2' }), 'one');
  const v2 = apply(v1, cm({ a: null, b: '2' }), 'one');
  assert.deepEqual(v2.data, { b: '2' });
  assert.deepEqual(owned(v2, 'one'), ['.data.a', '.data.b']);
  const v3 = apply(
    undefined,
    deploy({ containers: [{ name: 'app', resources: {} }] }),
    'one',
  );
  assert.ok(owned(v3, 'one').includes('.spec.template.spec.containers[name="app"].resources'));
  for (const maxSurge of ['25%', 1]) {
    const d = deploy({ containers: [{ name: 'app' }] });
    (d.spec as JsonObject).strategy = { rollingUpdate: { maxSurge } };
    assert.equal(((apply(undefined, d, 'one').spec as JsonObject).strategy as { rollingUpdate: JsonObject }).rollingUpdate.maxSurge, maxSurge);
  }
});

const errorTable: { name: string; applied: KubeObject; code: string; path: string; message: RegExp }[] = [
  {
    name: 'list where the schema wants a map',
    applied: { ...cm({}), data: ['a'] as unknown as JsonObject },
    code: MergeErrorCode.typeMismatch,
    path: '/data',
    message: /failed to create typed patch object \(\/v1, Kind=ConfigMap\): \.data: expected map, got list/,
  },
  {
    name: 'string where the schema wants a number',
    applied: { ...deploy({ containers: [{ name: 'app' }] }), spec: { replicas: 'three' } },
    code: MergeErrorCode.typeMismatch,
    path: '/spec/replicas',
    message: /\.spec\.replicas: expected numeric \(int or float\), got string/,
  },
  {
    name: 'duplicate keys in a list-map',
    applied: deploy({ containers: [{ name: 'app' }, { name: 'app' }] }),
    code: MergeErrorCode.invalidMergeKey,
    path: '/spec/template/spec/containers',
    message: /\.spec\.template\.spec\.containers: duplicate entries for key \[name="app"\]/,
  },
  {
    name: 'missing key field',
    applied: deploy({ containers: [{ image: 'x' } as unknown as Container] }),
    code: MergeErrorCode.invalidMergeKey,
    path: '/spec/template/spec/containers',
    message: /element 0: associative list with keys has an element that omits all key fields \["name"\]/,
  },
];

for (const t of errorTable) {
  test(`apply configuration errors: ${t.name}`, () => {
    assert.throws(
      () => serverSideApply({ live: undefined, applied: t.applied, manager: 'm', force: false, schema: t.applied.kind === 'Deployment' ? deploymentSchema : configMapSchema }),
      (e: unknown) => e instanceof MergeError && e.code === t.code && e.path === t.path && t.message.test(e.message),
    );
  });
}

test('subresource managers are distinct entries', () => {
  const v1 = apply(undefined, cm({ a: '1' }), 'm');
  const r = serverSideApply({ live: v1, applied: cm({ b: '1' }), manager: 'm', force: false, schema: configMapSchema, subresource: 'status', now: T2 });
  const entries = r.object.metadata.managedFields as JsonObject[];
  assert.deepEqual(
    entries.map((e) => [e.manager, e.subresource ?? '']),
    [
      ['m', ''],
      ['m', 'status'],
    ],
  );
  assert.deepEqual(r.object.data, { a: '1', b: '1' });
});

test('apply with managedFields in the configuration is refused', () => {
  const bad = cm({});
  bad.metadata.managedFields = [];
  assert.throws(() => serverSideApply({ live: undefined, applied: bad, manager: 'm', force: false, schema: configMapSchema }), /managedFields must be nil/);
});

test('more than 10 Update managers: the oldest are merged into ancient-changes', () => {
  let obj = apply(undefined, cm({ base: '0' }), 'applier', { now: T0 });
  for (let i = 0; i < 12; i++) {
    const next = structuredClone(obj);
    (next.data as JsonObject)[`k${i}`] = String(i);
    obj = recordUpdate({ live: obj, updated: next, manager: `writer-${String(i).padStart(2, '0')}`, schema: configMapSchema, now: `2026-01-01T00:01:${String(i).padStart(2, '0')}Z` });
  }
  const entries = obj.metadata.managedFields as JsonObject[];
  const updates = entries.filter((e) => e.operation === 'Update');
  assert.equal(updates.length, 10);
  assert.equal(updates[0]?.manager, 'ancient-changes');
  assert.deepEqual(owned(obj, 'ancient-changes', 'Update'), ['.data.k0', '.data.k1', '.data.k2']);
  assert.equal(updates[0]?.time, '2026-01-01T00:01:02Z');
  assert.deepEqual(
    updates.slice(1).map((e) => e.manager),
    ['writer-03', 'writer-04', 'writer-05', 'writer-06', 'writer-07', 'writer-08', 'writer-09', 'writer-10', 'writer-11'],
  );
});

test('apply configurations nested too deeply are refused', () => {
  let deep: JsonObject = { leaf: 1 };
  for (let i = 0; i < 300; i++) deep = { n: deep };
  const applied: KubeObject = { apiVersion: 'x.io/v1', kind: 'W', metadata: { name: 'w' }, spec: deep };
  assert.throws(
    () => serverSideApply({ live: undefined, applied, manager: 'm', force: false, schema: undefined }),
    (e: unknown) => e instanceof MergeError && e.code === MergeErrorCode.invalidPatch && /nested deeper than 200/.test(e.message),
  );
});
