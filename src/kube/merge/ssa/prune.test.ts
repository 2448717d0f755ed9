import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../../object.js';
import { isJsonObject } from '../../object.js';
import { builtinSchemas } from '../../schema/index.js';
import type { SchemaNode } from '../../schema/types.js';
import { FieldSet } from './fieldset.js';
import { prune } from './prune.js';
import { ensureNamedFieldsAreMembers, fieldSetOf, mergeValues, removeItems } from './typed.js';

// The prune path must remove exactly what it removed before it was made faster: the reference below is
// the original algorithm, step by step as structured-merge-diff's Updater writes it (field sets of each
// intermediate value, EnsureNamedFieldsAreMembers applied to each), run on random Deployment-shaped values
// and random previous and owned sets.

const deployment = builtinSchemas().forKind({ group: 'apps', version: 'v1', kind: 'Deployment' }) as SchemaNode;

function referencePrune(merged: JsonObject, sets: readonly FieldSet[], lastSet: FieldSet, schema: SchemaNode | undefined): JsonObject {
  const lastNamed = ensureNamedFieldsAreMembers(lastSet, schema);
  const pruned = removeItems(merged, lastNamed, schema) ?? {};
  let managedAll = new FieldSet();
  for (const s of sets) managedAll = managedAll.union(s);
  const mergedNamed = ensureNamedFieldsAreMembers(fieldSetOf(merged, schema), schema);
  const prunedNamed = ensureNamedFieldsAreMembers(fieldSetOf(pruned, schema), schema);
  const keep = prunedNamed.union(ensureNamedFieldsAreMembers(managedAll, schema));
  const withOwned = removeItems(merged, mergedNamed.difference(keep), schema) ?? {};
  const ownedNamed = ensureNamedFieldsAreMembers(fieldSetOf(withOwned, schema), schema);
  const result = removeItems(merged, mergedNamed.difference(ownedNamed).intersection(lastNamed), schema) ?? {};
  return isJsonObject(result) ? result : {};
}

const odd = fc.constantFrom<JsonValue>(null, 'x', {}, []);
const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | JsonValue> => fc.oneof({ weight: 8, arbitrary: a }, { weight: 1, arbitrary: odd });
const rec = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<JsonObject> =>
  fc.record(model, { requiredKeys: [], noNullPrototype: true }) as unknown as fc.Arbitrary<JsonObject>;
const name = fc.constantFrom('a', 'b', 'c');
const env = rec({ name: maybe(name), value: fc.constantFrom('1', '2'), valueFrom: rec({ fieldRef: rec({ fieldPath: fc.constantFrom('x', 'y') }) }) });
const container = rec({
  name: maybe(name),
  image: fc.constantFrom('x:1', 'x:2'),
  args: fc.array(fc.constantFrom('-v', '-q'), { maxLength: 2 }),
  env: maybe(fc.array(env, { maxLength: 3 })),
  ports: fc.array(rec({ containerPort: fc.constantFrom(80, 443), protocol: fc.constantFrom('TCP', 'UDP') }), { maxLength: 2 }),
  resources: rec({ limits: fc.dictionary(fc.constantFrom('cpu', 'memory'), fc.constantFrom('1', '2'), { noNullPrototype: true }) }),
  unknownField: fc.constantFrom<JsonValue>('u', { a: 1 }),
});
const object = rec({
  metadata: rec({
    name: fc.constantFrom('d'),
    labels: maybe(fc.dictionary(fc.constantFrom('l1', 'l2', 'l3'), fc.constantFrom('v', 'w'), { noNullPrototype: true })),
    annotations: fc.dictionary(fc.constantFrom('a1', 'a2'), fc.constantFrom('v'), { noNullPrototype: true }),
    finalizers: fc.array(fc.constantFrom('f/a', 'f/b'), { maxLength: 2 }),
  }),
  spec: rec({
    replicas: fc.constantFrom(1, 2),
    selector: rec({ matchLabels: fc.dictionary(fc.constantFrom('app'), fc.constantFrom('d'), { noNullPrototype: true }) }),
    template: rec({ spec: rec({ containers: maybe(fc.array(container, { maxLength: 3 })), nodeSelector: fc.dictionary(fc.constantFrom('os'), fc.constantFrom('linux'), { noNullPrototype: true }) }) }),
  }),
  status: fc.constantFrom<JsonValue>({ replicas: 1 }, undefined as unknown as JsonValue),
}).map((o): JsonObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', ...o }));

test('fieldSetOf with named: exactly ensureNamedFieldsAreMembers of the plain set', () => {
  fc.assert(
    fc.property(object, (v) => {
      for (const schema of [deployment, undefined]) {
        const want = ensureNamedFieldsAreMembers(fieldSetOf(v, schema), schema);
        const got = fieldSetOf(v, schema, { named: true });
        assert.deepEqual(got.toStrings(), want.toStrings());
      }
    }),
    { numRuns: 300, seed: 20261125 },
  );
});

test('prune removes exactly what the reference algorithm removes', () => {
  fc.assert(
    fc.property(object, object, object, object, (live, last, config, other) => {
      for (const [schema, lazy] of [[deployment, true], [deployment, false], [undefined, true]] as const) {
        const merged = (mergeValues(live, config, schema) ?? {}) as JsonObject;
        // The applier's last set as read from managedFields (not decoded), or decoded.
        const lastDecoded = fieldSetOf(last, schema);
        const lastSet = lazy ? FieldSet.lazy(JSON.parse(lastDecoded.toFieldsV1Json()) as JsonObject) : lastDecoded;
        // One owner decoded, one as managedFields are read (a FieldsV1 object not decoded).
        const otherRaw = JSON.parse(fieldSetOf(other, schema).toFieldsV1Json()) as JsonObject;
        const sets = [fieldSetOf(config, schema), FieldSet.lazy(otherRaw)];
        const before = JSON.stringify(merged);
        const got = prune(merged, { sets, lastSet, schema });
        assert.equal(JSON.stringify(merged), before, 'merged is not mutated');
        assert.equal(JSON.stringify(got), JSON.stringify(referencePrune(merged, sets, lastSet, schema)));
      }
    }),
    { numRuns: 300, seed: 20261125 },
  );
});
