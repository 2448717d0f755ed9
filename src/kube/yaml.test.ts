import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runTool } from '../../test/harness/tools.js';
import type { JsonValue } from './object.js';
import {
  KUSTOMIZE_YAML,
  ManifestError,
  compareYamlKeys,
  emitYaml,
  formatNumber,
  parseJson,
  parseManifests,
  parseYaml,
  parseYamlDocuments,
  stringifyJson,
  stringifyManifests,
} from './yaml.js';

// [YAML scalar as written in a manifest, the JSON value kyaml/kustomize reads]. Checked against the real
// `kubectl kustomize` below as well.
const SCALARS: [string, JsonValue][] = [
  ['on', 'on'],
  ['yes', 'yes'],
  ['y', 'y'],
  ['off', 'off'],
  ['True', true],
  ['FALSE', false],
  ['fAlse', 'fAlse'],
  ['0755', 493],
  ['0o17', 15],
  ['08', 8],
  ['00', 0],
  ['1e3', 1000],
  ['1E3', 1000],
  ['12e03', 12000],
  ['.5', 0.5],
  ['+.5', 0.5],
  ['1.', 1],
  ['2.50', 2.5],
  ['-0.0', 0],
  ['~', null],
  ['null', null],
  ['Null', null],
  ['nULL', 'nULL'],
  ['', null],
  ['0x1F', 31],
  ['-0x1F', -31],
  ['0b101', 5],
  ['+12', 12],
  ['1_000', 1000],
  ['1__0', 10],
  ['0x', '0x'],
  ['1e400', '1e400'],
  ['190:20:30', '190:20:30'],
  ['1:20', '1:20'],
  ['2001-12-14', '2001-12-14T00:00:00Z'],
  ['2001-1-4', '2001-01-04T00:00:00Z'],
  ['2001-12-14t21:59:43.10-05:00', '2001-12-14T21:59:43.1-05:00'],
  ['2001-12-14 21:59:43.10', '2001-12-14T21:59:43.1Z'],
  ['2001-12-14T21:59:43+00:00', '2001-12-14T21:59:43Z'],
  ['2001-12-14T21:59:43.000Z', '2001-12-14T21:59:43Z'],
  ['2001-13-01', '2001-13-01'],
  ['"2001-12-14"', '2001-12-14'],
  ['"1"', '1'],
  ["'on'", 'on'],
  ['!!str 1', '1'],
  ['!!int "12"', 12],
  ['!!float 1', 1],
  ['!foo bar', 'bar'],
  ['!!binary aGVsbG8=', 'hello'],
  ['9007199254740991', 9007199254740991],
  ['-9223372036854775809', -9223372036854775808],
  ['1e20', 1e20],
  ['[1, "1", true, null]', [1, '1', true, null]],
  ['{a: 1}', { a: 1 }],
  ['{a, b: , c: ~}', { a: '', b: '', c: null }],
  ['[a, {b}]', ['a', { b: '' }]],
];

test('scalars are read as kyaml reads them', () => {
  for (const [text, want] of SCALARS) {
    assert.deepEqual(parseYaml(`v: ${text}\n`), { v: want }, text);
  }
});

