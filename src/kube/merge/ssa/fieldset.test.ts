import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FieldSet } from './fieldset.js';
import { compareElements, keyElement, pathToString, valueElement } from './pathelement.js';

// A FieldsV1 text in the API server's exact encoding: "." first, f: < k: < v: < i:, keys compared field by
// field with numbers numerically (9090 before 10250 although "10250" < "9090" as text), Go's HTML escaping
// (twice inside value and key elements: once in the inner JSON, once in the outer key).
const API_SERVER_TEXT = String.raw`{"f:finalizers":{"v:\"a\"":{},"v:\"b\\u003cc\\u003e\"":{}},` +
  String.raw`"f:metadata":{"f:annotations":{".":{},"f:a\u0026b":{},"f:deployment.kubernetes.io/revision":{}},"f:labels":{".":{},"f:app":{}}},` +
  String.raw`"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:ports":{".":{},` +
  String.raw`"k:{\"containerPort\":9090,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}},` +
  String.raw`"k:{\"containerPort\":10250,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}},` +
  String.raw`"k:{\"containerPort\":10250,\"protocol\":\"UDP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{}}}}}},` +
  String.raw`"f:status":{"f:conditions":{".":{},"k:{\"type\":\"Available\"}":{".":{},"f:status":{}},"k:{\"type\":\"Progressing\"}":{".":{},"f:status":{}}}}}`;

test('FieldsV1: decode then encode is byte-exact with the API server encoding', () => {
  const s = FieldSet.fromFieldsV1(API_SERVER_TEXT);
  assert.equal(s.toFieldsV1Json(), API_SERVER_TEXT);
  assert.ok(s.has(['f:finalizers', valueElement('b<c>')]));
  assert.ok(s.has(['f:metadata', 'f:annotations', 'f:a&b']));
  // Reordered input comes out in the canonical order.
  const shuffled = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(API_SERVER_TEXT) as Record<string, unknown>).reverse()));
  assert.equal(FieldSet.fromFieldsV1(shuffled).toFieldsV1Json(), API_SERVER_TEXT);
  // The object form holds the same keys in the same order.
  assert.equal(JSON.stringify(s.toFieldsV1()), JSON.stringify(JSON.parse(API_SERVER_TEXT)));
});

test('FieldsV1: "." marks a path that is both a member and a parent; empty object marks a leaf', () => {
  const s = FieldSet.fromFieldsV1({ 'f:spec': { '.': {}, 'f:a': {} }, 'f:data': {} });
  assert.deepEqual(s.toStrings(), ['.data', '.spec', '.spec.a']);
  assert.ok(s.has(['f:spec']) && s.has(['f:spec', 'f:a']) && s.has(['f:data']));
  assert.ok(!s.has(['f:spec', 'f:b']));
});

test('FieldsV1: key elements written with other spacing or order are canonicalised', () => {
  const s = FieldSet.fromFieldsV1({ 'k:{ "protocol": "TCP", "containerPort": 80 }': {} });
  assert.deepEqual([...s.members], ['k:{"containerPort":80,"protocol":"TCP"}']);
});

test('FieldsV1: malformed input is refused with the offending key', () => {
  assert.throws(() => FieldSet.fromFieldsV1({ 'x:bad': {} }), /x:bad/);
  assert.throws(() => FieldSet.fromFieldsV1({ 'f:a': 1 }), /f:a/);
  assert.throws(() => FieldSet.fromFieldsV1('[]'), /object/);
});

test('path elements order: fields < keys < values < indices', () => {
  const els = ['i:1', valueElement('x'), keyElement([['name', 'a']]), 'f:z', 'f:a', 'i:0', valueElement(2)];
  assert.deepEqual([...els].sort(compareElements), ['f:a', 'f:z', 'k:{"name":"a"}', 'v:2', 'v:"x"', 'i:0', 'i:1']);
});

test('paths print the API server way', () => {
  assert.equal(pathToString(['f:spec', 'f:containers', keyElement([['name', 'app']]), 'f:image']), '.spec.containers[name="app"].image');
  assert.equal(pathToString(['f:ports', keyElement([['protocol', 'TCP'], ['containerPort', 80]])]), '.ports[containerPort=80,protocol="TCP"]');
  assert.equal(pathToString(['f:metadata', 'f:finalizers', valueElement('x')]), '.metadata.finalizers[="x"]');
});

