import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startTestCluster, type TestCluster } from '../../test/harness/cluster.js';
import { eventually } from '../../test/harness/eventually.js';
import { runTool } from '../../test/harness/tools.js';
import { KubeClient, loadKubeConfig } from '../kube/client/index.js';
import type { KubeObject } from '../kube/object.js';
import { getCondition, markFalse, markTrue, removeCondition } from './conditions.js';
import { ReconcileController } from './controller.js';
import { StallingError, TransientError, WaitingError } from './errors.js';
import { KubeEventRecorder } from './events.js';
import { Informer } from './informer.js';
import { silentLogger } from './logger.js';
import { Manager } from './manager.js';
import { ControllerMetrics } from './metrics.js';
import { StatusPatcher } from './patcher.js';
import { reconcileKey, type ReconcilerDefinition } from './reconcile.js';
import { MemoryEventRecorder } from './events.js';
import type { ControllerFactory } from './registry.js';
import { WIDGET, installWidgetCrd, widget } from './testing.js';

let cluster: TestCluster;
let client: KubeClient;

before(async () => {
  cluster = await startTestCluster();
  client = new KubeClient(loadKubeConfig({ kubeconfig: cluster.kubeconfigPath }));
  await installWidgetCrd(client);
});
after(async () => {
  client.close();
  await cluster.close();
});