test('errors: .inf/.nan, non-string and duplicate keys, big integers, bad tags — with source and line', () => {
  const cases: [string, RegExp][] = [
    ['a: 1\nb: .inf\n', /line 2:4: \.inf is not a JSON number/],
    ['a: -.Inf\n', /not a JSON number/],
    ['a: .nan\n', /not a JSON number/],
    ['1: a\n', /mapping key 1 is not a string/],
    ['true: a\n', /mapping key true is not a string/],
    ['~: a\n', /mapping key null is not a string/],
    ['[a]: 1\n', /keys must be strings/],
    ['a: 1\na: 2\n', /line 2:1: mapping key "a" already defined/],
    ['a: 12345678901234567890\n', /does not fit a JSON number exactly/],
    ['a: !!int x\n', /cannot decode "x" as a !!int/],
    ['a: [1\n', /document 1, line/],
    ['a: *nope\n', /line 1/],
  ];
  for (const [text, re] of cases) {
    assert.throws(
      () => parseManifests(text, { source: 'f.yaml' }),
      (e: unknown) => e instanceof ManifestError && e.source === 'f.yaml' && e.documentIndex === 0 && re.test(e.message),
      text,
    );
  }
  assert.deepEqual(parseYaml('a: 12345678901234567890\n', { bigInt: 'string' }), { a: '12345678901234567890' });
  // Large integers a double holds exactly are numbers (kustomize prints the float 8.2392e17 this way).
  assert.deepEqual(parseYaml('a: 823920000000000000\nb: -9223372036854775808\n'), { a: 823920000000000000, b: -9223372036854775808 });
  const e = (() => {
    try {
      parseManifests('a: 1\n---\nb: 2\n---\nc: [1,\n', { source: 'x.yaml' });
    } catch (err) {
      return err;
    }
    return undefined;
  })();
  assert.ok(e instanceof ManifestError);
  assert.equal(e.documentIndex, 2);
  assert.equal(e.code, 'Syntax');
  assert.ok(e.line !== undefined && e.line >= 5, String(e.line));
});

test('documents: empty ones skipped, non-objects rejected by parseManifests but kept by parseYamlDocuments', () => {
  const text = '---\n# only a comment\n---\na: 1\n---\n---\nnull\n---\n- 1\n- 2\n---\nplain\n';
  const docs = parseYamlDocuments(text);
  assert.deepEqual(
    docs.map((d) => [d.index, d.line, d.value]),
    [
      [1, 4, { a: 1 }],
      [4, 9, [1, 2]],
      [5, 12, 'plain'],
    ],
  );
  assert.throws(() => parseManifests(text, { source: 's' }), (err: unknown) => err instanceof ManifestError && err.code === 'NotObject' && err.documentIndex === 4 && err.line === 9);
  assert.deepEqual(parseManifests('a: 1\n---\n\n---\nb: {c: [x]}\n'), [{ a: 1 }, { b: { c: ['x'] } }]);
  assert.deepEqual(parseManifests(''), []);
  assert.equal(parseYaml(''), null);
  assert.throws(() => parseYaml('a: 1\n---\nb: 2\n'), ManifestError);
  // JSON is YAML.
  assert.deepEqual(parseManifests('{"apiVersion": "v1", "kind": "List", "items": []}'), [{ apiVersion: 'v1', kind: 'List', items: [] }]);
});

test('merge keys, anchors, __proto__ keys and long strings', () => {
  assert.deepEqual(parseYaml('a: &a {p: 1, q: 2}\nb:\n  <<: *a\n  q: 3\nc:\n  <<: [{x: 1}, {x: 2, y: 2}]\n'), {
    a: { p: 1, q: 2 },
    b: { q: 3, p: 1 },
    c: { x: 1, y: 2 },
  });
  const withProto = parseYaml('__proto__: {polluted: true}\n') as Record<string, unknown>;
  assert.deepEqual(Object.keys(withProto), ['__proto__']);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.equal(Object.getPrototypeOf(withProto), Object.prototype);
  const long = 'x'.repeat(100_000);
  assert.deepEqual(parseYaml(`a: ${long}\nb: |\n  l1\n  l2\n`), { a: long, b: 'l1\nl2\n' });
  // Aliased values are copies: mutating one does not change the other.
  const v = parseYaml('a: &x {p: [1]}\nb: *x\n') as { a: { p: number[] }; b: { p: number[] } };
  v.a.p.push(2);
  assert.deepEqual(v.b.p, [1]);
});

