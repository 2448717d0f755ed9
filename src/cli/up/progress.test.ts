import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../kube/object.js';
import { LiveTable, PlainLines, type ProgressRow, pendingRequests, progressTable, rowOf, shortRevision, verdictOf } from './progress.js';

const sha = '0123456789abcdef0123456789abcdef01234567';

function obj(kind: 'GitRepository' | 'Kustomization', name: string, conditions: { type: string; status: string; reason?: string; message?: string }[], status: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'x/v1', kind, metadata: { name, namespace: 'flux-system', generation: 1 }, status: { observedGeneration: 1, conditions, ...status } } as unknown as KubeObject;
}
const ready = (msg = 'ok') => [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: msg }];
const row = (kind: ProgressRow['kind'], name: string, state: ProgressRow['state'], reason = ''): ProgressRow => ({ kind, namespace: 'flux-system', name, state, reason, message: reason, revision: '', handled: '' });

test('rowOf: revision, failures hidden behind Reconciling=True', () => {
  const cases: { name: string; o: KubeObject; state: ProgressRow['state']; reason?: string; revision?: string }[] = [
    { name: 'ready source', o: obj('GitRepository', 'a', ready(), { artifact: { revision: `main@sha1:${sha}` } }), state: 'ready', revision: `main@sha1:${sha}` },
    { name: 'ready ks', o: obj('Kustomization', 'b', ready(), { lastAppliedRevision: `main@sha1:${sha}` }), state: 'ready', revision: `main@sha1:${sha}` },
    { name: 'in progress', o: obj('Kustomization', 'c', [{ type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'Building' }, { type: 'Ready', status: 'Unknown', reason: 'Progressing' }]), state: 'progressing' },
    {
      name: 'fetch failing while retrying',
      o: obj('GitRepository', 'd', [{ type: 'Reconciling', status: 'True', reason: 'Progressing' }, { type: 'FetchFailed', status: 'True', reason: 'GitOperationFailed', message: 'refused' }]),
      state: 'failed',
      reason: 'GitOperationFailed',
    },
    {
      name: 'build failing while retrying',
      o: obj('Kustomization', 'e', [{ type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry' }, { type: 'Ready', status: 'False', reason: 'ArtifactFailed', message: 'path not found' }]),
      state: 'failed',
      reason: 'ArtifactFailed',
    },
    {
      // Under load up polled between the controller's progress patch (lastAttemptedRevision = the new
      // revision) and its verdict, and took the previous attempt's Ready=False for this one's.
      name: 'a new attempt in progress after a failed one is progressing',
      o: obj('Kustomization', 'g', [{ type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'Building manifests for revision main@sha1:1' }, { type: 'Ready', status: 'False', reason: 'ArtifactFailed', message: 'Source is not ready, artifact not found' }], { lastAttemptedRevision: 'main@sha1:1' }),
      state: 'progressing',
    },
    {
      name: 'dependency not ready is waiting',
      o: obj('Kustomization', 'f', [{ type: 'Reconciling', status: 'True', reason: 'Progressing' }, { type: 'Ready', status: 'False', reason: 'DependencyNotReady' }]),
      state: 'progressing',
    },
  ];
  for (const c of cases) {
    const r = rowOf(c.o);
    assert.equal(r.state, c.state, c.name);
    if (c.reason) assert.equal(r.reason, c.reason, c.name);
    if (c.revision) assert.equal(r.revision, c.revision, c.name);
  }
});

const src = (state: ProgressRow['state'], revision: string): ProgressRow => ({ ...row('GitRepository', 's', state), revision });
const ks = (state: ProgressRow['state'], reason: string, attempted: string): ProgressRow => ({ ...row('Kustomization', 'k', state, reason), source: 'flux-system/s', attempted });

test('verdictOf', () => {
  const cases: { name: string; rows: ProgressRow[]; allReady: boolean; failed?: string }[] = [
    { name: 'nothing yet', rows: [], allReady: false },
    { name: 'source only', rows: [row('GitRepository', 's', 'ready')], allReady: false },
    { name: 'all ready', rows: [row('GitRepository', 's', 'ready'), row('Kustomization', 'k', 'ready')], allReady: true },
    { name: 'one progressing', rows: [row('GitRepository', 's', 'ready'), row('Kustomization', 'k', 'ready'), row('Kustomization', 'apps', 'progressing')], allReady: false },
    { name: 'source failed', rows: [row('GitRepository', 's', 'failed', 'GitOperationFailed'), row('Kustomization', 'k', 'progressing')], allReady: false, failed: 's' },
    { name: 'artifact missing while the source is not ready: waiting', rows: [row('GitRepository', 's', 'progressing'), ks('failed', 'ArtifactFailed', '')], allReady: false },
    { name: 'source became ready since the failure: waiting for the retrigger', rows: [src('ready', 'r1'), ks('failed', 'ArtifactFailed', '')], allReady: false },
    { name: 'failed on an older revision: waiting', rows: [src('ready', 'r2'), ks('failed', 'BuildFailed', 'r1')], allReady: false },
    { name: 'failed on the current revision: failed', rows: [src('ready', 'r1'), ks('failed', 'ArtifactFailed', 'r1')], allReady: false, failed: 'k' },
    { name: 'health check failed on the current revision', rows: [src('ready', 'r1'), ks('failed', 'HealthCheckFailed', 'r1')], allReady: false, failed: 'k' },
    { name: 'source missing from the snapshot: waiting', rows: [ks('failed', 'ArtifactFailed', '')], allReady: false },
    { name: 'non-git source: failure counts', rows: [{ ...row('Kustomization', 'k', 'failed', 'BuildFailed'), source: undefined }], allReady: false, failed: 'k' },
  ];
  for (const c of cases) {
    const v = verdictOf(c.rows);
    assert.equal(v.allReady, c.allReady, c.name);
    assert.equal(v.failed?.name, c.failed, c.name);
  }
});

test('pendingRequests: a status not yet handled for this run is progressing', () => {
  const rows = [{ ...row('Kustomization', 'old', 'ready'), handled: 't0' }, { ...row('Kustomization', 'done', 'ready'), handled: 't1' }, row('Kustomization', 'new', 'ready')];
  const out = pendingRequests(rows, new Set(['Kustomization/flux-system/old', 'Kustomization/flux-system/done']), 't1');
  assert.deepEqual(out.map((r) => r.state), ['progressing', 'ready', 'ready']);
});

test('renderers: plain lines once per change; live table redrawn in place', () => {
  let out = '';
  const sink = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
  const plain = new PlainLines(sink, { NO_COLOR: '1' });
  const r1 = [{ ...row('Kustomization', 'k', 'progressing'), message: 'Building' }];
  plain.update(r1);
  plain.update(r1);
  plain.update([{ ...row('Kustomization', 'k', 'ready'), revision: `main@sha1:${sha}` }]);
  assert.equal(out, `◎ Kustomization/k.flux-system: Building\n✔ Kustomization/k.flux-system Ready at main@sha1:0123456789ab\n`);
  out = '';
  const live = new LiveTable(sink as NodeJS.WritableStream & { columns?: number });
  live.update(r1);
  const firstLines = out.split('\n').length - 1;
  live.update(r1);
  assert.ok(out.includes(`\x1b[${firstLines}A`), 'cursor moved up over the previous frame');
  assert.equal(shortRevision(`main@sha1:${sha}`), 'main@sha1:0123456789ab');
  assert.match(progressTable([row('Kustomization', 'k', 'ready')]), /^NAME\s+NAMESPACE\s+READY\s+REVISION\s+MESSAGE\nKustomization\/k\s+flux-system\s+True/);
});