async function namespace(name: string): Promise<string> {
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

test('status patcher: conflict → re-read → retry, owned conditions win, foreign fields survive', async () => {
  const ns = await namespace('patcher');
  await client.create(widget('w', ns));
  const ref = { ...WIDGET, name: 'w', namespace: ns };
  const mine = await client.get(ref);
  const patcher = new StatusPatcher(client, mine, { fieldManager: 'widget-controller', ownedConditions: ['Fetched'] });
  // Someone else writes status meanwhile: a condition we own, one we do not, and a field.
  const other = await client.get(ref);
  other['status'] = { foreign: 'kept', conditions: [] };
  markFalse(other, { type: 'Fetched', reason: 'TheirReason', message: 'theirs' });
  markTrue(other, { type: 'External', reason: 'Theirs', message: 'theirs' });
  await client.updateStatus(other);
  // Our changes, based on the stale read.
  markTrue(mine, { type: 'Fetched', reason: 'Succeeded', message: 'mine' });
  markTrue(mine, { type: 'Ready', reason: 'Succeeded', message: 'ok' });
  (mine['status'] as Record<string, unknown>)['observedGeneration'] = 1;
  await patcher.patch(mine);
  assert.equal(patcher.conflicts, 1, 'one conflict was retried');
  const live = await client.get(ref);
  assert.equal((live['status'] as Record<string, unknown>)['foreign'], 'kept');
  assert.equal((live['status'] as Record<string, unknown>)['observedGeneration'], 1);
  assert.equal(getCondition(live, 'Fetched')?.reason, 'Succeeded', 'owned condition: ours wins');
  assert.equal(getCondition(live, 'External')?.reason, 'Theirs', 'untouched foreign condition kept');
  assert.equal(getCondition(live, 'Ready')?.status, 'True');
  assert.equal(mine.metadata.resourceVersion, live.metadata.resourceVersion);
  // A second patch with no change sends nothing.
  const before = patcher.patches;
  await patcher.patch(mine);
  assert.equal(patcher.patches, before);
  removeCondition(mine, 'Ready');
  await patcher.patch(mine);
  assert.equal(getCondition(await client.get(ref), 'Ready'), undefined);
  assert.deepEqual((await client.get(ref))['spec'], {}, 'the spec is never touched by a status patch');
});

interface Seen {
  reconciles: string[];
}

/** A Widget reconciler: spec.fail = 'stall' stalls; else stores spec.size into status. */
function widgetDefinition(seen: Seen, who = 'a'): ReconcilerDefinition {
  return {
    type: WIDGET,
    controllerName: 'widget-controller',
    finalizer: 'finalizers.fluxcd.io',
    ownedConditions: ['Sized'],
    summary: { negativePolarity: [], positivePolarity: ['Sized'] },
    readyMessage: (o) => ({ reason: 'Succeeded', message: `size is ${String((o['spec'] as { size?: number }).size)}` }),
    interval: () => 60_000,
    revision: (o) => `gen-${o.metadata.generation ?? 0}`,
    steps: [
      {
        name: 'size',
        run: async (ctx) => {
          seen.reconciles.push(`${who}:${ctx.obj.metadata.name ?? ''}`);
          const spec = ctx.obj['spec'] as { size?: number; fail?: string };
          await ctx.progress(`sizing ${String(spec.size)}`);
          if (spec.fail === 'stall') {
            markFalse(ctx.obj, { type: 'Sized', reason: 'InvalidSize', message: 'size must be set' });
            throw new StallingError('size must be set', { reason: 'InvalidSize' });
          }
          (ctx.obj['status'] as Record<string, unknown>)['size'] = spec.size;
          markTrue(ctx.obj, { type: 'Sized', reason: 'Succeeded', message: 'sized' });
        },
      },
    ],
  };
}

function factory(def: ReconcilerDefinition): ControllerFactory {
  return { name: 'widget', description: 'test widgets', create: (ctx) => [new ReconcileController(ctx, { definition: def, namespace: undefined })] };
}

test('reconcile shell + controller + manager: finalizer, conditions, requestedAt, suspend, stall, deletion, metrics', async () => {
  const ns = await namespace('shell');
  const seen: Seen = { reconciles: [] };
  const metrics = new ControllerMetrics();
  const mgr = new Manager({ client, factories: [factory(widgetDefinition(seen))], logger: silentLogger(), metrics, metricsAddr: '127.0.0.1:0', settings: { watchNamespace: ns } });
  await mgr.start();
  try {
    await client.create(widget('ok', ns, { size: 3 }));
    const ref = { ...WIDGET, name: 'ok', namespace: ns };
    const ready = await eventually(async () => {
      const o = await client.get(ref);
      assert.equal(getCondition(o, 'Ready')?.status, 'True');
      return o;
    }, { what: 'Ready' });
    assert.equal(getCondition(ready, 'Ready')?.message, 'size is 3');
    assert.equal(getCondition(ready, 'Reconciling'), undefined);
    assert.deepEqual(ready.metadata['finalizers'], ['finalizers.fluxcd.io']);
    const st = ready['status'] as Record<string, unknown>;
    assert.equal(st['observedGeneration'], 1);
    assert.equal(st['size'], 3);

    // requestedAt triggers a reconcile and is echoed.
    const count = seen.reconciles.length;
    await client.patch(ref, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'now-1' } } }, { type: 'merge' });
    await eventually(async () => assert.equal(((await client.get(ref))['status'] as Record<string, unknown>)['lastHandledReconcileAt'], 'now-1'));
    assert.ok(seen.reconciles.length > count, 'requestedAt reconciled');

    // A spec change that cannot work stalls; fixing it recovers.
    await client.patch(ref, { spec: { fail: 'stall' } }, { type: 'merge' });
    const stalled = await eventually(async () => {
      const o = await client.get(ref);
      assert.equal(getCondition(o, 'Stalled')?.status, 'True');
      return o;
    }, { what: 'Stalled' });
    assert.equal(getCondition(stalled, 'Ready')?.reason, 'InvalidSize');
    assert.equal(getCondition(stalled, 'Reconciling'), undefined, 'Stalled and Reconciling are exclusive');
    assert.equal((stalled['status'] as Record<string, unknown>)['observedGeneration'], 2);
    await client.patch(ref, { spec: { fail: null, size: 5 } }, { type: 'merge' });
    await eventually(async () => {
      const o = await client.get(ref);
      assert.equal(getCondition(o, 'Ready')?.message, 'size is 5');
      assert.equal(getCondition(o, 'Stalled'), undefined);
    });

    // Suspended objects are left alone.
    await client.patch(ref, { spec: { suspend: true, size: 9 } }, { type: 'merge' });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(((await client.get(ref))['status'] as Record<string, unknown>)['size'], 5);

    // Metrics are served.
    const text = await (await fetch(`${mgr.probeUrl ?? ''}/metrics`)).text();
    assert.match(text, /gotk_reconcile_duration_seconds_count\{kind="Widget",name="ok",namespace="shell"\} \d+/);
    assert.match(text, /gotk_resource_info\{[^}]*name="ok"[^}]*suspended="true"[^}]*\} 1/);
    assert.match(text, /workqueue_depth\{name="widget"\} 0/);
    assert.equal((await fetch(`${mgr.probeUrl ?? ''}/readyz`)).status, 200);
    assert.equal((await fetch(`${mgr.probeUrl ?? ''}/healthz`)).status, 200);

    // Deletion: the finalizer is removed and the object goes away.
    await client.patch(ref, { spec: { suspend: false } }, { type: 'merge' });
    await client.delete(ref);
    await eventually(async () => assert.equal(await client.tryGet(ref), undefined), { what: 'object deleted' });

    // Warning event for the stall, visible with kubectl.
    const ev = await runTool('kubectl', ['get', 'events.events.k8s.io', '-n', ns, '-o', 'json'], { env: cluster.env });
    assert.equal(ev.code, 0, ev.stderr);
    const items = (JSON.parse(ev.stdout) as { items: Array<{ reason: string; type: string }> }).items;
    assert.ok(items.some((e) => e.reason === 'InvalidSize' && e.type === 'Warning'), JSON.stringify(items));
  } finally {
    await mgr.stop();
  }
});