test('a billion-laughs alias bomb is refused quickly', () => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`${cur}: &${cur} [${Array(9).fill('*' + prev).join(',')}]`);
  }
  const bomb = lines.join('\n') + '\n';
  const t0 = performance.now();
  assert.throws(() => parseManifests(bomb, { source: 'bomb.yaml' }), (e: unknown) => e instanceof ManifestError && e.code === 'Limit' && /alias/.test(e.message));
  assert.ok(performance.now() - t0 < 5000, 'alias bomb took too long');
  // A few honest aliases are fine; 0 forbids them.
  assert.deepEqual(parseYaml('a: &x 1\nb: *x\n'), { a: 1, b: 1 });
  assert.throws(() => parseYaml('a: &x 1\nb: *x\n', { maxAliasCount: 0 }), ManifestError);
});

test('limits: bytes, documents, depth', () => {
  assert.throws(() => parseManifests('a: 1\n', { maxBytes: 3 }), (e: unknown) => e instanceof ManifestError && e.code === 'Limit');
  assert.throws(() => parseManifests('a: 1\n---\nb: 1\n---\nc: 1\n', { maxDocuments: 2 }), (e: unknown) => e instanceof ManifestError && e.code === 'Limit');
  assert.throws(() => parseYaml('['.repeat(600) + ']'.repeat(600)), (e: unknown) => e instanceof ManifestError);
  assert.ok(parseYaml('a: ' + '['.repeat(100) + ']'.repeat(100)));
  // Nesting too deep for the parser's stack is a ManifestError, not a crash.
  assert.throws(() => parseYaml('a: ' + '['.repeat(20_000) + ']'.repeat(20_000)), ManifestError);
});

test('numbers are written as kustomize writes them', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '0'],
    [1, '1'],
    [-1, '-1'],
    [1e6, '1000000'],
    [1000000.5, '1.0000005e+06'],
    [123456.5, '123456.5'],
    [0.1, '0.1'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1e-7, '1e-07'],
    [1.5e20, '1.5e+20'],
    [1e21, '1e+21'],
    [1e23, '1e+23'],
    [2 ** 63, '9223372036854776000'], // Go's JSON writes the shortest digits, then reads it back as uint64
    [-(2 ** 63), '-9.223372036854776e+18'],
    [2 ** 64, '1.8446744073709552e+19'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [123456789.123, '1.23456789123e+08'],
  ];
  for (const [n, want] of cases) assert.equal(formatNumber(n), want, String(n));
  assert.throws(() => formatNumber(NaN));
  assert.throws(() => emitYaml({ a: Infinity }));
});

test('go-yaml key order', () => {
  const keys = ['a9', 'a10', 'B', '_x', 'a-b', 'ab', 'a.b', 'Ab', '10', '9', 'x1y', 'x01y', 'é', 'z'];
  assert.deepEqual([...keys].sort(compareYamlKeys), ['_x', '9', '10', 'Ab', 'B', 'a-b', 'a.b', 'a9', 'a10', 'ab', 'x1y', 'x01y', 'z', 'é']);
});

test('emitter: styles and structure (given key order)', () => {
  const v: JsonValue = {
    kind: 'X',
    s: ['1', 'on', 'plain', 'a: b', '- x', 'x ', 'tab\there', '', 'é', '😀', 'multi\nline\n', 'strip\nme', ' lead\nx\n', "it's"],
    empty: { m: {}, l: [] },
    nested: [[1, 2], { a: null, b: true }],
  };
  assert.equal(
    emitYaml(v),
    [
      'kind: X',
      's:',
      '- "1"',
      '- "on"',
      '- plain',
      "- 'a: b'",
      "- '- x'",
      "- 'x '",
      '- "tab\\there"',
      '- ""',
      '- é',
      '- "\\U0001F600"',
      '- |',
      '  multi',
      '  line',
      '- |-',
      '  strip',
      '  me',
      '- |2',
      '   lead',
      '  x',
      "- it's",
      'empty:',
      '  m: {}',
      '  l: []',
      'nested:',
      '- - 1',
      '  - 2',
      '- a: null',
      '  b: true',
      '',
    ].join('\n'),
  );
  assert.equal(stringifyManifests([{ a: 1 }, { b: 2 }]), 'a: 1\n---\nb: 2\n');
  assert.equal(stringifyManifests([]), '');
  // undefined properties are left out and undefined list items are null, as in JSON.
  const loose = { a: undefined, b: [undefined], c: { d: undefined } } as unknown as JsonValue;
  assert.equal(emitYaml(loose), 'b:\n- null\nc: {}\n');
  assert.equal(emitYaml({ b: 1, a: 2 }, KUSTOMIZE_YAML), 'a: 2\nb: 1\n');
  // libyaml copies U+2028/U+2029 into single-quoted and literal scalars as is and indents after them as after a
  // line break.
  assert.equal(emitYaml({ s: 'a\u2028b' }), "s: 'a\u2028  b'\n");
  assert.equal(emitYaml({ ls: 'a\u2029b\n' }), 'ls: |\n  a\u2029  b\n');
  const longKey = 'k'.repeat(130);
  assert.equal(emitYaml({ [longKey]: 'v' }), `? ${longKey}\n: v\n`);
});