const table: { name: string; a: string[][]; b: string[][]; union: string[]; difference: string[]; intersection: string[] }[] = [
  {
    name: 'disjoint leaves',
    a: [['f:a'], ['f:s', 'f:x']],
    b: [['f:b'], ['f:s', 'f:y']],
    union: ['.a', '.b', '.s.x', '.s.y'],
    difference: ['.a', '.s.x'],
    intersection: [],
  },
  {
    name: 'a member does not take away what lies below it',
    a: [['f:s'], ['f:s', 'f:x']],
    b: [['f:s']],
    union: ['.s', '.s.x'],
    difference: ['.s.x'],
    intersection: ['.s'],
  },
  { name: 'empty', a: [], b: [['f:a']], union: ['.a'], difference: [], intersection: [] },
];

for (const t of table) {
  test(`set operations: ${t.name}`, () => {
    const a = FieldSet.of(t.a);
    const b = FieldSet.of(t.b);
    assert.deepEqual(a.union(b).toStrings(), t.union);
    assert.deepEqual(a.difference(b).toStrings(), t.difference);
    assert.deepEqual(a.intersection(b).toStrings(), t.intersection);
    assert.ok(a.difference(b).union(a.intersection(b)).equals(a));
  });
}

const elementArb = fc.oneof(
  fc.string({ maxLength: 6 }).map((s) => `f:${s}`),
  fc.record({ name: fc.string({ maxLength: 4 }), port: fc.integer({ min: -5, max: 70000 }) }).map((k) => keyElement([['name', k.name], ['port', k.port]])),
  fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.boolean()).map(valueElement),
  fc.nat(20).map((i) => `i:${i}`),
);
const setArb = fc.array(fc.array(elementArb, { minLength: 1, maxLength: 4 }), { maxLength: 12 }).map((paths) => FieldSet.of(paths));

test('property: FieldsV1 encode/decode round trip, and encoding is canonical', () => {
  fc.assert(
    fc.property(setArb, (s) => {
      const text = s.toFieldsV1Json();
      const back = FieldSet.fromFieldsV1(text);
      assert.ok(back.equals(s));
      assert.equal(back.toFieldsV1Json(), text);
      assert.ok(FieldSet.fromFieldsV1(s.toFieldsV1()).equals(s));
    }),
    { numRuns: 300, seed: 20261125 },
  );
});

test('property: set algebra', () => {
  fc.assert(
    fc.property(setArb, setArb, (a, b) => {
      assert.ok(a.union(b).equals(b.union(a)));
      assert.ok(a.intersection(b).equals(b.intersection(a)));
      assert.ok(a.difference(b).intersection(b).isEmpty());
      assert.equal(a.union(b).size(), a.size() + b.size() - a.intersection(b).size());
    }),
    { numRuns: 300, seed: 20261125 },
  );
});

test('property: lazily decoded sets answer like decoded ones', () => {
  fc.assert(
    fc.property(setArb, setArb, (a, b) => {
      const lazyA = (): FieldSet => FieldSet.lazy(a.toFieldsV1());
      const lazyB = (): FieldSet => FieldSet.lazy(b.toFieldsV1());
      assert.ok(lazyA().intersection(b).equals(a.intersection(b)));
      assert.ok(a.intersection(lazyB()).equals(a.intersection(b)));
      assert.ok(lazyA().intersection(lazyB()).equals(a.intersection(b)));
      assert.equal(lazyA().isSubsetOf(b), a.isSubsetOf(b));
      assert.equal(lazyA().subsetSize(b), a.subsetSize(b));
      assert.equal(lazyA().subsetSize(a.union(b)), a.size());
      assert.equal(lazyA().size(), a.size());
      assert.equal(lazyA().isEmpty(), a.isEmpty());
      assert.ok(lazyA().equals(a) && a.equals(lazyA()));
      assert.equal(lazyA().toFieldsV1Json(), a.toFieldsV1Json());
      assert.ok(lazyA().difference(b).equals(a.difference(b)));
      assert.deepEqual(lazyA().paths(), a.paths());
    }),
    { numRuns: 300, seed: 20261125 },
  );
});

test('lazy sets over an owned object hand it out once, then copies; a known size is used as is', () => {
  const raw = FieldSet.of([['f:a'], ['f:b', 'f:c']]).toFieldsV1();
  const owned = FieldSet.lazy(raw, { owned: true, size: 2 });
  assert.equal(owned.size(), 2);
  assert.equal(owned.subsetSizeIn(FieldSet.of([['f:a'], ['f:b', 'f:c'], ['f:d']]).toFieldsV1()), 2);
  assert.equal(owned.subsetSizeIn(FieldSet.of([['f:a']]).toFieldsV1()), -1);
  assert.equal(owned.takeFieldsV1(), raw);
  const again = owned.takeFieldsV1();
  assert.notEqual(again, raw);
  assert.deepEqual(again, raw);
  const borrowed = FieldSet.lazy(raw);
  assert.notEqual(borrowed.takeFieldsV1(), raw);
  assert.equal(FieldSet.of([['f:a']]).subsetSizeIn(raw), 1);
});
