import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../../object.js';
import { builtinSchemas } from '../../schema/index.js';
import type { SchemaNode } from '../../schema/types.js';
import { FieldSet } from './fieldset.js';
import type { RawNode } from './rawset.js';
import { checkedCopy, rawSize, rawSubsetSize, removeMember, sortedCopy } from './rawset.js';
import { jsonEqual } from './shape.js';
import { FieldPathError, compareValues, fieldSetOf, isSame, mergeValues, mergeValuesShared } from './typed.js';
import { UNTRACKED_PATHS } from './untracked.js';
import { InvalidConfiguration, applyWalk, collectConfig } from './walk.js';

// The fused apply walk must compute exactly what the separate functions compute: merge, comparison of
// live with the merge, validation and the configuration's field set. Random Deployment-shaped pairs,
// including the odd cases (nulls, wrong types, live items without keys or with duplicate keys, shapes that
// differ between live and the configuration, empty maps and lists, unknown fields).

const deployment = builtinSchemas().forKind({ group: 'apps', version: 'v1', kind: 'Deployment' }) as SchemaNode;

const oddScalar = fc.constantFrom<JsonValue>(null, 'x', 1, true, {}, []);
const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | JsonValue> => fc.oneof({ weight: 6, arbitrary: a }, { weight: 1, arbitrary: oddScalar });
const name = fc.constantFrom('a', 'b', 'c');
const env = fc.record(
  { name: maybe(name), value: maybe(fc.constantFrom('1', '2')), valueFrom: maybe(fc.record({ fieldRef: fc.record({ fieldPath: fc.constantFrom('metadata.name', 'spec.nodeName') }, { noNullPrototype: true }) }, { noNullPrototype: true })) },
  { requiredKeys: [], noNullPrototype: true },
);
const port = fc.record({ containerPort: maybe(fc.constantFrom(80, 443)), protocol: maybe(fc.constantFrom('TCP', 'UDP')), name: fc.constantFrom('http', 'h2') }, { requiredKeys: [], noNullPrototype: true });
const container = fc.record(
  {
    name: maybe(name),
    image: maybe(fc.constantFrom('x:1', 'x:2')),
    args: maybe(fc.array(fc.constantFrom('-v', '-q'), { maxLength: 2 })),
    env: maybe(fc.array(env, { maxLength: 3 })),
    ports: maybe(fc.array(port, { maxLength: 3 })),
    resources: maybe(fc.record({ limits: maybe(fc.dictionary(fc.constantFrom('cpu', 'memory'), fc.constantFrom('1', '2'), { noNullPrototype: true })) }, { requiredKeys: [], noNullPrototype: true })),
    unknownField: fc.constantFrom<JsonValue>('u', { a: 1 }),
  },
  { requiredKeys: [], noNullPrototype: true },
);
const podSpec = fc.record(
  {
    containers: maybe(fc.array(container, { maxLength: 3 })),
    nodeSelector: maybe(fc.dictionary(fc.constantFrom('os', 'zone'), maybe(fc.constantFrom('linux', 'a')), { noNullPrototype: true })),
    tolerations: maybe(fc.array(fc.record({ key: fc.constantFrom('k1', 'k2'), effect: fc.constantFrom('NoSchedule') }, { noNullPrototype: true }), { maxLength: 2 })),
  },
  { requiredKeys: [], noNullPrototype: true },
);
const object = fc
  .record(
    {
      metadata: fc.record(
        {
          name: fc.constantFrom('d'),
          labels: maybe(fc.dictionary(fc.constantFrom('l1', 'l2', 'l3'), maybe(fc.constantFrom('v', 'w')), { noNullPrototype: true })),
          finalizers: maybe(fc.array(maybe(fc.constantFrom('f/a', 'f/b')), { maxLength: 3 })),
          annotations: fc.constantFrom<JsonValue>({}, { a: 'b' }),
        },
        { requiredKeys: [], noNullPrototype: true },
      ),
      spec: maybe(fc.record({ replicas: maybe(fc.constantFrom(1, 2)), template: maybe(fc.record({ spec: maybe(podSpec) }, { requiredKeys: [], noNullPrototype: true })) }, { requiredKeys: [], noNullPrototype: true })),
      status: fc.constantFrom<JsonValue>({ replicas: 1 }, null),
    },
    { requiredKeys: [], noNullPrototype: true },
  )
  .map((o): JsonObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', ...(o as JsonObject) }));

/** Live objects never hold nulls the way configurations do, but may: keep some, drop most. */
const liveObject = object;

function setOf(raw: RawNode): FieldSet {
  return FieldSet.fromFieldsV1(raw as unknown as JsonObject);
}

/** Every object and array reachable from a value. */
function containers(v: JsonValue | undefined, into = new Set<object>()): Set<object> {
  if (typeof v === 'object' && v !== null) {
    into.add(v);
    for (const x of Array.isArray(v) ? v : Object.values(v)) containers(x, into);
  }
  return into;
}

function checkPair(live: JsonObject, applied: JsonObject, schema: SchemaNode | undefined): void {
  let expectedSet: FieldSet | undefined;
  try {
    expectedSet = fieldSetOf(applied, schema, { strict: true });
  } catch (e) {
    if (!(e instanceof FieldPathError)) throw e;
  }
  if (!expectedSet) {
    assert.throws(() => applyWalk({ live, applied, schema }), InvalidConfiguration);
    return;
  }
  const liveCopy = structuredClone(live);
  const appliedCopy = structuredClone(applied);
  const got = applyWalk({ live, applied, schema });
  assert.deepEqual(live, liveCopy);
  assert.deepEqual(applied, appliedCopy);
  // Merge: the same object, with the same key order, sharing nothing with the inputs.
  const expectedMerged = (mergeValues(live, applied, schema) ?? {}) as JsonObject;
  assert.deepEqual(got.merged, expectedMerged);
  assert.equal(JSON.stringify(got.merged), JSON.stringify(expectedMerged));
  const inputs = containers(applied, containers(live));
  for (const o of containers(got.merged)) assert.ok(!inputs.has(o), 'the merged object shares a value with an input');
  // Comparison, and the change flag.
  const shared = (mergeValuesShared(live, applied, schema) ?? {}) as JsonObject;
  const cmp = compareValues(live, shared, schema);
  assert.deepEqual(got.comparison.added.toStrings(), cmp.added.toStrings());
  assert.deepEqual(got.comparison.modified.toStrings(), cmp.modified.toStrings());
  assert.deepEqual(got.comparison.removed.toStrings(), cmp.removed.toStrings());
  assert.equal(!isSame(got.comparison) || got.reordered, !jsonEqual(live, shared));
  // The configuration's set, collected; and checked against previous sets: itself, and others.
  const config = collectConfig(applied, schema);
  assert.ok(setOf(config.raw).equals(expectedSet));
  assert.equal(config.size, expectedSet.size());
  assert.equal(rawSize(config.raw), config.size);
  const owned = structuredClone(config.raw);
  let ownedSize = config.size;
  for (const p of UNTRACKED_PATHS) ownedSize -= removeMember(owned, p);
  const ownedSet = expectedSet.difference(FieldSet.of(UNTRACKED_PATHS));
  assert.ok(setOf(owned).equals(ownedSet));
  assert.equal(ownedSize, ownedSet.size());
  const previous = sortedCopy(owned);
  assert.equal(JSON.stringify(previous), ownedSet.toFieldsV1Json());
  assert.equal(rawSubsetSize(previous, config.raw), ownedSize);
  // managedFields as read from an object: checked, copied and counted in one walk.
  const read = checkedCopy(JSON.parse(ownedSet.toFieldsV1Json()) as JsonObject, 64);
  assert.ok(read);
  assert.equal(read.size, ownedSize);
  assert.equal(JSON.stringify(read.raw), ownedSet.toFieldsV1Json());
  assert.equal(applyWalk({ live, applied, schema, previous: { raw: previous, size: ownedSize } }).sameAsPrevious, true);
  const other = ownedSet.union(FieldSet.of([['f:spec', 'f:paused']]));
  const otherRaw = other.toFieldsV1() as unknown as RawNode;
  assert.equal(applyWalk({ live, applied, schema, previous: { raw: otherRaw, size: other.size() } }).sameAsPrevious, false);
  if (ownedSize > 0) {
    const fewer = ownedSet.difference(FieldSet.of([ownedSet.paths()[0] as string[]]));
    assert.equal(applyWalk({ live, applied, schema, previous: { raw: fewer.toFieldsV1() as unknown as RawNode, size: fewer.size() } }).sameAsPrevious, false);
  }
}

test('property: the apply walk merges, compares, validates and collects as the separate functions do (Deployment schema)', () => {
  fc.assert(
    fc.property(liveObject, object, (live, applied) => checkPair(live, applied, deployment)),
    { numRuns: 400, seed: 20261125 },
  );
});

test('property: the apply walk on untyped objects (no schema)', () => {
  fc.assert(
    fc.property(liveObject, object, (live, applied) => checkPair(live, applied, undefined)),
    { numRuns: 150, seed: 20261125 },
  );
});

test('property: re-applying a configuration to its own result (the common case) as the separate functions do', () => {
  fc.assert(
    fc.property(liveObject, object, (live, applied) => {
      let merged: JsonObject;
      try {
        merged = applyWalk({ live, applied, schema: deployment }).merged;
      } catch (e) {
        if (e instanceof InvalidConfiguration) return;
        throw e;
      }
      checkPair(merged, applied, deployment);
    }),
    { numRuns: 200, seed: 20261125 },
  );
});

test('live lists with keyless or duplicate items, and shapes that differ, take the general path with the same result', () => {
  const live: JsonObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', labels: 'not-a-map' },
    spec: {
      template: {
        spec: {
          containers: [{ name: 'a', image: 'x:1' }, { image: 'no-name' }, { name: 'a', image: 'dup' }],
          tolerations: [{ key: 'k' }],
        },
      },
    },
  };
  const applied: JsonObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', labels: { l: 'v' } },
    spec: { template: { spec: { containers: [{ name: 'b', image: 'x:2' }, { name: 'a', image: 'x:3' }] } } },
  };
  checkPair(live, applied, deployment);
  const got = applyWalk({ live, applied, schema: deployment });
  assert.deepEqual(got.comparison.modified.toStrings(), ['.metadata.labels']);
});

