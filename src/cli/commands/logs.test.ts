import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCapture } from '../output/testing.js';
import { formatLogLine } from './logs.js';

const line = (o: object): string => JSON.stringify(o);
const now = new Date().toISOString();
const lines = [
  line({ level: 'info', time: '2026-11-25T10:00:00.000Z', controller: 'kustomize-controller', kind: 'Kustomization', namespace: 'flux-system', name: 'apps', revision: 'main@sha1:abc', msg: 'reconciliation finished' }),
  line({ level: 'error', time: '2026-11-25T10:00:01.000Z', controller: 'kustomize-controller', kind: 'Kustomization', namespace: 'flux-system', name: 'infra', error: { message: 'build failed', type: 'Error' }, msg: 'reconcile failed' }),
  'not json at all',
  line({ level: 'info', time: now, controller: 'source-controller', kind: 'GitRepository', namespace: 'apps', name: 'repo', msg: 'stored artifact' }),
  line({ level: 'debug', time: now, controller: 'manager', msg: 'leader elected' }),
];

test('formatLogLine formats and filters like flux logs', () => {
  assert.equal(formatLogLine(lines[0] ?? '', {}), '2026-11-25T10:00:00.000Z info Kustomization/apps.flux-system - reconciliation finished revision=main@sha1:abc');
  assert.equal(formatLogLine(lines[1] ?? '', { level: 'warn' }), '2026-11-25T10:00:01.000Z error Kustomization/infra.flux-system - reconcile failed error="build failed"');
  assert.equal(formatLogLine(lines[0] ?? '', { level: 'warn' }), undefined);
  assert.equal(formatLogLine(lines[2] ?? '', {}), undefined);
  assert.equal(formatLogLine(lines[3] ?? '', { namespace: 'flux-system' }), undefined);
  assert.equal(formatLogLine(lines[3] ?? '', { kind: 'gitrepository', name: 'repo' })?.endsWith('GitRepository/repo.apps - stored artifact'), true);
  assert.equal(formatLogLine(line({ level: 30, time: 0, msg: 'x' }), {}), '1970-01-01T00:00:00.000Z info - - x');
});

test('lockstep logs reads the log file, filters, tails and follows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-logs-'));
  try {
    mkdirSync(join(dir, '.lockstep', 'logs'), { recursive: true });
    const file = join(dir, '.lockstep', 'logs', 'controllers.log');
    writeFileSync(file, lines.join('\n') + '\n');
    let r = await runCapture(['logs'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n').map((l) => l.split(' ')[2]), ['Kustomization/apps.flux-system', 'Kustomization/infra.flux-system']);
    r = await runCapture(['logs', '-A', '--since', '1h', '--level', 'debug'], { cwd: dir });
    assert.deepEqual(r.stdout.trimEnd().split('\n').map((l) => l.split(' ')[2]), ['GitRepository/repo.apps', 'manager']);
    r = await runCapture(['logs', '-A', '--tail', '1', '--kind', 'Kustomization'], { cwd: dir });
    assert.match(r.stdout, /^\S+ error Kustomization\/infra.flux-system - reconcile failed error="build failed"\n$/);
    r = await runCapture(['logs', '--level', 'loud'], { cwd: dir });
    assert.equal(r.code, 2);
    r = await runCapture(['logs', '--log-file', join(dir, 'none.log')], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no log file at .*none\.log: run "lockstep up"/);

    const follow = runCapture(['logs', '-f', '--timeout', '2s', '--name', 'late'], { cwd: dir });
    await new Promise((res) => setTimeout(res, 600));
    appendFileSync(file, line({ level: 'info', time: now, kind: 'Kustomization', namespace: 'flux-system', name: 'late', msg: 'appended' }) + '\n');
    r = await follow;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Kustomization\/late.flux-system - appended\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
