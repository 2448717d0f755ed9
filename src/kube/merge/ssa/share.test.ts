import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { JsonObject, JsonValue, KubeObject } from '../../object.js';
import { builtinSchemas } from '../../schema/index.js';
import type { SchemaNode } from '../../schema/types.js';
import { recordUpdate, serverSideApply } from './index.js';
import { applyWalk } from './walk.js';

// The structural-sharing contract of serverSideApply: the result may share nodes with its inputs (so
// neither may be mutated afterwards), except its root and metadata objects, which are its own. A caller
// that edits the result deeply passes private copies (as the local cluster's apply handler does); then
// nothing it does to the result can reach a later apply.

const schema = builtinSchemas().forKind({ group: 'apps', version: 'v1', kind: 'Deployment' }) as SchemaNode;
const NOW = '2026-01-01T00:00:00Z';

const name = fc.constantFrom('a', 'b', 'c');
const containerArb = fc.record(
  {
    name,
    image: fc.constantFrom('x:1', 'x:2'),
    args: fc.array(fc.constantFrom('-v', '-q'), { maxLength: 2 }),
    env: fc.uniqueArray(fc.record({ name, value: fc.constantFrom('1', '2') }, { noNullPrototype: true }), { selector: (e) => e.name, minLength: 1, maxLength: 2 }),
    resources: fc.record({ limits: fc.dictionary(fc.constantFrom('cpu', 'memory'), fc.constantFrom('1', '2'), { minKeys: 1, noNullPrototype: true }) }, { noNullPrototype: true }),
  },
  { requiredKeys: ['name'], noNullPrototype: true },
);
const configArb = fc
  .record(
    {
      labels: fc.dictionary(fc.constantFrom('l1', 'l2', 'l3'), fc.constantFrom('v', 'w'), { minKeys: 1, noNullPrototype: true }),
      annotations: fc.dictionary(fc.constantFrom('a1', 'a2'), fc.constantFrom('v', 'w'), { minKeys: 1, noNullPrototype: true }),
      replicas: fc.integer({ min: 0, max: 3 }),
      containers: fc.uniqueArray(containerArb, { selector: (c) => c.name, minLength: 1, maxLength: 3 }),
      nodeSelector: fc.dictionary(fc.constantFrom('os', 'zone'), fc.constantFrom('linux', 'a'), { minKeys: 1, noNullPrototype: true }),
    },
    { requiredKeys: ['containers'], noNullPrototype: true },
  )
  .map((c): KubeObject => {
    const podSpec: JsonObject = { containers: c.containers as unknown as JsonObject[] };
    if (c.nodeSelector) podSpec.nodeSelector = c.nodeSelector;
    const spec: JsonObject = { template: { spec: podSpec } };
    if (c.replicas !== undefined) spec.replicas = c.replicas;
    const metadata: KubeObject['metadata'] = { name: 'd', namespace: 'ns' };
    if (c.labels) metadata.labels = c.labels;
    if (c.annotations) metadata.annotations = c.annotations;
    return { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec };
  });

function apply(live: KubeObject | undefined, applied: KubeObject, manager: string, force = true): KubeObject {
  const r = serverSideApply({ live, applied, manager, force, schema, now: NOW });
  assert.deepEqual(r.conflicts, []);
  return r.object;
}

/** Every object and array reachable from a value. */
function nodes(v: JsonValue | undefined, into = new Set<object>()): Set<object> {
  if (typeof v === 'object' && v !== null) {
    into.add(v);
    for (const x of Array.isArray(v) ? v : Object.values(v)) nodes(x, into);
  }
  return into;
}

/** Scribbles on every map and list of a value, as a careless caller might (but for `skip`). */
function scribble(v: JsonValue, skip?: JsonValue): void {
  const skipped = nodes(skip);
  for (const n of nodes(v)) {
    if (skipped.has(n)) continue;
    if (Array.isArray(n)) (n as JsonValue[]).push('scribbled');
    else (n as JsonObject).scribbled = true;
  }
}

/** A live object as the cluster holds it: applied by two managers, then written by a controller (status). */
function liveOf(x: KubeObject, y: KubeObject): KubeObject {
  const first = apply(undefined, x, 'one');
  const both = apply(structuredClone(first), structuredClone(y), 'two');
  const withStatus = structuredClone(both);
  withStatus.status = { replicas: 1, conditions: [{ type: 'Available', status: 'True' }] };
  return recordUpdate({ live: both, updated: withStatus, manager: 'ctrl', schema, now: NOW, subresource: 'status' });
}