test('events: a Kubernetes Event per event, series on repeats, Flux payload to the notification endpoint', async () => {
  const ns = await namespace('events');
  const posts: Array<{ headers: http.IncomingHttpHeaders; body: Record<string, unknown> }> = [];
  const server = http.createServer((req, res) => {
    let b = '';
    req.on('data', (c: Buffer) => (b += c.toString()));
    req.on('end', () => {
      posts.push({ headers: req.headers, body: JSON.parse(b) as Record<string, unknown> });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const obj = await client.create(widget('ev', ns));
    const rec = new KubeEventRecorder(client, { controller: 'source-controller', notificationUrl: url, instance: 'test-1' });
    await rec.record(obj, { type: 'Normal', reason: 'NewArtifact', message: "stored artifact for commit 'abc'", metadata: { revision: 'main@sha1:abc' } });
    await rec.record(obj, { type: 'Normal', reason: 'NewArtifact', message: "stored artifact for commit 'abc'", metadata: { revision: 'main@sha1:abc' } });
    await rec.record(obj, { type: 'Warning', reason: 'GitOperationFailed', message: 'auth failed' });
    const list = await client.list({ apiVersion: 'events.k8s.io/v1', kind: 'Event' }, { namespace: ns });
    const byReason = Object.fromEntries(list.items.map((e) => [e['reason'] as string, e]));
    assert.equal(list.items.length, 2, 'the repeat became a series, not a new Event');
    const na = byReason['NewArtifact'] as KubeObject;
    assert.equal((na['series'] as { count: number }).count, 2);
    assert.deepEqual(na.metadata.annotations, { 'test.lockstep.dev/revision': 'main@sha1:abc' });
    assert.equal((na['regarding'] as { name: string }).name, 'ev');
    assert.equal(na['reportingController'], 'source-controller');
    const kubectl = await runTool('kubectl', ['get', 'events.events.k8s.io', '-n', ns, '-o', 'custom-columns=REASON:.reason,OBJECT:.regarding.name,COUNT:.series.count'], { env: cluster.env });
    assert.equal(kubectl.code, 0, kubectl.stderr);
    assert.match(kubectl.stdout, /NewArtifact\s+ev\s+2/);
    assert.match(kubectl.stdout, /GitOperationFailed\s+ev\s+<none>/);
    // Core v1 mode: plain `kubectl get events` (what `kubectl describe` reads too).
    const coreRec = new KubeEventRecorder(client, { controller: 'source-controller', api: 'v1' });
    await coreRec.record(obj, { type: 'Normal', reason: 'ArtifactUpToDate', message: 'up to date' });
    await coreRec.record(obj, { type: 'Normal', reason: 'ArtifactUpToDate', message: 'up to date' });
    const plain = await runTool('kubectl', ['get', 'events', '-n', ns, '-o', 'json'], { env: cluster.env });
    assert.equal(plain.code, 0, plain.stderr);
    const coreItems = (JSON.parse(plain.stdout) as { items: Array<{ reason: string; count: number; involvedObject: { name: string } }> }).items;
    // one resource served in both groups, as on a real API server: the events.k8s.io Events show here too
    assert.deepEqual(coreItems.map((e) => `${e.reason}/${e.count}/${e.involvedObject.name}`).sort(), ['ArtifactUpToDate/2/ev', 'GitOperationFailed/undefined/ev', 'NewArtifact/undefined/ev']);
    assert.equal(posts.length, 3);
    const p = posts[2];
    assert.equal(p?.headers['gotk-component'], 'source-controller');
    assert.equal(p?.body['severity'], 'error');
    assert.equal(p?.body['reason'], 'GitOperationFailed');
    assert.deepEqual(p?.body['involvedObject'], { apiVersion: WIDGET.apiVersion, kind: 'Widget', name: 'ev', namespace: ns, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion });
    assert.deepEqual(posts[0]?.body['metadata'], { 'test.lockstep.dev/revision': 'main@sha1:abc' });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('leader election: of two managers only one reconciles; the other takes over when it stops', async () => {
  const ns = await namespace('leader');
  const seen: Seen = { reconciles: [] };
  const le = { namespace: ns, name: 'widget-leader', leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 200 };
  const a = new Manager({ client, factories: [factory(widgetDefinition(seen, 'a'))], logger: silentLogger(), metrics: new ControllerMetrics(), settings: { watchNamespace: ns }, leaderElection: { ...le, identity: 'a' } });
  const b = new Manager({ client, factories: [factory(widgetDefinition(seen, 'b'))], logger: silentLogger(), metrics: new ControllerMetrics(), settings: { watchNamespace: ns }, leaderElection: { ...le, identity: 'b' } });
  await a.start();
  await eventually(() => assert.equal(a.isLeader, true), { what: 'a leads' });
  await b.start();
  try {
    for (let i = 0; i < 3; i++) await client.create(widget(`w${i}`, ns, { size: i }));
    await eventually(async () => {
      const l = await client.list(WIDGET, { namespace: ns });
      assert.ok(l.items.length === 3 && l.items.every((o) => getCondition(o, 'Ready')?.status === 'True'), 'all Ready');
    });
    assert.equal(b.isLeader, false);
    assert.ok(seen.reconciles.length >= 3, seen.reconciles.join(','));
    assert.ok(seen.reconciles.every((r) => r.startsWith('a:')), seen.reconciles.join(','));
    const lease = await client.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: 'widget-leader', namespace: ns });
    assert.equal((lease['spec'] as { holderIdentity: string }).holderIdentity, 'a');
    await a.stop();
    await eventually(() => assert.equal(b.isLeader, true), { what: 'b takes over', timeoutMs: 10_000 });
    await client.create(widget('after', ns, { size: 7 }));
    await eventually(() => assert.ok(seen.reconciles.includes('b:after'), seen.reconciles.join(',')), { what: 'b reconciles' });
    // An intruder takes the lease: b stops; when the intruder does not renew, b leads again and a new
    // term reconciles every existing object again.
    const leaseRef = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: 'widget-leader', namespace: ns };
    const cur = await client.get(leaseRef);
    await client.replace({ ...cur, spec: { ...(cur['spec'] as object), holderIdentity: 'intruder', renewTime: new Date().toISOString().replace('Z', '000Z') } });
    await eventually(() => assert.equal(b.isLeader, false), { what: 'b steps down', timeoutMs: 10_000 });
    const mark = seen.reconciles.length;
    await eventually(() => assert.equal(b.isLeader, true), { what: 'b leads again', timeoutMs: 10_000 });
    await eventually(() => {
      const again = seen.reconciles.slice(mark).filter((r) => r.startsWith('b:')).sort();
      assert.deepEqual(again, ['b:after', 'b:w0', 'b:w1', 'b:w2']);
    }, { what: 'new term reconciles all' });
  } finally {
    await a.stop();
    await b.stop();
  }
});

test('informer: survives an API server restart, resyncs and keeps delivering events', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lockstep-informer-'));
  let c = await startTestCluster({ dataDir, inMemory: false });
  const port = Number(new URL(c.url).port);
  const kc = new KubeClient(loadKubeConfig({ kubeconfig: c.kubeconfigPath }));
  const events: string[] = [];
  const errors: unknown[] = [];
  const inf = new Informer(kc, { type: { apiVersion: 'v1', kind: 'ConfigMap' }, namespace: 'default', minBackoffMs: 50, maxBackoffMs: 400, onError: (e) => errors.push(e) });
  inf.addHandlers({
    add: (o) => events.push(`add:${o.metadata.name ?? ''}`),
    update: (_o, n) => events.push(`update:${n.metadata.name ?? ''}`),
    delete: (o) => events.push(`delete:${o.metadata.name ?? ''}`),
  });
  try {
    await kc.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'before', namespace: 'default' } });
    await kc.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'doomed', namespace: 'default' } });
    inf.start();
    await inf.waitForSync();
    await eventually(() => assert.ok(events.includes('add:before') && events.includes('add:doomed'), events.join(',')));
    await c.close();
    await new Promise((r) => setTimeout(r, 300));
    c = await startTestCluster({ dataDir, inMemory: false, port });
    // Changes made while the informer was disconnected arrive by relist or resumed watch.
    const kc2 = new KubeClient(loadKubeConfig({ kubeconfig: c.kubeconfigPath }));
    await kc2.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'doomed', namespace: 'default' });
    await kc2.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after', namespace: 'default' } });
    await eventually(() => {
      assert.ok(events.includes('add:after'), events.join(','));
      assert.ok(events.includes('delete:doomed'), events.join(','));
    }, { timeoutMs: 15_000 });
    assert.ok(inf.restarts >= 1, 'the informer restarted');
    assert.ok(errors.length >= 1, 'errors reported');
    assert.deepEqual(inf.cache.keys().sort(), ['default/after', 'default/before']);
    kc2.close();
  } finally {
    await inf.stop();
    kc.close();
    await c.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('reconcile shell, called directly: transient and waiting errors, then success; absent objects', async () => {
  const ns = await namespace('shell-direct');
  await client.create(widget('w', ns, { mode: 'transient' }));
  const events = new MemoryEventRecorder();
  const progress: string[] = [];
  const def: ReconcilerDefinition = {
    type: WIDGET,
    controllerName: 'widget-controller',
    summary: { negativePolarity: ['FetchFailed'] },
    readyMessage: () => ({ message: 'all good' }),
    interval: () => 30_000,
    steps: [
      {
        name: 'fetch',
        run: async (ctx) => {
          await ctx.progress('fetching');
          const live = await client.get({ ...WIDGET, name: 'w', namespace: ns });
          progress.push(String(getCondition(live, 'Reconciling')?.message));
          const mode = (ctx.obj['spec'] as { mode?: string }).mode;
          if (mode === 'transient') {
            markTrue(ctx.obj, { type: 'FetchFailed', reason: 'GitOperationFailed', message: 'remote hung up' });
            throw new TransientError('remote hung up', { reason: 'GitOperationFailed' });
          }
          removeCondition(ctx.obj, 'FetchFailed');
          if (mode === 'waiting') throw new WaitingError('dependency ns/x is not ready', { reason: 'DependencyNotReady', requeueAfterMs: 5000 });
        },
      },
    ],
  };
  const deps = { client, events, log: silentLogger() };
  const key = `${ns}/w`;
  const ref = { ...WIDGET, name: 'w', namespace: ns };

  const r1 = await reconcileKey(def, deps, key);
  assert.deepEqual([r1.kind, r1.requeue.kind], ['transient', 'backoff']);
  assert.deepEqual(progress, ['fetching'], 'progress is patched while the step runs');
  let o = await client.get(ref);
  assert.equal(getCondition(o, 'Ready')?.reason, 'GitOperationFailed');
  assert.equal(getCondition(o, 'Ready')?.status, 'False');
  assert.equal(getCondition(o, 'Reconciling')?.reason, 'ProgressingWithRetry');
  assert.equal((o['status'] as Record<string, unknown>)['observedGeneration'], undefined, 'a transient failure does not observe the generation');
  assert.deepEqual(events.events.map((e) => `${e.type}/${e.reason}`), ['Warning/GitOperationFailed']);

  await client.patch(ref, { spec: { mode: 'waiting' } }, { type: 'merge' });
  const r2 = await reconcileKey(def, deps, key);
  assert.deepEqual([r2.kind, r2.requeue], ['waiting', { kind: 'after', delayMs: 5000 }]);
  o = await client.get(ref);
  assert.equal(getCondition(o, 'Ready')?.reason, 'DependencyNotReady');
  assert.equal(getCondition(o, 'FetchFailed'), undefined);

  await client.patch(ref, { spec: { mode: 'ok' } }, { type: 'merge' });
  const r3 = await reconcileKey(def, deps, key);
  assert.deepEqual([r3.kind, r3.requeue], ['success', { kind: 'after', delayMs: 30_000 }]);
  o = await client.get(ref);
  assert.deepEqual(
    (o['status'] as { conditions: Array<{ type: string; status: string; reason: string }> }).conditions.map((c) => `${c.type}=${c.status}/${c.reason}`),
    ['Ready=True/Succeeded'],
  );
  assert.equal((o['status'] as Record<string, unknown>)['observedGeneration'], 3);

  await client.delete(ref);
  const r4 = await reconcileKey(def, deps, key);
  assert.equal(r4.kind, 'absent');
});

test('progressPatchDelayMs: a quick reconcile writes status once; a slow step shows its progress; changes made during a deferred patch survive', async () => {
  const ns = await namespace('shell-coalesce');
  const own = new KubeClient(loadKubeConfig({ kubeconfig: cluster.kubeconfigPath }));
  const statusPatches: string[] = [];
  const original = own.transport.request.bind(own.transport);
  own.transport.request = (req) => {
    if (req.method === 'PATCH' && req.path.endsWith('/status')) statusPatches.push(req.body ?? '');
    return original(req);
  };
  const seen: string[] = [];
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const def: ReconcilerDefinition = {
    type: WIDGET,
    controllerName: 'widget-controller',
    summary: { negativePolarity: [] },
    readyMessage: () => ({ message: 'done' }),
    interval: () => 30_000,
    progressPatchDelayMs: 150,
    steps: [
      {
        name: 'work',
        run: async (ctx) => {
          await ctx.progress('building');
          await ctx.progress('applying');
          const slow = (ctx.obj['spec'] as { mode?: string }).mode === 'slow';
          if (!slow) return;
          // the deferred patch fires during this wait; a field set meanwhile must reach the server too
          await sleep(170);
          (ctx.obj['status'] as Record<string, unknown>)['inventory'] = { entries: [] };
          await sleep(330);
          seen.push(String(getCondition(await client.get({ ...WIDGET, name: 'w', namespace: ns }), 'Reconciling')?.message));
        },
      },
    ],
  };
  try {
    await client.create(widget('w', ns, { mode: 'quick' }));
    const ref = { ...WIDGET, name: 'w', namespace: ns };
    const quick = await reconcileKey(def, { client: own, log: silentLogger() }, `${ns}/w`);
    assert.equal(quick.kind, 'success');
    assert.equal(statusPatches.length, 1, `new generation and two progress messages coalesced into the final patch: ${statusPatches.join(' | ')}`);
    assert.equal(getCondition(await client.get(ref), 'Ready')?.status, 'True');

    await client.patch(ref, { spec: { mode: 'slow' } }, { type: 'merge' });
    statusPatches.length = 0;
    const slow = await reconcileKey(def, { client: own, log: silentLogger() }, `${ns}/w`);
    assert.equal(slow.kind, 'success');
    assert.deepEqual(seen, ['applying'], 'the latest progress message is published while the step runs');
    assert.equal(statusPatches.length, 2, 'one deferred patch, then the final one');
    const o = await client.get(ref);
    assert.deepEqual((o['status'] as Record<string, unknown>)['inventory'], { entries: [] }, 'the field set while the deferred patch was in flight is written');
    assert.equal(getCondition(o, 'Reconciling'), undefined);
    assert.equal(getCondition(o, 'Ready')?.status, 'True');
  } finally {
    own.close();
  }
});