test('JSON helpers', () => {
  assert.deepEqual(parseJson('{"a": [1, "x"]}'), { a: [1, 'x'] });
  assert.throws(() => parseJson('{', { source: 'j.json' }), (e: unknown) => e instanceof ManifestError && e.source === 'j.json' && e.code === 'Syntax');
  assert.throws(() => parseJson('[]', { maxBytes: 1 }), ManifestError);
  assert.equal(stringifyJson({ a: [1] }), '{\n  "a": [\n    1\n  ]\n}\n');
  assert.equal(stringifyJson({ a: 1 }, { indent: 4 }), '{\n    "a": 1\n}\n');
  assert.throws(() => stringifyJson({ a: NaN }), ManifestError);
});

// ---- Differential tests against the real kustomize (kubectl kustomize, kustomize v5.5.0) ----

const WORDS = Array.from({ length: 20 }, (_, i) => `word${i + 1}`).join(' ');

function scalarsConfigMap(): string {
  const lines = SCALARS.filter(([t]) => !t.startsWith('[') && !t.startsWith('{')).map(([t], i) => `  k${i}: ${t}`);
  return ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: scalars', 'data:', ...lines, ''].join('\n');
}

const STYLE_DOCS = `apiVersion: v1
kind: ConfigMap
metadata:
  name: styles
  annotations:
    z-last: "1"
    a-first: x
    long: ${WORDS}
    q: "x: ${WORDS}"
    d: "tab\\t ${WORDS}  ${WORDS}"
    s: " lead ${WORDS}"
    dq: "x  ${WORDS}   word21  word22   word23"
data:
  a9: "1"
  a10: "2"
  B: "3"
  _x: "4"
  "on": on key
  "": empty key
  "key with space": k
  colon: "a: b"
  hash: "a #b"
  hash2: "a#b"
  lead: " x"
  star: "*x"
  amp: "&x"
  bang: "!x"
  pct: "%x"
  at: "@x"
  tick: "\`x"
  dash: "- x"
  dash2: "-x"
  q: "?x"
  q2: "? x"
  brace: "{x"
  comma: "a,b"
  docstart: "--- x"
  dots: "..."
  nl: "a\\nb"
  crlf: "a\\r\\nb"
  trailsp: "a \\nb"
  spacebreak: "a\\n b"
  tab: "a\\tb"
  uni: "日本語 ✓"
  emoji: "😀"
  nbsp: "a\\u00a0b"
  ctrl: "\\x01"
  emptystr: ""
  quote: "it's"
  dquote: 'say "hi"'
  backslash: 'a\\b'
  multi: |
    line1
    line2
  keep: |+
    trailing


  strip: |-
    x
  indent: "  leading\\nsecond\\n"
  folded: >
    a
    b
  longword: ${'x'.repeat(120)}
  list:
  - ${WORDS}
  - - ${WORDS}
  - k: ${WORDS}
    j: |
      a
       b
  nested:
    deeper:
      deepest: ${WORDS}
`;

