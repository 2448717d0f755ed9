import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration } from './age.js';
import { formatTable } from './table.js';
import { resolvesAsNonString, toFluxYaml } from './yaml.js';
import { attemptState, readyState } from './wait.js';
import type { KubeObject } from '../../kube/object.js';

test('humanDuration matches kubectl ages', () => {
  const s = 1000;
  const cases: [number, string][] = [
    [-5 * s, '0s'], [0, '0s'], [59 * s, '59s'], [119 * s, '119s'], [120 * s, '2m'], [185 * s, '3m5s'], [10 * 60 * s, '10m'],
    [179 * 60 * s, '179m'], [3 * 3600 * s, '3h'], [(3 * 60 + 7) * 60 * s, '3h7m'], [8 * 3600 * s, '8h'], [47 * 3600 * s, '47h'],
    [49 * 3600 * s, '2d1h'], [10 * 86400 * s, '10d'], [800 * 86400 * s, '2y70d'], [3000 * 86400 * s, '8y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, String(ms));
});

test('formatTable pads columns, separates with tabs, upper-cases the header', () => {
  assert.equal(formatTable(['Name', 'Ready'], [['a', 'True'], ['longer-name', 'False']]), 'NAME       \tREADY\na          \tTrue\nlonger-name\tFalse\n');
  assert.equal(formatTable(['Name', 'Message'], [['x', 'line one\nline two']], { noHeader: true }), 'x\tline one line two\n');
  assert.equal(formatTable(['A'], []), 'A\n');
});

test('YAML quoting follows go-yaml v2: YAML 1.1 look-alikes double-quoted, indicators single-quoted', () => {
  const cases: [string, string][] = [
    ['true', '"true"'], ['yes', '"yes"'], ['off', '"off"'], ['9797', '"9797"'], ['1.5', '"1.5"'], ['0x1F', '"0x1F"'], ['', '""'],
    ['null', '"null"'], ['2026-11-25T10:51:35.926000006Z', '"2026-11-25T10:51:35.926000006Z"'], ['#34577c', "'#34577c'"],
    ['>=3.2.0 <3.3.0', "'>=3.2.0 <3.3.0'"], ['*', "'*'"], ['main@sha1:abc', 'main@sha1:abc'], ['./apps', './apps'], ['1m0s', '1m0s'],
  ];
  for (const [value, want] of cases) assert.equal(toFluxYaml({ v: value }), `---\nv: ${want}\n`, value);
  assert.equal(resolvesAsNonString('podinfo'), false);
  assert.equal(toFluxYaml({ b: [{ y: 1, x: 'a' }], a: 'multi\nline' }), '---\na: |-\n  multi\n  line\nb:\n- x: a\n  "y": 1\n');
});

test('readyState reads conditions as kstatus does', () => {
  const obj = (conditions: object[], extra: object = {}): KubeObject => ({ apiVersion: 'x/v1', kind: 'K', metadata: { name: 'n', generation: 2 }, status: { observedGeneration: 2, conditions, ...extra } }) as unknown as KubeObject;
  const cases: [KubeObject, string, string][] = [
    [obj([{ type: 'Ready', status: 'True', message: 'ok' }]), 'ready', 'ok'],
    [obj([{ type: 'Ready', status: 'False', message: 'bad' }]), 'failed', 'bad'],
    [obj([{ type: 'Ready', status: 'Unknown', message: 'working' }]), 'progressing', 'working'],
    [obj([{ type: 'Ready', status: 'False', message: 'x' }, { type: 'Reconciling', status: 'True', message: 'Building manifests' }]), 'progressing', 'Building manifests'],
    [obj([{ type: 'Ready', status: 'False', message: 'x' }, { type: 'Stalled', status: 'True', message: 'invalid spec' }]), 'failed', 'invalid spec'],
    [obj([{ type: 'Ready', status: 'True', message: 'old' }], { observedGeneration: 1 }), 'progressing', 'old'],
    [obj([]), 'progressing', 'waiting to be reconciled'],
  ];
  for (const [o, state, message] of cases) assert.deepEqual([readyState(o).state, readyState(o).message], [state, message]);
});

test('spinner animates on a TTY and clears its line; elsewhere prints one waiting line', async () => {
  const { PassThrough } = await import('node:stream');
  const { Spinner } = await import('./spinner.js');
  const tty = Object.assign(new PassThrough(), { isTTY: true });
  let out = '';
  tty.on('data', (d: Buffer) => (out += d.toString()));
  const sp = new Spinner(tty, 'waiting for Kustomization reconciliation', {});
  await new Promise((r) => setTimeout(r, 250));
  sp.update('waiting for Kustomization reconciliation: Building manifests');
  await new Promise((r) => setTimeout(r, 150));
  sp.stop();
  const frames = out.split('\r\x1b[2K').filter(Boolean);
  assert.ok(frames.length >= 3, out);
  assert.match(frames[0] ?? '', /^⠋ waiting for Kustomization reconciliation \(0s\)$/);
  assert.ok(frames.some((f) => f.includes('Building manifests')));
  assert.ok(out.endsWith('\r\x1b[2K'));
  const pipe = new PassThrough();
  let plain = '';
  pipe.on('data', (d: Buffer) => (plain += d.toString()));
  new Spinner(pipe, 'waiting for GitRepository reconciliation', {}).stop();
  assert.equal(plain, '◎ waiting for GitRepository reconciliation\n');
});

test('diff colouring: headers bold, hunks cyan, removals red, additions green', async () => {
  const { colourDiff } = await import('../commands/diff.js');
  const { palette } = await import('./colour.js');
  const text = '--- a (live)\n+++ a (merged)\n@@ -1 +1 @@\n-x: 1\n+x: 2\n same';
  assert.equal(colourDiff(text, palette(false)), text);
  assert.equal(colourDiff(text, palette(true)), '\x1b[1m--- a (live)\x1b[0m\n\x1b[1m+++ a (merged)\x1b[0m\n\x1b[36m@@ -1 +1 @@\x1b[0m\n\x1b[31m-x: 1\x1b[0m\n\x1b[32m+x: 2\x1b[0m\n same');
});

test('attemptState: a retrying failure of the current generation is failed; an attempt running now or an older generation is not', () => {
  const o = (gen: number, observed: number, conditions: { type: string; status: string; reason: string; message?: string }[]): KubeObject =>
    ({ apiVersion: 'x/v1', kind: 'GitRepository', metadata: { name: 'a', generation: gen }, status: { observedGeneration: observed, conditions } }) as unknown as KubeObject;
  const cases: { name: string; obj: KubeObject; want: string }[] = [
    { name: 'fetch failed, retrying', obj: o(1, 1, [{ type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry' }, { type: 'FetchFailed', status: 'True', reason: 'AuthenticationFailed', message: 'auth' }, { type: 'Ready', status: 'False', reason: 'AuthenticationFailed' }]), want: 'failed' },
    { name: 'ready false, retrying', obj: o(2, 2, [{ type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry' }, { type: 'Ready', status: 'False', reason: 'BuildFailed' }]), want: 'failed' },
    { name: 'attempt running now', obj: o(2, 2, [{ type: 'Reconciling', status: 'True', reason: 'Progressing' }, { type: 'Ready', status: 'False', reason: 'BuildFailed' }]), want: 'progressing' },
    { name: 'failure of an older generation', obj: o(3, 2, [{ type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry' }, { type: 'FetchFailed', status: 'True', reason: 'GitOperationFailed' }]), want: 'progressing' },
    { name: 'ready', obj: o(1, 1, [{ type: 'Ready', status: 'True', reason: 'Succeeded' }]), want: 'ready' },
  ];
  for (const c of cases) assert.equal(attemptState(c.obj).state, c.want, c.name);
  // Just created: a failure counts although the controller left observedGeneration behind.
  const fresh = o(1, -1, [{ type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry' }, { type: 'FetchFailed', status: 'True', reason: 'AuthenticationFailed' }]);
  assert.equal(attemptState(fresh).state, 'progressing');
  assert.equal(attemptState(fresh, { created: true }).state, 'failed');
});
