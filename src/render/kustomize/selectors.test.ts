/**
 * Label and annotation selectors of patch and replacement targets, as a table, against the real
 * `kubectl kustomize` (v5.5.0): every form selects the same resources, and every bad selector fails both.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runTool } from '../../../test/harness/tools.js';
import { isJsonObject } from '../../kube/object.js';
import { build } from './build.js';
import { KustomizeError } from './errors.js';
import { parseYamlDocuments } from './yaml.js';

const RESOURCES = `apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  labels: {app: web, tier: front, example.com/team: a, num: "5"}
  annotations: {team: a, note: hello world, path: x/y}
data: {}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  labels: {app: api, empty: "", num: "12"}
data: {}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  labels: {n: 1, t: true, z: null, e: }
  annotations: {team: b}
data: {}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: d
data: {}
`;

/** Selector, field, and the resources it selects (checked on the engine, and against the oracle byte for byte). */
const SELECTS: { sel: string; field?: 'annotationSelector'; hits: string }[] = [
  { sel: 'app=web', hits: 'a' },
  { sel: 'app==web', hits: 'a' },
  { sel: 'app = web', hits: 'a' },
  { sel: 'app!=web', hits: 'b c d' },
  { sel: 'app', hits: 'a b' },
  { sel: '!app', hits: 'c d' },
  { sel: 'app in (web,api)', hits: 'a b' },
  { sel: 'app in (api)', hits: 'b' },
  { sel: 'app notin (web)', hits: 'b c d' },
  { sel: 'app notin ()', hits: 'a b c d' },
  { sel: 'app in ()', hits: '' },
  { sel: 'empty in ()', hits: 'b' },
  { sel: 'empty in (,x)', hits: 'b' },
  { sel: 'app in (web,)', hits: 'a' },
  { sel: 'empty=', hits: 'b' },
  { sel: 'app=', hits: '' },
  { sel: 'tier in (front),app,!skip', hits: 'a' },
  { sel: 'example.com/team=a', hits: 'a' },
  { sel: 'num>6', hits: 'b' },
  { sel: 'num<6', hits: 'a' },
  { sel: 'n=1,t=true', hits: 'c' },
  { sel: 'z=null', hits: 'c' },
  { sel: 'e=', hits: 'c' },
  { sel: 'team=a', field: 'annotationSelector', hits: 'a' },
  { sel: 'team in (a,b)', field: 'annotationSelector', hits: 'a c' },
  { sel: '!team', field: 'annotationSelector', hits: 'b d' },
  { sel: 'note,path', field: 'annotationSelector', hits: 'a' },
];

/** Selectors kustomize refuses (apimachinery's labels.Parse); the engine must refuse each too. */
const BAD = [
  'app=web c',
  'app=a=b',
  'app=-x',
  'app=w*',
  `app=${'v'.repeat(64)}`,
  'Example.com/team=a',
  '-bad',
  'a/b/c',
  'app in web',
  'app in (web',
  'app=web,',
  ',app=web',
  '!app=web',
  'app gt 3',
  'num>x',
  'num>-1',
  'num>+4',
  'app=(x',
];