const STRUCTURE_DOCS = `kind: Deployment
metadata:
  name: web
  labels: {b: "2", a: "1"}
apiVersion: apps/v1
spec:
  replicas: 3
  template:
    spec:
      containers:
      - image: nginx:1.25
        name: web
        args: ["--a=1", "--b", "x y"]
        env: []
        resources: {limits: {cpu: 500m, memory: 1Gi}, requests: {cpu: 0.5}}
        ports: [{containerPort: 80, protocol: TCP}]
        command:
          - sh
          - -c
          - |
            echo hi
            echo there
  floats: [0.1, 1.5e20, 1e21, 1e-7, 123456789.123, 3.0, -2.5, 1e+3, 100000000000000000000000, 1e6, 1000000.5]
  nested: [[1, 2], [], {}, [[a]]]
  flowEmpty: {e: 1, f, g: , h: ~}
  flowInSeq: [a, {l}, {m: }]
  blockEmpty:
    ? i
    j:
  anchors:
    a: &x {p: 1}
    b: *x
    c:
      <<: *x
      q: 2
---
apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - port: 80
    targetPort: http
`;

// Strings whose style go-yaml decides by indicators, resolution, breaks and width. Left out: U+0085 (kustomize's
// JSON→YAML round trip folds it into a space, changing the value) and U+2029 inside a multi-line string (written
// identically, but YAML 1.2 readers, ours included, do not read it back as a line break as go-yaml does).
const EDGE_STRINGS = [
  '0o17', '1_000', '+12', '.5', '08', '1e400', '-', '---', '- ', 'key:', ': x', '#x', 'a #', 'x:y', 'null', '~', 'Yes',
  '0x', '-.inf', '.NaN', '<<', '=', '\u2028', 'x\n', '\n', '\n\n', ' ', 'a  b', '1.0.0', 'v1.2', '0.0.0.0/0', '*', "a'b",
  "'", '"', '\\\\', 'a\tb\nc', 'end\n  ', 'true\nfalse', 'x\r', 'y'.repeat(90) + ' z', 'y'.repeat(78) + ' a b c', '|', '>x',
  '@', '%', '!important', 'a,b[c]', '{{ .Values }}', 'a\u00a0 b', 'é'.repeat(85) + ' x y', 'x '.repeat(50) + ' z', '\ufeff',
  '--- x\ny\n', '  two\n', '\ttab\n',
];

function edgeDoc(): string {
  const k = 'k'.repeat(130);
  const lines = ['apiVersion: example.com/v1', 'kind: Edge', 'metadata:', '  name: edge', 'spec:'];
  EDGE_STRINGS.forEach((v, i) => lines.push(`  s${i}: ${JSON.stringify(v)}`));
  lines.push(
    `  ${k}: v`, `  ${k}2: |`, '    multi', '    line', `  ${k}3:`, '    nested: map', '    n2: 1', `  ${k}4: ${'w '.repeat(60)}end`,
    `  ${k}5:`, '  - a', '  - b: 1', '    c: 2', `  ${k}6: []`, `  ${'é'.repeat(70)}: x`, '  list:', `  - ${k}: 1`, '    other: 2',
    `  - - ${k}: [1]`, '  last: |+', '    keep', '',
  );
  return lines.join('\n') + '\n';
}

function splitDocs(text: string): string[] {
  return text.split(/^---\n/m);
}

function nameOf(docText: string): string {
  const m = /^ {2}name: (\S+)$/m.exec(docText);
  return m?.[1] ?? '';
}

