import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../object.js';
import { MergeError, MergeErrorCode, pointerJoin } from './errors.js';
import { applyJsonPatch, cloneJson, JsonPatchError, parsePointer } from './jsonpatch.js';
import { jsonEqual } from '../object.js';

/** RFC 6902 appendix A style cases: [name, doc, patch, expected]. */
const good: [string, JsonValue, JsonValue, JsonValue][] = [
  ['add member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { foo: 'bar', baz: 'qux' }],
  ['add array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
  ['remove member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
  ['remove array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
  ['replace value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
  [
    'move value',
    { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  ],
  ['move array element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
  ['test passes', { baz: 'qux', foo: ['a', 2, 'c'] }, [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }], { baz: 'qux', foo: ['a', 2, 'c'] }],
  ['add nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
  ['add to array end', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
  ['escaped tokens', { 'a/b': 1, 'm~n': 2 }, [{ op: 'replace', path: '/a~1b', value: 3 }, { op: 'remove', path: '/m~0n' }], { 'a/b': 3 }],
  ['empty key', { '': 1 }, [{ op: 'replace', path: '/', value: 2 }], { '': 2 }],
  ['replace root', { a: 1 }, [{ op: 'replace', path: '', value: [1] }], [1]],
  ['add root', { a: 1 }, [{ op: 'add', path: '', value: { b: 2 } }], { b: 2 }],
  ['test root', { a: [1, { b: null }] }, [{ op: 'test', path: '', value: { a: [1, { b: null }] } }], { a: [1, { b: null }] }],
  ['test key order ignored', { a: { x: 1, y: 2 } }, [{ op: 'test', path: '/a', value: { y: 2, x: 1 } }], { a: { x: 1, y: 2 } }],
  ['copy then edit copy only', { a: { x: 1 } }, [{ op: 'copy', from: '/a', path: '/b' }, { op: 'replace', path: '/b/x', value: 2 }], { a: { x: 1 }, b: { x: 2 } }],
  ['move to same place', { a: 1 }, [{ op: 'move', from: '/a', path: '/a' }], { a: 1 }],
  ['numeric member names in maps', { '01': 1 }, [{ op: 'add', path: '/-', value: 2 }, { op: 'remove', path: '/01' }], { '-': 2 }],
  ['ops apply in order', { a: [] }, [{ op: 'add', path: '/a/0', value: 1 }, { op: 'add', path: '/a/0', value: 0 }, { op: 'add', path: '/a/-', value: 2 }], { a: [0, 1, 2] }],
];

test('applyJsonPatch applies RFC 6902 operations', () => {
  for (const [name, doc, patch, want] of good) {
    const before = cloneJson(doc);
    const patchBefore = cloneJson(patch);
    assert.deepEqual(applyJsonPatch(doc, patch), want, name);
    assert.deepEqual(doc, before, `${name}: input mutated`);
    assert.deepEqual(patch, patchBefore, `${name}: patch mutated`);
  }
});

/** Bad input: [name, doc, patch, code, path, opIndex]. */
const bad: [string, JsonValue, JsonValue, MergeErrorCode, string, number | undefined][] = [
  ['not an array', {}, { op: 'add' }, MergeErrorCode.invalidPatch, '', undefined],
  ['op not an object', {}, [1], MergeErrorCode.invalidPatch, '', 0],
  ['missing op', {}, [{ path: '/a' }], MergeErrorCode.invalidPatch, '', 0],
  ['unknown op', {}, [{ op: 'append', path: '/a', value: 1 }], MergeErrorCode.invalidPatch, '/a', 0],
  ['missing path', {}, [{ op: 'add', value: 1 }], MergeErrorCode.invalidPatch, '', 0],
  ['missing value', {}, [{ op: 'add', path: '/a' }], MergeErrorCode.invalidPatch, '/a', 0],
  ['missing from', { a: 1 }, [{ op: 'move', path: '/b' }], MergeErrorCode.invalidPatch, '/b', 0],
  ['pointer without slash', {}, [{ op: 'add', path: 'a', value: 1 }], MergeErrorCode.invalidPatch, 'a', 0],
  ['bad escape', {}, [{ op: 'add', path: '/a~2', value: 1 }], MergeErrorCode.invalidPatch, '/a~2', 0],
  ['test fails', { a: 1 }, [{ op: 'test', path: '/a', value: 2 }], MergeErrorCode.testFailed, '/a', 0],
  ['test missing', { a: 1 }, [{ op: 'test', path: '/b', value: null }], MergeErrorCode.pathNotFound, '/b', 0],
  ['remove missing', { a: 1 }, [{ op: 'add', path: '/c', value: 1 }, { op: 'remove', path: '/b' }], MergeErrorCode.pathNotFound, '/b', 1],
  ['replace missing', { a: 1 }, [{ op: 'replace', path: '/b', value: 1 }], MergeErrorCode.pathNotFound, '/b', 0],
  ['add under missing parent', { a: 1 }, [{ op: 'add', path: '/b/c', value: 1 }], MergeErrorCode.pathNotFound, '/b/c', 0],
  ['add under scalar', { a: 1 }, [{ op: 'add', path: '/a/c', value: 1 }], MergeErrorCode.pathNotFound, '/a/c', 0],
  ['index past end', { a: [1] }, [{ op: 'add', path: '/a/2', value: 1 }], MergeErrorCode.pathNotFound, '/a/2', 0],
  ['replace past end', { a: [1] }, [{ op: 'replace', path: '/a/1', value: 1 }], MergeErrorCode.pathNotFound, '/a/1', 0],
  ['leading zero', { a: [1, 2] }, [{ op: 'remove', path: '/a/01' }], MergeErrorCode.invalidPatch, '/a/01', 0],
  ['negative index', { a: [1, 2] }, [{ op: 'add', path: '/a/-1', value: 0 }], MergeErrorCode.invalidPatch, '/a/-1', 0],
  ['dash for remove', { a: [1] }, [{ op: 'remove', path: '/a/-' }], MergeErrorCode.pathNotFound, '/a/-', 0],
  ['move into child', { a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }], MergeErrorCode.invalidPatch, '/a/b/c', 0],
  ['move from missing', { a: 1 }, [{ op: 'move', from: '/x', path: '/y' }], MergeErrorCode.pathNotFound, '/y', 0],
  ['copy from missing', { a: 1 }, [{ op: 'copy', from: '/x', path: '/y' }], MergeErrorCode.pathNotFound, '/y', 0],
  ['remove root', { a: 1 }, [{ op: 'remove', path: '' }], MergeErrorCode.invalidPatch, '', 0],
];

test('applyJsonPatch rejects bad input with code, path and op index, and returns nothing partial', () => {
  for (const [name, doc, patch, code, path, opIndex] of bad) {
    const before = cloneJson(doc);
    assert.throws(
      () => applyJsonPatch(doc, patch),
      (err: unknown) => {
        assert.ok(err instanceof MergeError, `${name}: not a MergeError: ${String(err)}`);
        assert.equal(err.code, code, `${name}: ${err.message}`);
        assert.equal(err.path, path, `${name}: path`);
        if (opIndex !== undefined) {
          assert.ok(err instanceof JsonPatchError, `${name}: not a JsonPatchError`);
          assert.equal(err.opIndex, opIndex, `${name}: op index`);
          assert.match(err.message, new RegExp(`operation ${opIndex}`));
        }
        return true;
      },
      name,
    );
    assert.deepEqual(doc, before, `${name}: input mutated`);
  }
});

test('applyJsonPatch enforces its limits', () => {
  const many = Array.from({ length: 11 }, () => ({ op: 'test', path: '', value: {} }));
  assert.throws(() => applyJsonPatch({}, many, { maxOperations: 10 }), /at most 10/);
  const doubling = Array.from({ length: 30 }, () => ({ op: 'copy', from: '/a', path: '/a/-' }));
  assert.throws(() => applyJsonPatch({ a: [1] }, doubling, { maxCopiedNodes: 10_000 }), /exceed 10000 nodes/);
});

test('parsePointer unescapes ~1 before ~0', () => {
  assert.deepEqual(parsePointer('/a~01/b~10'), ['a~1', 'b/0']);
  assert.deepEqual(parsePointer(''), []);
  assert.deepEqual(parsePointer('/'), ['']);
});

test('jsonEqual compares structurally', () => {
  assert.ok(jsonEqual({ a: [1, { b: null }] }, { a: [1, { b: null }] }));
  // an undefined member is absent, as in JSON text; null is a value
  assert.ok(jsonEqual({ a: 1 }, { a: 1, b: undefined as unknown as JsonValue }));
  assert.ok(!jsonEqual({ a: 1 }, { a: 1, b: null }));
  assert.ok(!jsonEqual([1, 2], [2, 1]));
  assert.ok(!jsonEqual({}, []));
  assert.ok(!jsonEqual(null, {}));
});

// ---- properties ------------------------------------------------------------------------------

const key = fc.string({ maxLength: 6 });
/** Plain JSON (ordinary prototypes, `__proto__` as an own key), as JSON.parse produces it. */
const plain = <T,>(a: fc.Arbitrary<T>): fc.Arbitrary<T> => a.map((x) => JSON.parse(JSON.stringify(x)) as T);
const value = plain(fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>);
const doc = plain(fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }) as fc.Arbitrary<JsonObject>);

/** Every pointer to an existing value in `v`, root included. */
function pointers(v: JsonValue, base = ''): string[] {
  const out = [base];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pointers(x, pointerJoin(base, i))));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...pointers(x, pointerJoin(base, k)));
  return out;
}

const docWithPointer = doc.chain((d) => fc.record({ d: fc.constant(d), p: fc.constantFrom(...pointers(d)) }));

describe('JSON patch laws', () => {
  test('add of a new member then remove gives the original', () => {
    fc.assert(
      fc.property(doc, key, value, (d, k, v) => {
        fc.pre(!Object.hasOwn(d, k));
        const path = pointerJoin('', k);
        const added = applyJsonPatch(d, [{ op: 'add', path, value: v }]);
        assert.deepEqual(applyJsonPatch(added, [{ op: 'remove', path }]), d);
      }),
    );
  });

  test('append then remove the last element gives the original', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 5 }), value, (arr, v) => {
        const added = applyJsonPatch({ a: arr }, [{ op: 'add', path: '/a/-', value: v }]) as JsonObject;
        assert.deepEqual(applyJsonPatch(added, [{ op: 'remove', path: `/a/${arr.length}` }]), { a: arr });
      }),
    );
  });

  test('replace then test of the same value passes; test of the old value passes before', () => {
    fc.assert(
      fc.property(docWithPointer, value, ({ d, p }, v) => {
        const old = applyJsonPatch(d, [{ op: 'copy', from: p, path: '' }]);
        applyJsonPatch(d, [{ op: 'test', path: p, value: old }]);
        const replaced = applyJsonPatch(d, [{ op: 'replace', path: p, value: v }]);
        applyJsonPatch(replaced, [{ op: 'test', path: p, value: v }]);
      }),
    );
  });

  test('copy equals add of the value found at from', () => {
    fc.assert(
      fc.property(docWithPointer, key, ({ d, p }, k) => {
        fc.pre(p !== '' && !Object.hasOwn(d, k));
        const target = pointerJoin('', k);
        const v = applyJsonPatch(d, [{ op: 'copy', from: p, path: '' }]);
        assert.deepEqual(applyJsonPatch(d, [{ op: 'copy', from: p, path: target }]), applyJsonPatch(d, [{ op: 'add', path: target, value: v }]));
      }),
    );
  });

  test('move equals copy then remove of from', () => {
    fc.assert(
      fc.property(docWithPointer, key, ({ d, p }, k) => {
        fc.pre(p !== '' && !Object.hasOwn(d, k));
        const target = pointerJoin('', k);
        const moved = applyJsonPatch(d, [{ op: 'move', from: p, path: target }]);
        const copied = applyJsonPatch(d, [{ op: 'copy', from: p, path: target }, { op: 'remove', path: p }]);
        assert.deepEqual(moved, copied);
      }),
    );
  });

  test('a failing patch never mutates the input', () => {
    fc.assert(
      fc.property(docWithPointer, value, ({ d, p }, v) => {
        const before = cloneJson(d);
        assert.throws(() => applyJsonPatch(d, [{ op: 'replace', path: p, value: v }, { op: 'test', path: '/\u0000missing', value: 1 }]));
        assert.deepEqual(d, before);
      }),
    );
  });
});

