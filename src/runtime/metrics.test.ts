import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../kube/object.js';
import { setCondition } from './conditions.js';
import { KubeEventRecorder, microTime, prefixMetadata } from './events.js';
import { ControllerMetrics, parseHostPort, startProbeServer } from './metrics.js';

const repo = (ready: 'True' | 'False'): KubeObject => {
  const o: KubeObject = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'podinfo', namespace: 'flux-system', generation: 1 } };
  setCondition(o, { type: 'Ready', status: ready, reason: ready === 'True' ? 'Succeeded' : 'GitOperationFailed', message: '' });
  return o;
};

test('gotk_resource_info keeps one series per object; gotk_reconcile_condition tracks the status', async () => {
  const m = new ControllerMetrics();
  m.recordObject(repo('False'), { revision: 'main@sha1:a' });
  m.recordObject(repo('True'), { revision: 'main@sha1:b' });
  const text = await m.registry.metrics();
  const info = text.split('\n').filter((l) => l.startsWith('gotk_resource_info{'));
  assert.deepEqual(info, [
    'gotk_resource_info{customresource_group="source.toolkit.fluxcd.io",customresource_kind="GitRepository",customresource_version="v1",exported_namespace="flux-system",name="podinfo",ready="True",reason="Succeeded",suspended="false",revision="main@sha1:b"} 1',
  ]);
  assert.match(text, /gotk_reconcile_condition\{kind="GitRepository",name="podinfo",namespace="flux-system",type="Ready",status="True"\} 1/);
  assert.match(text, /gotk_reconcile_condition\{kind="GitRepository",name="podinfo",namespace="flux-system",type="Ready",status="False"\} 0/);
  m.forgetObject(repo('True'));
  const after = await m.registry.metrics();
  assert.equal(after.split('\n').filter((l) => l.startsWith('gotk_resource_info{') || l.startsWith('gotk_reconcile_condition{')).length, 0);
});

test('probe server: /metrics, /healthz, /readyz, 404, 405', async () => {
  const m = new ControllerMetrics();
  let ready = false;
  const s = await startProbeServer({ addr: '127.0.0.1:0', registry: m.registry, ready: () => ready });
  try {
    assert.equal((await fetch(`${s.url}/readyz`)).status, 503);
    ready = true;
    assert.equal((await fetch(`${s.url}/readyz`)).status, 200);
    assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${s.url}/nope`)).status, 404);
    assert.equal((await fetch(`${s.url}/metrics`, { method: 'POST' })).status, 405);
    const r = await fetch(`${s.url}/metrics`);
    assert.match(r.headers.get('content-type') ?? '', /text\/plain/);
    assert.match(await r.text(), /# TYPE gotk_reconcile_duration_seconds histogram/);
  } finally {
    await s.close();
  }
});

test('parseHostPort', () => {
  const rows: Array<[string, { host: string; port: number } | RegExp]> = [
    [':8080', { host: '0.0.0.0', port: 8080 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['[::1]:9090', { host: '::1', port: 9090 }],
    ['localhost', /expected host:port/],
    ['h:99999', /bad port/],
  ];
  for (const [addr, want] of rows) {
    if (want instanceof RegExp) assert.throws(() => parseHostPort(addr), want, addr);
    else assert.deepEqual(parseHostPort(addr), want, addr);
  }
});

test('events: MicroTime, metadata prefixes and the Flux payload', () => {
  assert.equal(microTime(new Date('2026-11-25T10:00:00.123Z')), '2026-11-25T10:00:00.123000Z');
  const o = repo('True');
  assert.deepEqual(prefixMetadata(o, { revision: 'r', 'custom.io/x': 'y' }), { 'source.toolkit.fluxcd.io/revision': 'r', 'custom.io/x': 'y' });
  assert.deepEqual(prefixMetadata({ ...o, apiVersion: 'v1' }, { revision: 'r' }), { revision: 'r' }, 'core group: no prefix');
  const rec = new KubeEventRecorder(undefined, { controller: 'source-controller', instance: 'i-1', now: () => new Date('2026-11-25T10:00:00.500Z') });
  const ev = rec.fluxEvent(o, { type: 'Warning', reason: 'GitOperationFailed', message: 'x'.repeat(40_000), metadata: { revision: 'r' } });
  assert.equal(ev.severity, 'error');
  assert.equal(ev.timestamp, '2026-11-25T10:00:00Z');
  assert.equal(ev.message.length, 39_000);
  assert.deepEqual(ev.involvedObject, { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'podinfo', namespace: 'flux-system' });
  assert.deepEqual([ev.reportingController, ev.reportingInstance, ev.metadata], ['source-controller', 'i-1', { 'source.toolkit.fluxcd.io/revision': 'r' }]);
  assert.equal(rec.fluxEvent(o, { type: 'Normal', reason: 'NewArtifact', message: 'm' }).severity, 'info');
});
