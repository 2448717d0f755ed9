/** Bad input: each case must fail with an error naming the file and the reason; nothing partial. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { build, KustomizeError } from './index.js';

const scratch = mkdtempSync(join(tmpdir(), 'lockstep-kustomize-errors-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';

interface Case {
  name: string;
  files: Record<string, string>;
  symlinks?: Record<string, string>;
  build?: string;
  options?: { maxFileBytes?: number };
  /** Text the error must contain (file and reason). */
  expect: RegExp[];
}

const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);

const cases: Case[] = [
  { name: 'invalid YAML', files: { 'kustomization.yaml': 'resources:\n- a.yaml\n', 'a.yaml': 'kind: [unclosed\n' }, expect: [/a\.yaml/, /invalid YAML/] },
  { name: 'unknown field', files: { 'kustomization.yaml': 'resources: []\nfoo: bar\n' }, expect: [/kustomization\.yaml/, /unknown field "foo"/] },
  {
    name: 'resource cycle',
    files: { 'a/kustomization.yaml': 'resources:\n- ../b\n', 'b/kustomization.yaml': 'resources:\n- ../a\n' },
    build: 'a',
    expect: [/cycle detected/, /\/a'/],
  },
  { name: 'missing file', files: { 'kustomization.yaml': 'resources:\n- nothere.yaml\n' }, expect: [/nothere\.yaml/, /no such file/] },
  {
    name: 'path escaping the root',
    files: { 'in/kustomization.yaml': 'resources:\n- ../out.yaml\n', 'out.yaml': CM },
    build: 'in',
    expect: [/out\.yaml/, /security; file .* is not in or below/],
  },
  {
    name: 'symlink escaping the fence',
    files: { 'kustomization.yaml': 'resources:\n- link.yaml\n' },
    symlinks: { 'link.yaml': '/etc/hostname' },
    expect: [/link\.yaml/, /not in or below the build root/],
  },
  { name: 'duplicate ids', files: { 'kustomization.yaml': 'resources:\n- a.yaml\n- b.yaml\n', 'a.yaml': CM, 'b.yaml': CM }, expect: [/b\.yaml/, /already registered id: ConfigMap\.v1\.\[noGrp\]\/a/] },
  {
    name: 'strategic merge patch matching nothing',
    files: { 'kustomization.yaml': 'resources:\n- a.yaml\npatches:\n- patch: |\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: nope\n', 'a.yaml': CM },
    expect: [/kustomization\.yaml/, /no resource matches strategic merge patch/],
  },
  { name: 'alias bomb', files: { 'kustomization.yaml': 'resources:\n- a.yaml\n', 'a.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  ${bomb.join('\n  ')}\n` }, expect: [/a\.yaml/, /alias bomb/] },
  { name: 'file over the size limit', files: { 'kustomization.yaml': 'resources:\n- a.yaml\n', 'a.yaml': CM + '#'.repeat(2000) }, options: { maxFileBytes: 1000 }, expect: [/a\.yaml/, /over the limit of 1000/] },
  { name: 'helm charts refused', files: { 'kustomization.yaml': 'helmCharts:\n- name: x\n' }, expect: [/helmCharts is not allowed/] },
  {
    name: 'remote base refused',
    files: { 'kustomization.yaml': 'resources:\n- https://github.com/x/y//base?ref=v1\n' },
    expect: [/kustomization\.yaml: remote resource 'https:\/\/github\.com\/x\/y\/\/base\?ref=v1' refused: remote bases are not supported/],
  },
  {
    name: 'remote base in a nested kustomization refused',
    files: { 'kustomization.yaml': 'resources:\n- sub\n', 'sub/kustomization.yaml': 'resources:\n- git@github.com:x/y.git\n' },
    expect: [/sub\/kustomization\.yaml: remote resource 'git@github\.com:x\/y\.git' refused/],
  },
  {
    name: 'remote component refused',
    files: { 'kustomization.yaml': 'components:\n- github.com/x/y/components/c?ref=main\n' },
    expect: [/kustomization\.yaml: remote component 'github\.com\/x\/y\/components\/c\?ref=main' refused: remote bases are not supported/],
  },
  { name: 'component of the wrong kind', files: { 'kustomization.yaml': 'components:\n- c\n', 'c/kustomization.yaml': 'resources: []\n' }, expect: [/expected kind 'Component'/] },
];

let n = 0;
for (const c of cases) {
  test(`bad input: ${c.name}`, () => {
    const root = join(scratch, String(n++));
    for (const [f, t] of Object.entries(c.files)) {
      mkdirSync(dirname(join(root, f)), { recursive: true });
      writeFileSync(join(root, f), t);
    }
    for (const [f, target] of Object.entries(c.symlinks ?? {})) symlinkSync(target, join(root, f));
    let result: unknown;
    assert.throws(
      () => {
        result = build(join(root, c.build ?? ''), { fenceRoot: root, ...c.options });
      },
      (err: unknown) => {
        assert.ok(err instanceof KustomizeError || err instanceof Error, 'an Error');
        for (const re of c.expect) assert.match((err as Error).message, re);
        return true;
      },
    );
    assert.equal(result, undefined, 'nothing partial is returned');
  });
}

test('a JSON 6902 patch whose target matches nothing is not an error (as in kustomize)', () => {
  const root = join(scratch, 'nomatch');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'a.yaml'), CM);
  writeFileSync(join(root, 'kustomization.yaml'), 'resources:\n- a.yaml\npatches:\n- target: {kind: Deployment}\n  patch: |\n    - op: add\n      path: /x\n      value: 1\n');
  assert.equal(build(root).objects.length, 1);
});

test("Flux's rule: a directory without kustomization.yaml lists every manifest recursively", () => {
  const root = join(scratch, 'flux');
  const files: Record<string, string> = {
    'a.yaml': CM,
    'sub/b.yml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n',
    'sub/notes.txt': 'ignored',
    'kus/kustomization.yaml': 'resources:\n- c.yaml\nnamePrefix: k-\n',
    'kus/c.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
    'kus/stray.yaml': 'not: a manifest listed by the nested kustomization\n',
  };
  for (const [f, t] of Object.entries(files)) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), t);
  }
  const names = build(root).objects.map((o) => `${String(o.kind)}/${String((o.metadata as { name: string }).name)}`);
  assert.deepEqual(names, ['ConfigMap/a', 'ConfigMap/k-c', 'Secret/b']);
});