test('share: inputs are never mutated, and the root and metadata of the result are its own', () => {
  fc.assert(
    fc.property(configArb, configArb, configArb, (x, y, z) => {
      const live = liveOf(x, y);
      const liveBefore = structuredClone(live);
      const zBefore = structuredClone(z);
      const out = apply(live, z, 'one');
      assert.deepEqual(live, liveBefore);
      assert.deepEqual(z, zBefore);
      // The top two levels may be edited without copies (the cluster sets resourceVersion, uid, status…).
      assert.notEqual(out, live);
      assert.notEqual(out, z as unknown);
      assert.notEqual(out.metadata, live.metadata);
      assert.notEqual(out.metadata, z.metadata);
      out.metadata.resourceVersion = '42';
      delete out.metadata.labels;
      delete out.status;
      (out as JsonObject).extra = 1;
      assert.deepEqual(live, liveBefore);
      assert.deepEqual(z, zBefore);
    }),
    { numRuns: 60, seed: 20261125 },
  );
});

test('share: scribbling on a result made from private copies never reaches the stored object or a later apply', () => {
  fc.assert(
    fc.property(configArb, configArb, configArb, (x, y, z) => {
      // The cluster's pattern: the stored object and the request body are copied before the apply.
      const stored = JSON.stringify(liveOf(x, y));
      const body = JSON.stringify(z);
      const run = (): KubeObject => apply(JSON.parse(stored) as KubeObject, JSON.parse(body) as KubeObject, 'one');
      const first = run();
      const expected = structuredClone(first);
      scribble(first as unknown as JsonObject);
      assert.deepEqual(run(), expected);
      // Re-applying onto a scribbled result (a caller that owns it) sees exactly what it holds (managedFields
      // left valid).
      const second = run();
      scribble(second as unknown as JsonObject, second.metadata.managedFields as JsonValue);
      const again = apply(second, JSON.parse(body) as KubeObject, 'one');
      const reference = apply(structuredClone(second), JSON.parse(body) as KubeObject, 'one');
      assert.deepEqual(again, reference);
    }),
    { numRuns: 60, seed: 20261125 },
  );
});

test('share: unchanged subtrees are the inputs’ own nodes; managedFields of untouched managers too', () => {
  const x: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns', labels: { a: 'b' } }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'i:1', args: ['-v'] }] } } } };
  const live = liveOf(x, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns' }, spec: { replicas: 1 } });
  const z = structuredClone(x);
  ((z.spec as JsonObject).template as { spec: { containers: JsonObject[] } }).spec.containers[0]!.image = 'i:2';
  const out = apply(live, z, 'one', false);
  assert.equal(out.status, live.status, 'status (live only) is shared');
  const args = (c: KubeObject): unknown => ((c.spec as JsonObject).template as { spec: { containers: JsonObject[] } }).spec.containers[0]!.args;
  assert.equal(args(out), args(live), 'an atomic list the configuration sets as it was is live’s');
  assert.equal(out.metadata.labels, live.metadata.labels, 'a map the configuration leaves as it was is live’s');
  const z2 = structuredClone(z);
  ((z2.spec as JsonObject).template as { spec: { containers: JsonObject[] } }).spec.containers[0]!.args = ['-q'];
  assert.equal(args(apply(live, z2, 'one', false)), args(z2), 'a changed atomic list is the configuration’s');
  const fieldsOf = (o: KubeObject, m: string): unknown => (o.metadata.managedFields as JsonObject[]).find((e) => e.manager === m)?.fieldsV1;
  assert.equal(fieldsOf(out, 'ctrl'), fieldsOf(live, 'ctrl'), 'an untouched manager’s fieldsV1 is shared');
  assert.equal(fieldsOf(out, 'two'), fieldsOf(live, 'two'));
  // A configuration without metadata: the result's metadata is still its own.
  const noMeta = { apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 2 } } as unknown as KubeObject;
  const liveBefore = structuredClone(live);
  const out2 = apply(live, noMeta, 'three');
  assert.notEqual(out2.metadata, live.metadata);
  out2.metadata.labels = {};
  assert.deepEqual(live, liveBefore);
});

test('share: the walk’s shared merge equals its copying merge, and its root is fresh', () => {
  fc.assert(
    fc.property(configArb, configArb, configArb, (x, y, z) => {
      const live = liveOf(x, y) as unknown as JsonObject;
      const applied = z as unknown as JsonObject;
      const copied = applyWalk({ live, applied, schema });
      const shared = applyWalk({ live, applied, schema, share: true });
      assert.equal(JSON.stringify(shared.merged), JSON.stringify(copied.merged));
      assert.ok(!nodes(live).has(shared.merged) && !nodes(applied).has(shared.merged));
      assert.deepEqual(shared.comparison, copied.comparison);
      assert.equal(shared.reordered, copied.reordered);
    }),
    { numRuns: 60, seed: 20261125 },
  );
});