function withTree<T>(files: Record<string, string>, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-kz-selectors-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

function patchEntry(target: string, key: string): string {
  return `- target:\n${target}  patch: |\n    - op: add\n      path: /data/${key}\n      value: hit\n`;
}

/** Which resources got which data keys, as `key: names`. */
function hitsOf(yaml: string): Map<string, string[]> {
  const hits = new Map<string, string[]>();
  for (const doc of parseYamlDocuments(yaml, { file: 'out' })) {
    if (!isJsonObject(doc) || !isJsonObject(doc.data) || !isJsonObject(doc.metadata)) continue;
    for (const key of Object.keys(doc.data)) hits.set(key, [...(hits.get(key) ?? []), String(doc.metadata.name)]);
  }
  return hits;
}

test(`selectors: ${SELECTS.length} label/annotation selector forms in patch targets select as kubectl kustomize`, async () => {
  const patches = SELECTS.map((c, i) => patchEntry(`    ${c.field ?? 'labelSelector'}: ${JSON.stringify(c.sel)}\n`, `s${i}`)).join('');
  await withTree({ 'r.yaml': RESOURCES, 'kustomization.yaml': `resources:\n- r.yaml\npatches:\n${patches}` }, async (dir) => {
    const mine = build(dir, { fenceRoot: dir }).yaml;
    const hits = hitsOf(mine);
    const wrong = SELECTS.map((c, i) => ({ ...c, got: (hits.get(`s${i}`) ?? []).sort().join(' ') })).filter((c) => c.got !== c.hits);
    assert.deepEqual(wrong, [], 'engine selections');
    const ref = await runTool('kubectl', ['kustomize', dir]);
    assert.equal(ref.code, 0, ref.stderr);
    assert.equal(mine, ref.stdout);
  });
});

test(`selectors: ${BAD.length} bad selectors fail the engine (KustomizeError naming kustomization.yaml) and kubectl kustomize`, async () => {
  const unexpected: string[] = [];
  for (const sel of BAD) {
    const kustomization = `resources:\n- r.yaml\npatches:\n${patchEntry(`    labelSelector: ${JSON.stringify(sel)}\n`, 'x')}`;
    await withTree({ 'r.yaml': RESOURCES, 'kustomization.yaml': kustomization }, async (dir) => {
      const ref = await runTool('kubectl', ['kustomize', dir]);
      if (ref.code === 0) unexpected.push(`${sel}: kustomize accepted it`);
      try {
        build(dir, { fenceRoot: dir });
        unexpected.push(`${sel}: the engine accepted it`);
      } catch (err) {
        const ok = err instanceof KustomizeError && (err.file ?? '').endsWith('kustomization.yaml') && err.message.includes(sel);
        if (!ok) unexpected.push(`${sel}: ${String(err)}`);
      }
    });
  }
  assert.deepEqual(unexpected, []);
});

test('selectors: parsed only when a resource reaches them, as kustomize (ids, then labels, then annotations)', async () => {
  const cases: { target: string; fails: boolean }[] = [
    { target: '    kind: Deployment\n    labelSelector: "a b"\n', fails: false },
    { target: '    labelSelector: app=nope\n    annotationSelector: "x y"\n', fails: false },
    { target: '    labelSelector: app=web\n    annotationSelector: "x y"\n', fails: true },
  ];
  for (const c of cases) {
    await withTree({ 'r.yaml': RESOURCES, 'kustomization.yaml': `resources:\n- r.yaml\npatches:\n${patchEntry(c.target, 'x')}` }, async (dir) => {
      const ref = await runTool('kubectl', ['kustomize', dir]);
      assert.equal(ref.code !== 0, c.fails, `kustomize on ${c.target}: ${ref.stderr}`);
      if (c.fails) assert.throws(() => build(dir, { fenceRoot: dir }), KustomizeError, c.target);
      else assert.equal(build(dir, { fenceRoot: dir }).yaml, ref.stdout, c.target);
    });
  }
});

test('selectors: replacement targets select and reject by label and annotation selectors as kubectl kustomize', async () => {
  const replacement = (select: string, reject: string): string =>
    `replacements:\n- source:\n    kind: ConfigMap\n    name: d\n    fieldPath: metadata.name\n  targets:\n  - select:\n${select}` +
    `    reject:\n${reject}    fieldPaths:\n    - data.from-d\n    options:\n      create: true\n`;
  const cases: { name: string; select: string; reject: string; fails: boolean }[] = [
    { name: 'label select, annotation reject', select: '      labelSelector: app\n', reject: '    - annotationSelector: team=a\n', fails: false },
    { name: 'set-based select', select: '      labelSelector: num notin (5),!t\n', reject: '    - kind: Secret\n', fails: false },
    // kustomize parses both selectors of a replacement target for every resource: a bad annotation selector
    // fails even where the label selector does not match.
    { name: 'bad annotation selector', select: '      labelSelector: app=none\n      annotationSelector: "x y"\n', reject: '    - kind: Secret\n', fails: true },
  ];
  for (const c of cases) {
    await withTree({ 'r.yaml': RESOURCES, 'kustomization.yaml': `resources:\n- r.yaml\n${replacement(c.select, c.reject)}` }, async (dir) => {
      const ref = await runTool('kubectl', ['kustomize', dir]);
      assert.equal(ref.code !== 0, c.fails, `kustomize, ${c.name}: ${ref.stderr}`);
      if (c.fails) {
        assert.throws(() => build(dir, { fenceRoot: dir }), KustomizeError, c.name);
        return;
      }
      const mine = build(dir, { fenceRoot: dir }).yaml;
      assert.equal(mine, ref.stdout, c.name);
      assert.ok((hitsOf(mine).get('from-d') ?? []).length > 0, `${c.name} selects something`);
    });
  }
});
