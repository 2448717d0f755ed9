import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kustomization } from '../../api/kustomization.js';
import { dataOf, isDependencyReady, recordHistory } from './kustomization.reconciler.js';

function ks(status: Kustomization['status'] = {}, generation = 2): Kustomization {
  return { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'k', namespace: 'n', generation }, spec: { interval: '1m', prune: true, sourceRef: { kind: 'GitRepository', name: 'r' } }, status };
}

test('history: newest first, deduplicated on digest + status, at most 5, counts and first time kept', () => {
  const k = ks();
  const at = (s: number): Date => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
  const steps: Array<[string, string, number]> = [
    ['sha256:a', 'ReconciliationSucceeded', 1],
    ['sha256:a', 'ReconciliationSucceeded', 2],
    ['sha256:b', 'BuildFailed', 3],
    ['sha256:a', 'ReconciliationSucceeded', 4],
    ['sha256:c', 'ReconciliationSucceeded', 5],
    ['sha256:d', 'ReconciliationSucceeded', 6],
    ['sha256:e', 'ReconciliationSucceeded', 7],
    ['sha256:f', 'HealthCheckFailed', 8],
  ];
  for (const [digest, status, s] of steps) recordHistory(k, { digest, status, revision: `main@sha1:${s}`, durationMs: 1500, now: at(s) });
  const h = k.status?.history ?? [];
  assert.deepEqual(h.map((e) => e.digest), ['sha256:f', 'sha256:e', 'sha256:d', 'sha256:c', 'sha256:a']);
  const a = h[4];
  assert.equal(a?.totalReconciliations, 3);
  assert.equal(a?.firstReconciled, '2026-01-01T00:00:01Z');
  assert.equal(a?.lastReconciled, '2026-01-01T00:00:04Z');
  assert.equal(a?.lastReconciledDuration, '1.5s');
  assert.deepEqual(a?.metadata, { revision: 'main@sha1:4' });
});

test('a dependency is ready only when Ready=True for its current generation', () => {
  const cond = (status: 'True' | 'False') => [{ type: 'Ready', status, reason: 'x', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }];
  const cases: Array<[Kustomization, boolean]> = [
    [ks({ observedGeneration: 2, conditions: cond('True') }), true],
    [ks({ observedGeneration: 1, conditions: cond('True') }), false],
    [ks({ observedGeneration: 2, conditions: cond('False') }), false],
    [ks({ observedGeneration: 2 }), false],
  ];
  for (const [k, want] of cases) assert.equal(isDependencyReady(k), want, JSON.stringify(k.status));
});

test('variables from ConfigMap data and decoded Secret data', () => {
  const obj = (kind: string, extra: Record<string, unknown>) => ({ apiVersion: 'v1', kind, metadata: { name: 'x' }, ...extra });
  assert.deepEqual(dataOf(obj('ConfigMap', { data: { a: 'b' } }), false), { a: 'b' });
  assert.deepEqual(dataOf(obj('Secret', { data: { a: Buffer.from('sécret').toString('base64') }, stringData: { c: 'd' } }), true), { a: 'sécret', c: 'd' });
});
