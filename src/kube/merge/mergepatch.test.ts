import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../object.js';
import { cloneJson } from './jsonpatch.js';
import { applyMergePatch, createMergePatch } from './mergepatch.js';
import { jsonEqual } from '../object.js';

/** RFC 7386 appendix A: [target, patch, result]. */
const rfc: [JsonValue, JsonValue, JsonValue][] = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [['a', 'b'], ['c', 'd'], ['c', 'd']],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

test('applyMergePatch follows RFC 7386 appendix A', () => {
  for (const [target, patch, want] of rfc) {
    const t0 = cloneJson(target);
    const p0 = cloneJson(patch);
    assert.deepEqual(applyMergePatch(target, patch), want, JSON.stringify([target, patch]));
    assert.deepEqual(target, t0, 'target mutated');
    assert.deepEqual(patch, p0, 'patch mutated');
  }
});

test('applyMergePatch result shares nothing with its inputs', () => {
  const target: JsonObject = { keep: { deep: [1] }, change: { x: 1 } };
  const patch: JsonObject = { change: { y: [2] }, add: { z: {} } };
  const out = applyMergePatch(target, patch) as JsonObject;
  ((out['keep'] as JsonObject)['deep'] as JsonValue[]).push(9);
  ((out['change'] as JsonObject)['y'] as JsonValue[]).push(9);
  (out['add'] as JsonObject)['w'] = 1;
  assert.deepEqual(target, { keep: { deep: [1] }, change: { x: 1 } });
  assert.deepEqual(patch, { change: { y: [2] }, add: { z: {} } });
});

test('a __proto__ member is data, not a prototype', () => {
  const patch = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as JsonObject;
  const out = applyMergePatch({}, patch) as JsonObject;
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out), ['__proto__', 'a']);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

// ---- properties ------------------------------------------------------------------------------

const plain = <T,>(a: fc.Arbitrary<T>): fc.Arbitrary<T> => a.map((x) => JSON.parse(JSON.stringify(x)) as T);
const json = plain(fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<JsonValue>);
/** Values without null members (merge patches cannot produce them). */
const noNullMembers: fc.Arbitrary<JsonValue> = plain(
  fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 4 }), tie('v'), { maxKeys: 4 }),
    ),
  })).v as fc.Arbitrary<JsonValue>,
);

describe('merge patch laws', () => {
  test('idempotence: apply(apply(d, p), p) = apply(d, p)', () => {
    fc.assert(
      fc.property(json, json, (d, p) => {
        const once = applyMergePatch(d, p);
        assert.ok(jsonEqual(applyMergePatch(once, p), once));
      }),
    );
  });

  test('the empty patch is the identity on objects', () => {
    fc.assert(
      fc.property(plain(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }))) as fc.Arbitrary<JsonObject>, (d) => {
        assert.ok(jsonEqual(applyMergePatch(d, {}), d));
      }),
    );
  });

  test('createMergePatch(a, b) applied to a gives b (b without null members)', () => {
    fc.assert(
      fc.property(noNullMembers, noNullMembers, (a, b) => {
        const p = createMergePatch(a, b);
        assert.ok(jsonEqual(applyMergePatch(a, p), b), JSON.stringify({ a, b, p }));
      }),
    );
  });

  test('createMergePatch of equal objects is empty', () => {
    fc.assert(
      fc.property(noNullMembers, (a) => {
        if (a !== null && typeof a === 'object' && !Array.isArray(a)) assert.deepEqual(createMergePatch(a, cloneJson(a)), {});
      }),
    );
  });
});