test('lists of 16 items and more are matched through key strings', () => {
  const items = (n: number, image: string): JsonObject[] => Array.from({ length: n }, (_, i) => ({ name: `c${i}`, image }));
  const live: JsonObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers: items(20, 'x:1') } } } };
  const applied: JsonObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: { template: { spec: { containers: [...items(20, 'x:1').reverse(), { name: 'new', image: 'y' }] } } },
  };
  checkPair(live, applied, deployment);
  const dup = structuredClone(live);
  ((dup.spec as JsonObject).template as { spec: { containers: JsonObject[] } }).spec.containers.push({ name: 'c3', image: 'again' });
  checkPair(dup, applied, deployment);
});

test('odd list cases: reordered items, and a list whose every item the configuration unsets', () => {
  const withContainers = (containers: JsonValue): JsonObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: { containers } } } });
  // Same items in another order: no field changed, but the object did.
  const reordered = applyWalk({ live: withContainers([{ name: 'a' }, { name: 'b' }]), applied: withContainers([{ name: 'b' }, { name: 'a' }]), schema: deployment });
  assert.ok(isSame(reordered.comparison));
  assert.equal(reordered.reordered, true);
  checkPair(withContainers([{ name: 'a' }, { name: 'b' }]), withContainers([{ name: 'b' }, { name: 'a' }]), deployment);
  // Items whose only key is null are unset whole, leaving an empty list: compared as a leaf.
  for (const live of [null, [], undefined]) {
    const l = live === undefined ? withContainers([]) : withContainers(live);
    if (live === undefined) delete ((l.spec as JsonObject).template as { spec: JsonObject }).spec.containers;
    checkPair(l, withContainers([{ name: null }]), deployment);
  }
  const fromNull = applyWalk({ live: withContainers(null), applied: withContainers([{ name: null }]), schema: deployment });
  assert.deepEqual(fromNull.comparison.modified.toStrings(), ['.spec.template.spec.containers']);
});