test('random operations give a result or a JsonPatchError, never another failure', () => {
  const path = fc.oneof(fc.constantFrom('', '/', '/a', '/a/0', '/a/-', '/a/01', '/b/c', '/~2', 'x', '/a/1/b'), fc.string({ maxLength: 5 }));
  const op = fc.record(
    { op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'nope'), path, from: path, value: value },
    { requiredKeys: ['op'] },
  ) as fc.Arbitrary<JsonValue>;
  const outcomes = { ok: 0, error: 0 };
  fc.assert(
    fc.property(doc, fc.array(op, { maxLength: 4 }), (d, ops) => {
      try {
        applyJsonPatch(d, ops);
        outcomes.ok++;
      } catch (err) {
        if (!(err instanceof MergeError)) throw err;
        outcomes.error++;
      }
    }),
    { numRuns: 500, seed: 99 },
  );
  assert.ok(outcomes.ok > 50 && outcomes.error > 50, JSON.stringify(outcomes));
});

test('kubernetes compat mode agrees with RFC mode wherever the RFC accepts (root targets aside)', () => {
  const path = fc.constantFrom('/a', '/a/0', '/a/-', '/a/1', '/b', '/b/c', '/c', '/a/0/x');
  const op = fc.record({ op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'), path, from: path, value }) as fc.Arbitrary<JsonValue>;
  const start = fc.record({ a: fc.array(value, { maxLength: 3 }), b: plain(fc.dictionary(fc.constantFrom('c', 'd'), value)) }) as fc.Arbitrary<JsonValue>;
  let compared = 0;
  fc.assert(
    fc.property(start, fc.array(op, { minLength: 1, maxLength: 3 }), (d, ops) => {
      let rfc: JsonValue;
      try {
        rfc = applyJsonPatch(d, ops);
      } catch {
        return;
      }
      compared++;
      assert.deepEqual(applyJsonPatch(d, ops, { compat: 'kubernetes' }), rfc);
    }),
    { numRuns: 1000, seed: 7 },
  );
  assert.ok(compared > 100, `only ${compared} patches were valid`);
});

test('kubernetes compat mode reproduces kubectl quirks', () => {
  const k8s = (d: JsonValue, ops: JsonValue): JsonValue => applyJsonPatch(d, ops, { compat: 'kubernetes' });
  assert.deepEqual(k8s({ a: 1 }, [{ op: 'replace', path: '/b', value: 2 }]), { a: 1, b: 2 });
  assert.deepEqual(k8s({ a: 1 }, [{ op: 'test', path: '/b', value: null }]), { a: 1 });
  assert.deepEqual(k8s({ l: [1, 2, 3] }, [{ op: 'remove', path: '/l/-1' }, { op: 'add', path: '/l/-1', value: 9 }]), { l: [1, 2, 9] });
  assert.deepEqual(k8s({ l: [1, 2] }, [{ op: 'add', path: '/l/01', value: 5 }]), { l: [1, 5, 2] });
  assert.deepEqual(k8s({ a: 1 }, [{ op: 'add', path: '/b' }]), { a: 1, b: null });
  assert.deepEqual(k8s({ a: 1 }, [{ op: 'copy', from: '/x', path: '/y' }]), { a: 1, y: null });
  assert.deepEqual(k8s({ a: 1 }, [{ op: 'add', path: 'ignored/b', value: 2 }]), { a: 1, b: 2 });
  assert.throws(() => k8s({ a: 1 }, [{ op: 'add', path: '', value: {} }]), (e: unknown) => e instanceof MergeError && e.code === MergeErrorCode.pathNotFound);
  assert.throws(() => k8s({ a: 1 }, [{ op: 'test', path: '/a' }]), (e: unknown) => e instanceof MergeError && e.code === MergeErrorCode.invalidPatch);
  assert.throws(() => k8s({ l: [1] }, [{ op: 'remove', path: '/l/-2' }]), (e: unknown) => e instanceof MergeError && e.code === MergeErrorCode.pathNotFound);
});