test('differential: kustomize reads and writes manifests exactly as we do', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'yaml-oracle-'));
  try {
    const files = { 'scalars.yaml': scalarsConfigMap(), 'styles.yaml': STYLE_DOCS, 'structure.yaml': STRUCTURE_DOCS, 'edge.yaml': edgeDoc() };
    for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, f), t);
    writeFileSync(join(dir, 'kustomization.yaml'), `resources:\n${Object.keys(files).map((f) => `- ${f}`).join('\n')}\n`);
    const r = await runTool('kubectl', ['kustomize', dir]);
    assert.equal(r.code, 0, r.stderr);
    const oracleDocs = new Map(splitDocs(r.stdout).map((d) => [nameOf(d), d]));
    const ours = Object.entries(files).flatMap(([f, t]) => parseManifests(t, { source: f }));
    assert.equal(ours.length, oracleDocs.size);
    for (const obj of ours) {
      const name = (obj['metadata'] as { name: string }).name;
      const expected = oracleDocs.get(name);
      assert.ok(expected, `kustomize output lacks ${name}`);
      // Byte-identical output…
      assert.equal(emitYaml(obj, KUSTOMIZE_YAML), expected, `output of ${name}`);
      // …and reading kustomize's output gives the same JSON.
      assert.deepEqual(parseManifests(expected)[0], obj, `reading ${name}`);
    }
    // The scalar table's expectations are what kustomize produced.
    const cm = parseManifests(oracleDocs.get('scalars') ?? '')[0] as { data: Record<string, JsonValue> };
    SCALARS.filter(([t]) => !t.startsWith('[') && !t.startsWith('{')).forEach(([t, want], i) => assert.deepEqual(cm.data[`k${i}`], want, t));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A small deterministic generator (LCG) so the random differential test is reproducible. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

test('differential: kustomize writes random strings, keys and numbers byte-identically to us, and we read them back', async () => {
  const rnd = lcg(20261125);
  const pieces = [
    'a', 'x', ' ', '  ', ':', ': ', '#', ' #', '-', '- ', '?', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`',
    '\n', '\n\n', '\t', '0', '1', '.', 'e', '+', '_', 'é', '日', '😀', 'true', 'null', 'on', 'yes', '~', '0x', '1e', '---', '...', '\r',
    'word ', 'longerword ', '\\', '/', '=', '<<', '\u00a0',
  ];
  const strings: string[] = [];
  for (let i = 0; i < 400; i++) {
    const n = 1 + Math.floor(rnd() * (rnd() < 0.2 ? 40 : 6));
    let str = '';
    for (let j = 0; j < n; j++) str += pieces[Math.floor(rnd() * pieces.length)];
    strings.push(str);
  }
  const spec: Record<string, JsonValue> = {};
  strings.forEach((str, i) => {
    spec[`s${i}`] = str;
    spec[`k${i}-${str.replace(/\n/g, '')}`.slice(0, 150)] = i;
  });
  for (let i = 0; i < 100; i++) {
    spec[`f${i}`] = ((rnd() < 0.5 ? -1 : 1) * Math.round(rnd() * 1e6) / 1e3) * 10 ** (Math.floor(rnd() * 60) - 30);
    spec[`i${i}`] = (Math.floor(rnd() * 1e9) * (rnd() < 0.3 ? 1e6 : 1)) % 9e15;
  }
  const obj: JsonValue = { apiVersion: 'example.com/v1', kind: 'Fuzz', metadata: { name: 'fuzz' }, spec, list: strings };
  const dir = mkdtempSync(join(tmpdir(), 'yaml-fuzz-'));
  try {
    writeFileSync(join(dir, 'f.json'), JSON.stringify(obj).replace(/\u00a0/g, '\\u00a0'));
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n- f.json\n');
    const r = await runTool('kubectl', ['kustomize', dir]);
    assert.equal(r.code, 0, r.stderr);
    const ours = emitYaml(obj, KUSTOMIZE_YAML);
    // Reading kustomize's output back gives our values. (No U+2028 here: go-yaml reads it as a line break,
    // YAML 1.2 readers do not; see the edge cases above.)
    const back = parseManifests(r.stdout)[0] as { spec: Record<string, JsonValue> };
    for (const [k, v] of Object.entries(spec)) assert.deepEqual(back.spec[k], v, k);
    if (ours !== r.stdout) {
      const a = ours.split('\n');
      const b = r.stdout.split('\n');
      const i = a.findIndex((line, k) => line !== b[k]);
      assert.fail(`line ${i + 1} differs: ours ${JSON.stringify(a[i])}, kustomize ${JSON.stringify(b[i])}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
