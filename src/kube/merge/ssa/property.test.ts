import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { JsonObject, KubeObject } from '../../object.js';
import { builtinSchemas } from '../../schema/index.js';
import type { SchemaNode } from '../../schema/types.js';
import { serverSideApply } from './index.js';

const schema = builtinSchemas().forKind({ group: 'apps', version: 'v1', kind: 'Deployment' }) as SchemaNode;
const NOW = '2026-01-01T00:00:00Z';

const name = fc.constantFrom('a', 'b', 'c', 'd');
// Associative lists and granular maps are generated non-empty: an applied empty list is not owned and an empty map is owned as a leaf (as in structured-merge-diff)
// and stays as `[]`, while a list emptied by pruning is left out — on a real server both vanish when the
// object goes through its Go type (omitempty), here the JSON keeps the difference.
const envArb = fc.uniqueArray(fc.record({ name, value: fc.constantFrom('1', '2') }, { noNullPrototype: true }), { selector: (e) => e.name, minLength: 1, maxLength: 3 });
const portArb = fc.uniqueArray(fc.record({ containerPort: fc.constantFrom(80, 443, 8080) }, { noNullPrototype: true }), { selector: (p) => p.containerPort, minLength: 1, maxLength: 2 });
const containerArb = fc.record(
  { name, image: fc.constantFrom('x:1', 'x:2'), args: fc.array(fc.constantFrom('-v', '-q'), { maxLength: 2 }), env: envArb, ports: portArb },
  { requiredKeys: ['name'], noNullPrototype: true },
);
const configArb = fc.record(
  {
    labels: fc.dictionary(fc.constantFrom('l1', 'l2', 'l3'), fc.constantFrom('v', 'w'), { minKeys: 1, noNullPrototype: true }),
    replicas: fc.integer({ min: 0, max: 3 }),
    containers: fc.uniqueArray(containerArb, { selector: (c) => c.name, minLength: 1, maxLength: 3 }),
    finalizers: fc.uniqueArray(fc.constantFrom('f/a', 'f/b', 'f/c'), { minLength: 1, maxLength: 2 }),
  },
  { requiredKeys: ['containers'], noNullPrototype: true },
).map((c): KubeObject => {
  const spec: JsonObject = { template: { spec: { containers: c.containers as unknown as JsonObject[] } } };
  if (c.replicas !== undefined) spec.replicas = c.replicas;
  const metadata: KubeObject['metadata'] = { name: 'd', namespace: 'ns' };
  if (c.labels) metadata.labels = c.labels;
  if (c.finalizers) metadata.finalizers = c.finalizers;
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec };
});

function apply(live: KubeObject | undefined, applied: KubeObject, manager = 'm'): KubeObject {
  const r = serverSideApply({ live, applied, manager, force: false, schema, now: NOW });
  assert.deepEqual(r.conflicts, []);
  return r.object;
}

test('property: applying the same configuration twice changes nothing', () => {
  fc.assert(
    fc.property(configArb, (x) => {
      const once = apply(undefined, x);
      assert.deepEqual(apply(once, x), once);
    }),
    { numRuns: 150, seed: 20261125 },
  );
});

test('property: one manager applying y then x again ends where applying x alone does', () => {
  fc.assert(
    fc.property(configArb, configArb, (x, y) => {
      const direct = apply(undefined, x);
      const viaY = apply(apply(direct, y), x);
      assert.deepEqual(viaY, direct);
    }),
    { numRuns: 150, seed: 20261125 },
  );
});

test('property: the applier owns exactly what it applied; inputs are never mutated', () => {
  fc.assert(
    fc.property(configArb, configArb, (x, y) => {
      const xs = structuredClone(x);
      const first = apply(undefined, x, 'one');
      const firstCopy = structuredClone(first);
      const r = serverSideApply({ live: first, applied: y, manager: 'two', force: true, schema, now: NOW });
      assert.deepEqual(x, xs);
      assert.deepEqual(first, firstCopy);
      // Every container two applied is in the result with two's image where it set one.
      const out = ((r.object.spec as JsonObject).template as { spec: { containers: JsonObject[] } }).spec.containers;
      for (const c of ((y.spec as JsonObject).template as { spec: { containers: JsonObject[] } }).spec.containers) {
        const got = out.find((o) => o.name === c.name);
        assert.ok(got, `container ${String(c.name)} missing`);
        if (c.image !== undefined) assert.equal(got.image, c.image);
      }
    }),
    { numRuns: 100, seed: 20261125 },
  );
});
