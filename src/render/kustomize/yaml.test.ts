/** The engine's YAML boundary (on src/kube/yaml): kustomize's printing and reading on tables of scalars and keys. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareYamlKeys as compareKeys, formatNumber } from '../../kube/yaml.js';
import { emitDocument, ParseCache, parseYamlDocuments, resolvePlain } from './yaml.js';

const SCALARS: [unknown, string][] = [
  ['plain', 'plain'],
  ['yes', '"yes"'],
  ['123', '"123"'],
  ['0x1F', '"0x1F"'],
  ['1e3', '"1e3"'],
  ['2001-12-14', '"2001-12-14"'],
  ['2001-13-14', '2001-13-14'],
  ['1:20', '"1:20"'],
  ['', '""'],
  ['a: b', "'a: b'"],
  ['- a', "'- a'"],
  ["it's", "it's"],
  ["'q'", "'''q'''"],
  ['#x', "'#x'"],
  ['a #b', "'a #b'"],
  ['trail ', "'trail '"],
  ['tab\there', '"tab\\there"'],
  ['emoji 😀', '"emoji \\U0001F600"'],
  ['é', 'é'],
  ['multi\nline\n', '|\n  multi\n  line'],
  ['no\nnewline', '|-\n  no\n  newline'],
  ['keep\n\n', '|+\n  keep\n'],
  [' lead\n', '|2\n   lead'],
  ['sp \nbr', '"sp \\nbr"'],
  [1.5, '1.5'],
  [1234567.5, '1.2345675e+06'],
  [0.00001, '1e-05'],
  [1e21, '1e+21'],
  [10, '10'],
  [true, 'true'],
  [null, 'null'],
];

for (const [value, text] of SCALARS) {
  test(`emit scalar ${JSON.stringify(value)}`, () => {
    assert.equal(emitDocument({ k: value } as never), `k: ${text}\n`);
  });
}

test('long plain strings fold at the first space past column 80, continuation indented by 2 (as kubectl prints)', () => {
  const long = Array(20).fill('word').join(' ');
  const out = emitDocument({ a: { b: long } });
  assert.equal(out, `a:\n  b: ${Array(16).fill('word').join(' ')}\n    ${Array(4).fill('word').join(' ')}\n`);
});

test('sequences are not indented under their key; nested collections', () => {
  assert.equal(emitDocument({ l: [1, { a: 1, b: [] }, [2, 3]], m: {} }), 'l:\n- 1\n- a: 1\n  b: []\n- - 2\n  - 3\nm: {}\n');
});

test("go-yaml's key order: non-letters first, digit runs numerically", () => {
  const keys = ['aZ', 'a10', 'a9', '_x', 'A', 'a-b', 'a_b', '.x', 'Ab'];
  assert.deepEqual([...keys].sort(compareKeys), ['.x', '_x', 'A', 'Ab', 'a-b', 'a_b', 'a9', 'a10', 'aZ']);
  assert.equal(emitDocument({ y: 1 }), '"y": 1\n');
});

test('numbers: Go %g shortest formatting', () => {
  assert.equal(formatNumber(-0), '0');
  assert.equal(formatNumber(0.0001), '0.0001');
  assert.equal(formatNumber(123456.5), '123456.5');
});

test('plain scalars resolve as go-yaml v3 does', () => {
  assert.equal(resolvePlain('012'), 10);
  assert.equal(resolvePlain('0o17'), 15);
  assert.equal(resolvePlain('1_000'), 1000);
  assert.equal(resolvePlain('0x1F'), 31);
  assert.equal(resolvePlain('yes'), 'yes');
  assert.equal(resolvePlain('True'), true);
  assert.equal(resolvePlain('~'), null);
  assert.equal(resolvePlain('2001-12-14'), '2001-12-14');
  assert.equal(resolvePlain('1.50'), 1.5);
});

test('annotations keep their source text; empty documents are skipped; merge keys apply', () => {
  const docs = parseYamlDocuments('---\n---\nmetadata:\n  annotations:\n    a: 1.0\n    b: ~\nspec:\n  base: &b {x: 1, y: 2}\n  m:\n    <<: *b\n    y: 3\n', { file: 't' });
  assert.deepEqual(docs, [{ metadata: { annotations: { a: '1.0', b: '~' } }, spec: { base: { x: 1, y: 2 }, m: { x: 1, y: 3 } } }]);
});

test('duplicate keys are an error naming the file', () => {
  assert.throws(() => parseYamlDocuments('a: 1\na: 2\n', { file: 'dup.yaml' }), /dup\.yaml: invalid YAML: .*already defined/);
});

test('timestamps: RFC 3339 text in resources, as written with timestampsAsText; annotations keep their text', () => {
  const text = 'metadata:\n  annotations:\n    a: 2001-12-14\nd: 2001-12-14\nz: 2001-12-14T21:59:43.10-05:00\nq: "2001-12-14"\nbad: 2001-13-14\n';
  assert.deepEqual(parseYamlDocuments(text, { file: 't' }), [
    { metadata: { annotations: { a: '2001-12-14' } }, d: '2001-12-14T00:00:00Z', z: '2001-12-14T21:59:43.1-05:00', q: '2001-12-14', bad: '2001-13-14' },
  ]);
  assert.deepEqual(parseYamlDocuments(text, { file: 't', timestampsAsText: true, annotationsAsText: false }), [
    { metadata: { annotations: { a: '2001-12-14' } }, d: '2001-12-14', z: '2001-12-14T21:59:43.10-05:00', q: '2001-12-14', bad: '2001-13-14' },
  ]);
});

test('only the top-level metadata.annotations keeps source text', () => {
  const docs = parseYamlDocuments('metadata:\n  annotations: {a: 0x10, b: 1.0}\n  labels: {c: 0x10}\nspec:\n  metadata:\n    annotations: {a: 0x10}\n', { file: 't' });
  assert.deepEqual(docs, [{ metadata: { annotations: { a: '0x10', b: '1.0' }, labels: { c: 16 } }, spec: { metadata: { annotations: { a: 16 } } } }]);
});

test('parse cache: a hit is an equal, separate copy; options are part of the key; size-bounded', () => {
  const cache = new ParseCache(1024, 2);
  const text = 'metadata:\n  annotations: {a: 0x10}\nd: 2001-12-14\n';
  const first = cache.parse(text, { file: 't' });
  (first[0] as { d: string }).d = 'mutated';
  const second = cache.parse(text, { file: 't' });
  assert.deepEqual(second, [{ metadata: { annotations: { a: '0x10' } }, d: '2001-12-14T00:00:00Z' }]);
  assert.notEqual(second[0], first[0]);
  assert.deepEqual(cache.parse(text, { file: 't', annotationsAsText: false, timestampsAsText: true }), [{ metadata: { annotations: { a: 16 } }, d: '2001-12-14' }]);
  // Over the bound: still parsed correctly, older entries dropped.
  for (let i = 0; i < 5; i++) assert.deepEqual(cache.parse(`a: ${i}\n`, { file: 't' }), [{ a: i }]);
  assert.throws(() => cache.parse('a: [\n', { file: 'bad.yaml' }), /bad\.yaml: invalid YAML/);
});
