import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../kube/object.js';
import { getCondition, getConditions, markReconciling, setCondition } from './conditions.js';
import { StallingError, TransientError, WaitingError, applyOutcome, outcomeOf } from './errors.js';

const table = { negativePolarity: ['FetchFailed'], positivePolarity: ['ArtifactInStorage'] };
const success = { reason: 'Succeeded', message: 'stored artifact for revision main@sha1:abc' };

function obj(): KubeObject {
  return { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'a', namespace: 'ns', generation: 2 }, status: { observedGeneration: 1 } };
}
function summary(o: KubeObject): string {
  return getConditions(o).map((c) => `${c.type}=${c.status}/${c.reason}`).join(' ');
}

test('outcomeOf maps each error kind to requeue, event and generation handling', () => {
  const rows: Array<{ name: string; err: unknown; kind: string; requeue: string; event: string | undefined; observe: boolean }> = [
    { name: 'success', err: undefined, kind: 'success', requeue: 'after:60000', event: undefined, observe: true },
    { name: 'stalling', err: new StallingError('bad url', { reason: 'InvalidURL' }), kind: 'stalling', requeue: 'none', event: 'Warning/InvalidURL', observe: true },
    { name: 'waiting', err: new WaitingError('dep not ready', { reason: 'DependencyNotReady', requeueAfterMs: 30_000 }), kind: 'waiting', requeue: 'after:30000', event: 'Normal/DependencyNotReady', observe: false },
    { name: 'transient', err: new TransientError('timeout', { reason: 'GitOperationFailed' }), kind: 'transient', requeue: 'backoff', event: 'Warning/GitOperationFailed', observe: false },
    { name: 'plain Error is transient', err: new Error('boom'), kind: 'transient', requeue: 'backoff', event: 'Warning/ReconciliationFailed', observe: false },
    { name: 'non-Error throw', err: 'str', kind: 'transient', requeue: 'backoff', event: 'Warning/ReconciliationFailed', observe: false },
    { name: 'no event when asked', err: new TransientError('x', { reason: 'R', event: false }), kind: 'transient', requeue: 'backoff', event: undefined, observe: false },
  ];
  for (const r of rows) {
    const o = outcomeOf(r.err, { successRequeueMs: 60_000 });
    assert.equal(o.kind, r.kind, r.name);
    const rq = o.requeue.kind === 'after' ? `after:${o.requeue.delayMs}` : o.requeue.kind;
    assert.equal(rq, r.requeue, r.name);
    assert.equal(o.event ? `${o.event.type}/${o.event.reason}` : undefined, r.event, r.name);
    assert.equal(o.observeGeneration, r.observe, r.name);
  }
  assert.deepEqual(outcomeOf(undefined).requeue, { kind: 'none' });
});

test('applyOutcome writes kstatus-consistent conditions for every outcome', () => {
  const rows: Array<{ name: string; prep?: (o: KubeObject) => void; err: unknown; want: string; observed: number }> = [
    { name: 'success clears progress', prep: (o) => markReconciling(o, 'Progressing', 'working'), err: undefined, want: 'Ready=True/Succeeded', observed: 2 },
    { name: 'stalling', prep: (o) => markReconciling(o, 'Progressing', 'working'), err: new StallingError('bad', { reason: 'InvalidURL' }), want: 'Ready=False/InvalidURL Stalled=True/InvalidURL', observed: 2 },
    {
      name: 'transient keeps Reconciling with retry',
      prep: (o) => markReconciling(o, 'Progressing', 'working'),
      err: new TransientError('net', { reason: 'GitOperationFailed' }),
      want: 'Ready=False/GitOperationFailed Reconciling=True/ProgressingWithRetry',
      observed: 1,
    },
    { name: 'transient without Reconciling invents none', err: new TransientError('net', { reason: 'GitOperationFailed' }), want: 'Ready=False/GitOperationFailed', observed: 1 },
    {
      name: "a step's failure condition gives Ready its reason",
      prep: (o) => setCondition(o, { type: 'FetchFailed', status: 'True', reason: 'AuthenticationFailed', message: 'auth' }),
      err: new TransientError('auth', { reason: 'GitOperationFailed' }),
      want: 'Ready=False/AuthenticationFailed FetchFailed=True/AuthenticationFailed',
      observed: 1,
    },
    {
      name: 'success with a failing table entry is not Ready',
      prep: (o) => setCondition(o, { type: 'ArtifactInStorage', status: 'False', reason: 'NoArtifact', message: 'none' }),
      err: undefined,
      want: 'Ready=False/NoArtifact ArtifactInStorage=False/NoArtifact',
      observed: 2,
    },
    {
      name: 'stalled then success clears Stalled',
      prep: (o) => setCondition(o, { type: 'Stalled', status: 'True', reason: 'InvalidURL', message: 'x' }),
      err: undefined,
      want: 'Ready=True/Succeeded',
      observed: 2,
    },
    {
      name: 'waiting',
      err: new WaitingError('dependency ns/b is not ready', { reason: 'DependencyNotReady', requeueAfterMs: 30_000 }),
      want: 'Ready=False/DependencyNotReady',
      observed: 1,
    },
  ];
  for (const r of rows) {
    const o = obj();
    r.prep?.(o);
    applyOutcome(o, outcomeOf(r.err), { table, success });
    assert.equal(summary(o), r.want, r.name);
    assert.equal((o['status'] as { observedGeneration: number }).observedGeneration, r.observed, r.name);
    const rec = getCondition(o, 'Reconciling');
    const st = getCondition(o, 'Stalled');
    assert.ok(!(rec && st), `${r.name}: Reconciling and Stalled together`);
    assert.ok(rec?.status !== 'False' && st?.status !== 'False', `${r.name}: abnormal-true conditions present only when True`);
  }
});

test('Ready carries the error message on failure and the success message on success', () => {
  const o = obj();
  applyOutcome(o, outcomeOf(new StallingError('  spec.url: invalid  ', { reason: 'InvalidURL' })), { table, success });
  assert.equal(getCondition(o, 'Ready')?.message, 'spec.url: invalid');
  applyOutcome(o, outcomeOf(undefined), { table, success });
  assert.equal(getCondition(o, 'Ready')?.message, success.message);
});
