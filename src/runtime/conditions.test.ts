import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../kube/object.js';
import {
  MAX_MESSAGE_LENGTH,
  getCondition,
  getConditions,
  isReady,
  markReconciling,
  markStalled,
  removeCondition,
  setCondition,
  summarize,
  summarizeReady,
  trimMessage,
  type ConditionInput,
} from './conditions.js';

function obj(generation = 1): KubeObject {
  return { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'a', namespace: 'ns', generation } };
}
const clock = (iso: string) => () => new Date(iso);

test('lastTransitionTime changes only when the status changes', () => {
  const cases: Array<{ name: string; second: ConditionInput; moved: boolean; changed: boolean }> = [
    { name: 'same everything', second: { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok' }, moved: false, changed: false },
    { name: 'new message', second: { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'other' }, moved: false, changed: true },
    { name: 'new reason', second: { type: 'Ready', status: 'True', reason: 'Other', message: 'ok' }, moved: false, changed: true },
    { name: 'new status', second: { type: 'Ready', status: 'False', reason: 'Succeeded', message: 'ok' }, moved: true, changed: true },
    { name: 'to Unknown', second: { type: 'Ready', status: 'Unknown', reason: 'Progressing', message: 'x' }, moved: true, changed: true },
  ];
  for (const c of cases) {
    const o = obj();
    setCondition(o, { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok' }, { now: clock('2026-01-01T00:00:00.123Z') });
    const changed = setCondition(o, c.second, { now: clock('2026-01-02T00:00:00Z') });
    const got = getCondition(o, 'Ready');
    assert.equal(changed, c.changed, c.name);
    assert.equal(got?.lastTransitionTime, c.moved ? '2026-01-02T00:00:00Z' : '2026-01-01T00:00:00Z', c.name);
    assert.equal(got?.message, c.second.message, c.name);
  }
});

test('observedGeneration follows metadata.generation; a generation bump alone is a change', () => {
  const o = obj(3);
  setCondition(o, { type: 'Ready', status: 'True', reason: 'R', message: 'm' });
  assert.equal(getCondition(o, 'Ready')?.observedGeneration, 3);
  o.metadata.generation = 4;
  assert.equal(setCondition(o, { type: 'Ready', status: 'True', reason: 'R', message: 'm' }), true);
  assert.equal(getCondition(o, 'Ready')?.observedGeneration, 4);
});

test('Reconciling and Stalled are exclusive', () => {
  const o = obj();
  markReconciling(o, 'Progressing', 'working');
  assert.deepEqual(getConditions(o).map((c) => c.type), ['Reconciling']);
  markStalled(o, 'InvalidURL', 'bad url');
  assert.deepEqual(getConditions(o).map((c) => `${c.type}=${c.status}`), ['Stalled=True']);
  markReconciling(o, 'Progressing', 'again');
  assert.deepEqual(getConditions(o).map((c) => `${c.type}=${c.status}`), ['Reconciling=True']);
});

test('messages are trimmed and capped', () => {
  assert.equal(trimMessage('  hi \n'), 'hi');
  const long = 'x'.repeat(MAX_MESSAGE_LENGTH + 10);
  const t = trimMessage(long);
  assert.equal(t.length, MAX_MESSAGE_LENGTH);
  assert.ok(t.endsWith('...'), 'cut marked');
});

test('conditions are kept in a stable order: Ready, Reconciling, Stalled, then by type', () => {
  const o = obj();
  for (const type of ['Zeta', 'ArtifactInStorage', 'Reconciling', 'Ready']) setCondition(o, { type, status: 'True', reason: 'r', message: '' });
  assert.deepEqual(getConditions(o).map((c) => c.type), ['Ready', 'Reconciling', 'ArtifactInStorage', 'Zeta']);
  assert.equal(removeCondition(o, 'Zeta'), true);
  assert.equal(removeCondition(o, 'Zeta'), false);
});

test('summary table: Stalled, then negative, then positive polarity, then Reconciling', () => {
  const table = { negativePolarity: ['FetchFailed', 'StorageOperationFailed'], positivePolarity: ['ArtifactInStorage'] };
  type Row = { name: string; conds: ConditionInput[]; want: string | undefined };
  const c = (type: string, status: 'True' | 'False' | 'Unknown', reason = type + 'Reason'): ConditionInput => ({ type, status, reason, message: reason + ' msg' });
  const rows: Row[] = [
    { name: 'nothing', conds: [], want: undefined },
    { name: 'healthy', conds: [c('ArtifactInStorage', 'True')], want: undefined },
    { name: 'negative false is fine', conds: [c('FetchFailed', 'False')], want: undefined },
    { name: 'negative true', conds: [c('FetchFailed', 'True')], want: 'False/FetchFailedReason' },
    { name: 'negative priority', conds: [c('StorageOperationFailed', 'True'), c('FetchFailed', 'True')], want: 'False/FetchFailedReason' },
    { name: 'positive false', conds: [c('ArtifactInStorage', 'False')], want: 'False/ArtifactInStorageReason' },
    { name: 'positive unknown', conds: [c('ArtifactInStorage', 'Unknown')], want: 'Unknown/ArtifactInStorageReason' },
    { name: 'stalled first', conds: [c('FetchFailed', 'True'), c('Stalled', 'True')], want: 'False/StalledReason' },
    { name: 'reconciling last', conds: [c('Reconciling', 'True')], want: 'Unknown/ReconcilingReason' },
    { name: 'failure beats reconciling', conds: [c('Reconciling', 'True'), c('FetchFailed', 'True')], want: 'False/FetchFailedReason' },
  ];
  for (const r of rows) {
    const o = obj();
    for (const x of r.conds) setCondition(o, x);
    const s = summarize(o, table);
    assert.equal(s ? `${s.status}/${s.reason}` : undefined, r.want, r.name);
  }
  const o = obj();
  summarizeReady(o, table, { reason: 'Succeeded', message: 'stored artifact' });
  assert.equal(isReady(o), true);
  setCondition(o, c('FetchFailed', 'True'));
  summarizeReady(o, table, { reason: 'Succeeded', message: 'stored artifact' });
  assert.equal(isReady(o), false);
  assert.equal(getCondition(o, 'Ready')?.message, 'FetchFailedReason msg');
});

test('isReady needs Ready observed at the current generation', () => {
  const o = obj(1);
  setCondition(o, { type: 'Ready', status: 'True', reason: 'r', message: '' });
  assert.equal(isReady(o), true);
  o.metadata.generation = 2;
  assert.equal(isReady(o), false);
});
