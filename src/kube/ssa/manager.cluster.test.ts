import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../../../test/harness/cluster.js';
import { runTool } from '../../../test/harness/tools.js';
import { KubeClient, loadKubeConfig } from '../client/index.js';
import type { KubeObject } from '../object.js';
import { ApplyError, HealthCheckError, ResourceManager, inventoryRefs, refOfTarget, staleEntries, versionedRefOf } from './index.js';
import { isCertainNoOp } from './fastpath.js';

let cluster: TestCluster;
let client: KubeClient;
let rm: ResourceManager;
const owner = { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' };

before(async () => {
  cluster = await startTestCluster();
  client = new KubeClient(loadKubeConfig({ kubeconfig: cluster.kubeconfigPath }));
  rm = new ResourceManager({ client, fieldManager: 'kustomize-controller' });
});
after(async () => {
  client.close();
  await cluster.close();
});

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const cm = (namespace: string, name: string, data: Record<string, string>, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ...extra }, data,
});
function deployment(namespace: string, name: string, opts: { replicas?: number; app?: string; annotations?: Record<string, string> } = {}): KubeObject {
  const app = opts.app ?? name;
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: { app } },
      template: { metadata: { labels: { app }, ...(opts.annotations ? { annotations: opts.annotations } : {}) }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
    },
  };
}
const actions = (cs: { entries: { subject: string; action: string }[] }): string[] => cs.entries.map((e) => `${e.subject} ${e.action}`);
const kubectl = (...args: string[]) => runTool('kubectl', args, { env: cluster.env });

test('staged apply: a CRD and its CR in one call; namespace first', async () => {
  const crd: KubeObject = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.stage.lockstep.dev' },
    spec: {
      group: 'stage.lockstep.dev', scope: 'Namespaced', names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
    },
  };
  const cr: KubeObject = { apiVersion: 'stage.lockstep.dev/v1', kind: 'Gadget', metadata: { name: 'g1', namespace: 'staged' }, spec: { size: 3 } };
  // the CR comes first in the input: staging must still apply the CRD and namespace before it
  const cs = await rm.apply([cr, crd, ns('staged')], { ownerLabels: owner, stageIntervalMs: 50 });
  assert.deepEqual(actions(cs), ['CustomResourceDefinition/gadgets.stage.lockstep.dev created', 'Namespace/staged created', 'Gadget/staged/g1 created']);
  const live = await client.get({ apiVersion: 'stage.lockstep.dev/v1', kind: 'Gadget', name: 'g1', namespace: 'staged' });
  assert.equal(live.metadata.labels?.['kustomize.toolkit.fluxcd.io/name'], 'apps');
  assert.deepEqual(cs.toInventory().entries, [
    { id: '_gadgets.stage.lockstep.dev_apiextensions.k8s.io_CustomResourceDefinition', v: 'v1' },
    { id: '_staged__Namespace', v: 'v1' },
    { id: 'staged_g1_stage.lockstep.dev_Gadget', v: 'v1' },
  ]);
  const again = await rm.apply([cr, crd, ns('staged')], { ownerLabels: owner });
  assert.deepEqual(again.entries.map((e) => e.action), ['unchanged', 'unchanged', 'unchanged']);
});

test('created → unchanged without a write → configured after kubectl edits, which are reverted', async () => {
  await rm.apply([ns('drift')]);
  const objs = [deployment('drift', 'web', { replicas: 2 }), cm('drift', 'settings', { mode: 'a' })];
  const first = await rm.apply(objs, { ownerLabels: owner });
  assert.deepEqual(actions(first), ['ConfigMap/drift/settings created', 'Deployment/drift/web created'], 'Flux order: ConfigMaps before Deployments');
  assert.equal(first.toMessage(), 'ConfigMap/drift/settings created\nDeployment/drift/web created');
  const rv = (await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'drift' })).metadata.resourceVersion;
  const second = await rm.apply(objs, { ownerLabels: owner });
  assert.deepEqual(second.entries.map((e) => e.action), ['unchanged', 'unchanged']);
  assert.equal(second.hasChanges(), false);
  assert.equal(second.toMessage(), '');
  const rv2 = (await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'drift' })).metadata.resourceVersion;
  assert.equal(rv2, rv, 'an unchanged object is not written');

  // out-of-band edits with the real kubectl: a value we own, an added label, an added data key
  const p1 = await kubectl('-n', 'drift', 'patch', 'configmap', 'settings', '--type=merge', '-p', '{"data":{"mode":"b","extra":"x"}}');
  assert.equal(p1.code, 0, p1.stderr);
  const p2 = await kubectl('-n', 'drift', 'label', 'deployment', 'web', 'intruder=yes');
  assert.equal(p2.code, 0, p2.stderr);
  const p3 = await kubectl('-n', 'drift', 'scale', 'deployment', 'web', '--replicas=5');
  assert.equal(p3.code, 0, p3.stderr);

  const third = await rm.apply(objs, { ownerLabels: owner });
  assert.deepEqual(actions(third), ['ConfigMap/drift/settings configured', 'Deployment/drift/web configured']);
  const liveCm = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'drift' });
  assert.deepEqual(liveCm['data'], { mode: 'a' }, 'edited value reverted and added key removed');
  const liveDep = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'drift' });
  assert.equal(liveDep.metadata.labels?.['intruder'], undefined, 'label added by kubectl removed');
  assert.equal((liveDep['spec'] as { replicas: number }).replicas, 2, 'scale reverted');
  const managers = (liveCm.metadata.managedFields as { manager: string }[]).map((m) => m.manager);
  assert.ok(!managers.includes('kubectl-patch'), `kubectl-patch entry merged away: ${managers.join(',')}`);
  const fourth = await rm.apply(objs, { ownerLabels: owner });
  assert.deepEqual(fourth.entries.map((e) => e.action), ['unchanged', 'unchanged']);
});

test('kubectl edit (KUBE_EDITOR) is taken back', async () => {
  await rm.apply([ns('edit'), cm('edit', 'conf', { level: 'info' })]);
  const editor = `sed -i s/level:\\ info/level:\\ debug/`;
  const r = await runTool('kubectl', ['-n', 'edit', 'edit', 'configmap', 'conf'], { env: { ...cluster.env, KUBE_EDITOR: editor } });
  assert.equal(r.code, 0, r.stderr);
  const edited = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'conf', namespace: 'edit' });
  assert.deepEqual(edited['data'], { level: 'debug' });
  const cs = await rm.apply([cm('edit', 'conf', { level: 'info' })]);
  assert.deepEqual(actions(cs), ['ConfigMap/edit/conf configured']);
  const live = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'conf', namespace: 'edit' });
  assert.deepEqual(live['data'], { level: 'info' });
});

test('ssa annotations: Ignore, IfNotPresent, Merge, Override', async () => {
  await rm.apply([ns('anno')]);
  const ann = (v: string) => ({ annotations: { 'kustomize.toolkit.fluxcd.io/ssa': v } });
  const desired = (v: string, name: string) => cm('anno', name, { k: 'git' }, ann(v));
  await rm.apply(['Ignore', 'IfNotPresent', 'Merge', 'Override'].map((v) => desired(v, v.toLowerCase())).slice(1));
  // someone else changes each object
  for (const name of ['ifnotpresent', 'merge', 'override']) {
    const r = await kubectl('-n', 'anno', 'patch', 'configmap', name, '--type=merge', '-p', '{"data":{"other":"x"}}');
    assert.equal(r.code, 0, r.stderr);
  }
  const cs = await rm.apply(['Ignore', 'IfNotPresent', 'Merge', 'Override'].map((v) => desired(v, v.toLowerCase())));
  assert.deepEqual(actions(cs), ['ConfigMap/anno/ifnotpresent skipped', 'ConfigMap/anno/ignore skipped', 'ConfigMap/anno/merge unchanged', 'ConfigMap/anno/override configured']);
  assert.equal(await client.tryGet({ apiVersion: 'v1', kind: 'ConfigMap', name: 'ignore', namespace: 'anno' }), undefined, 'Ignore: never created');
  const data = async (name: string) => (await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: 'anno' }))['data'];
  assert.deepEqual(await data('ifnotpresent'), { k: 'git', other: 'x' });
  assert.deepEqual(await data('merge'), { k: 'git', other: 'x' }, 'Merge keeps fields of other managers');
  assert.deepEqual(await data('override'), { k: 'git' }, 'Override takes them back');
  // IfNotPresent creates when absent; reconcile: disabled is skipped like Ignore
  const created = await rm.apply([desired('IfNotPresent', 'fresh'), cm('anno', 'off', { k: 'v' }, { labels: { 'kustomize.toolkit.fluxcd.io/reconcile': 'Disabled' } })]);
  assert.deepEqual(actions(created), ['ConfigMap/anno/fresh created', 'ConfigMap/anno/off skipped']);
  assert.deepEqual(created.toInventory().entries.map((e) => e.id), ['anno_fresh__ConfigMap', 'anno_off__ConfigMap']);
});

test('a failing dry-run names the object and writes nothing of its stage', async () => {
  await rm.apply([ns('invalid')]);
  const bad: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name', namespace: 'invalid' }, data: { a: 'b' } };
  const err = await rm.apply([cm('invalid', 'good', { a: 'b' }), bad]).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ApplyError, String(err));
  assert.equal(err.failures.length, 1);
  assert.match(err.message, /^ConfigMap\/invalid\/Bad_Name dry-run failed: /);
  assert.ok(!err.message.includes('PATCH'), err.message);
  assert.equal(await client.tryGet({ apiVersion: 'v1', kind: 'ConfigMap', name: 'good', namespace: 'invalid' }), undefined, 'valid sibling not applied');
  const unknownKind = await rm.apply([{ apiVersion: 'nope.lockstep.dev/v1', kind: 'Nothing', metadata: { name: 'x', namespace: 'invalid' } }]).catch((e: unknown) => e);
  assert.ok(unknownKind instanceof ApplyError);
  assert.match(unknownKind.message, /^Nothing\/invalid\/x dry-run failed: no matches for kind "Nothing"/);
  const noName = await rm.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'invalid' } }]).catch((e: unknown) => e);
  assert.ok(noName instanceof ApplyError && noName.failures[0]?.phase === 'invalid', String(noName));
});

test('immutable selector change: error without force, recreated with force annotation or option', async () => {
  await rm.apply([ns('immut')]);
  await rm.apply([deployment('immut', 'api', { app: 'v1' }), deployment('immut', 'forced', { app: 'v1' })]);
  const before = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', namespace: 'immut' });
  const err = await rm.apply([deployment('immut', 'api', { app: 'v2' })]).catch((e: unknown) => e);
  assert.ok(err instanceof ApplyError, String(err));
  assert.match(err.message, /^Deployment\/immut\/api dry-run failed: .*immutable/);
  const forced = await rm.apply([deployment('immut', 'forced', { app: 'v2', annotations: { 'kustomize.toolkit.fluxcd.io/force': 'Enabled' } })]);
  assert.deepEqual(actions(forced), ['Deployment/immut/forced configured']);
  const cs = await rm.apply([deployment('immut', 'api', { app: 'v2' })], { force: true });
  assert.deepEqual(actions(cs), ['Deployment/immut/api configured']);
  const after = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', namespace: 'immut' });
  assert.notEqual(after.metadata.uid, before.metadata.uid, 'recreated');
  assert.deepEqual((after['spec'] as { selector: unknown }).selector, { matchLabels: { app: 'v2' } });
  // the same when the object is missing from the previous inventory (guessed absent): the failed dry-run
  // leads to a read, and the existing object is recreated rather than reported as a failure
  const guessed = await rm.apply([deployment('immut', 'api', { app: 'v3' })], { force: true, previousInventory: { entries: [] } });
  assert.deepEqual(actions(guessed), ['Deployment/immut/api configured']);
  const third = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', namespace: 'immut' });
  assert.notEqual(third.metadata.uid, after.metadata.uid, 'recreated again');
  const bad = await rm.apply([deployment('immut', 'api', { app: 'v4' })], { previousInventory: { entries: [] } }).catch((e: unknown) => e);
  assert.ok(bad instanceof ApplyError, String(bad));
  assert.match(bad.message, /^Deployment\/immut\/api dry-run failed: .*immutable/, 'without force: the same error as with a read first');
});

test('prune: stale objects with our owner labels only, prune: disabled kept, reverse order, NotFound ignored', async () => {
  const v1 = [ns('prune'), cm('prune', 'a', { x: '1' }), cm('prune', 'keep', { x: '1' }, { annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } })];
  const first = await rm.apply(v1, { ownerLabels: owner });
  const foreign = cm('prune', 'foreign', { x: '1' });
  await client.create(foreign);
  const old = first.toInventory();
  old.entries.push({ id: 'prune_foreign__ConfigMap', v: 'v1' }, { id: 'prune_gone__ConfigMap', v: 'v1' });
  const next = (await rm.apply([cm('prune', 'b', { x: '1' })], { ownerLabels: owner })).toInventory();
  const stale = staleEntries(old, next);
  assert.deepEqual(stale.map((r) => r.name), ['prune', 'a', 'keep', 'foreign', 'gone']);
  const cs = await rm.deleteAll(stale, { ownerLabels: owner });
  assert.deepEqual(actions(cs), ['ConfigMap/prune/keep skipped', 'ConfigMap/prune/foreign skipped', 'ConfigMap/prune/a deleted', 'Namespace/prune deleted'], 'reverse apply order');
  assert.equal(cs.toMessage(), 'ConfigMap/prune/a deleted\nNamespace/prune deleted');
  assert.equal(await client.tryGet({ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: 'prune' }), undefined);
});

test('wait: healthy, fail → Failed fast, never-ready → timeout message', async () => {
  await rm.apply([ns('health')]);
  const sim = (mode: string) => ({ 'cluster.lockstep.dev/simulate': mode });
  const objs = [deployment('health', 'ok'), deployment('health', 'bad', { annotations: sim('fail') }), deployment('health', 'slow', { annotations: sim('never-ready') })];
  const cs = await rm.apply(objs);
  const byName = (n: string) => cs.entries.find((e) => e.ref.name === n)?.ref;
  const [ok, bad, slow] = [byName('ok'), byName('bad'), byName('slow')];
  assert.ok(ok && bad && slow);
  const healthy = await rm.wait([ok, refOfTarget({ apiVersion: 'v1', kind: 'Namespace', name: 'health' })], { timeoutMs: 10_000, intervalMs: 100 });
  assert.deepEqual(healthy.objects.map((o) => o.status), ['Current', 'Current']);
  const t0 = Date.now();
  const failed = await rm.wait([ok, bad, slow], { timeoutMs: 20_000, intervalMs: 100 }).catch((e: unknown) => e);
  assert.ok(failed instanceof HealthCheckError, String(failed));
  assert.equal(failed.reason, 'Failed');
  assert.ok(Date.now() - t0 < 15_000, 'fails fast');
  assert.match(failed.message, /^failed early due to stalled resources: \[Deployment\/health\/bad status: 'Failed': Progress deadline exceeded/);
  const timedOut = await rm.wait([ok, slow], { timeoutMs: 800, intervalMs: 100 }).catch((e: unknown) => e);
  assert.ok(timedOut instanceof HealthCheckError, String(timedOut));
  assert.equal(timedOut.reason, 'Timeout');
  assert.match(timedOut.message, /^timeout waiting for: \[Deployment\/health\/slow status: 'InProgress': /);
  assert.ok(!timedOut.message.includes('Deployment/health/ok'), timedOut.message);
  const missing = await rm.wait([refOfTarget({ apiVersion: 'v1', kind: 'ConfigMap', name: 'nope', namespace: 'health' })], { timeoutMs: 200, intervalMs: 50 }).catch((e: unknown) => e);
  assert.ok(missing instanceof HealthCheckError);
  assert.match(missing.message, /ConfigMap\/health\/nope status: 'NotFound'/);
});

test('wait: polls start short and back off, so an object ready within a second is seen within a second at a 5 s interval', async () => {
  await rm.apply([ns('prompt')]);
  const cs = await rm.apply([deployment('prompt', 'soon')]);
  const ref = cs.entries[0]?.ref;
  assert.ok(ref);
  const t0 = Date.now();
  const res = await rm.wait([ref], { timeoutMs: 20_000, intervalMs: 5000 });
  const took = Date.now() - t0;
  assert.deepEqual(res.objects.map((o) => o.status), ['Current']);
  assert.ok(took < 2500, `took ${took} ms: the first pauses must be far shorter than intervalMs`);
});

test('diff: unified diff of drift with Secret values masked; dryRun apply writes nothing', async () => {
  await rm.apply([ns('diff')]);
  const secret = (token: string, other: string): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'diff' }, stringData: { token, other } });
  await rm.apply([secret('hunter2', 'same-value'), cm('diff', 'c', { a: '1' })]);
  const diffs = await rm.diff([secret('swordfish', 'same-value'), cm('diff', 'c', { a: '2' }), cm('diff', 'new', { z: '9' })]);
  assert.deepEqual(diffs.map((d) => `${d.subject} ${d.action}`), ['ConfigMap/diff/c configured', 'ConfigMap/diff/new created', 'Secret/diff/s configured']);
  const sdiff = diffs[2]?.diff ?? '';
  for (const plain of ['hunter2', 'swordfish', 'same-value', Buffer.from('hunter2').toString('base64'), Buffer.from('swordfish').toString('base64'), Buffer.from('same-value').toString('base64')]) {
    assert.ok(!sdiff.includes(plain), `secret value leaked in diff:\n${sdiff}`);
  }
  assert.match(sdiff, /^- {2}token: "?\*{6} \(before\)"?$/m);
  assert.match(sdiff, /^\+ {2}token: "?\*{6} \(after\)"?$/m);
  assert.ok(!/^[-+] {2}other/m.test(sdiff), 'unchanged secret key is not in the changed lines');
  assert.match(diffs[0]?.diff ?? '', /^- {2}a: "1"$/m);
  assert.match(diffs[0]?.diff ?? '', /^\+ {2}a: "2"$/m);
  assert.match(diffs[1]?.diff ?? '', /^\+kind: ConfigMap$/m);
  const dry = await rm.apply([cm('diff', 'c', { a: '2' })], { dryRun: true });
  assert.deepEqual(actions(dry), ['ConfigMap/diff/c configured']);
  assert.deepEqual((await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'diff' }))['data'], { a: '1' });
});

test('inventory round trip: refs of an inventory read back the objects', async () => {
  const cs = await rm.apply([ns('inv'), cm('inv', 'one', { a: '1' })]);
  const refs = inventoryRefs(cs.toInventory());
  assert.deepEqual(refs, [versionedRefOf(ns('inv')), versionedRefOf(cm('inv', 'one', {}))]);
  const res = await rm.wait(refs, { timeoutMs: 5000, intervalMs: 50 });
  assert.equal(res.objects.length, 2);
});

test('no-op fast path: certain for applied objects (Deployment with server defaults, Service whose port key holds a defaulted protocol); edits by other managers still detected', async () => {
  await rm.apply([ns('fast')]);
  const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'fast' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } };
  const objs = [deployment('fast', 'web', { replicas: 2 }), cm('fast', 'c1', { a: '1' }), cm('fast', 'c2', { a: '2' }), cm('fast', 'c3', { a: '3' }), svc];
  await rm.apply(objs, { ownerLabels: owner });
  const withLabels = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, labels: { ...owner } } });
  for (const o of objs) {
    const live = await client.get({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name ?? '', namespace: 'fast' });
    assert.equal(isCertainNoOp(withLabels(o), live, 'kustomize-controller'), true, `${o.kind}/${o.metadata.name}`);
    assert.equal(isCertainNoOp(withLabels(o), live, 'someone-else'), false);
    const changed = { ...withLabels(o), metadata: { ...withLabels(o).metadata, annotations: { x: 'y' } } };
    assert.equal(isCertainNoOp(changed, live, 'kustomize-controller'), false, 'a new field is not a no-op');
    assert.equal(isCertainNoOp({ ...o, metadata: { ...o.metadata } }, live, 'kustomize-controller'), false, 'dropping owned labels is not a no-op');
  }
  // an operator (not a kubectl manager) changes a value we own and adds one we do not
  await client.patch({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c2', namespace: 'fast' }, { data: { a: 'operator', b: 'added' } }, { type: 'merge', fieldManager: 'some-operator' });
  const cs = await rm.apply(objs, { ownerLabels: owner });
  assert.deepEqual(actions(cs), ['ConfigMap/fast/c1 unchanged', 'ConfigMap/fast/c2 configured', 'ConfigMap/fast/c3 unchanged', 'Service/fast/svc unchanged', 'Deployment/fast/web unchanged']);
  assert.deepEqual((await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c2', namespace: 'fast' }))['data'], { a: '2', b: 'added' }, 'our value restored, their field kept');
  // an object that exists without our labels (created out of band) is found and adopted, not "created"
  await client.create(cm('fast', 'c4', { a: 'old' }));
  const adopt = await rm.apply([...objs, cm('fast', 'c4', { a: '4' })], { ownerLabels: owner });
  assert.deepEqual(actions(adopt), ['ConfigMap/fast/c1 unchanged', 'ConfigMap/fast/c2 unchanged', 'ConfigMap/fast/c3 unchanged', 'ConfigMap/fast/c4 configured', 'Service/fast/svc unchanged', 'Deployment/fast/web unchanged']);
  // a port whose key differs from the live one (another protocol) is not certain: the dry-run decides
  const live = await client.get({ apiVersion: 'v1', kind: 'Service', name: 'svc', namespace: 'fast' });
  const udp = { ...svc, metadata: { ...svc.metadata, labels: { ...owner } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'UDP' }] } };
  assert.equal(isCertainNoOp(udp, live, 'kustomize-controller'), false);
  const udpCs = await rm.apply([udp], { ownerLabels: owner });
  assert.deepEqual(actions(udpCs), ['Service/fast/svc configured']);
});

test('deleteAll: CRs before their CRD, dry run deletes nothing; wait aborts on the signal', async () => {
  const crd: KubeObject = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'bolts.prune.lockstep.dev' },
    spec: { group: 'prune.lockstep.dev', scope: 'Namespaced', names: { plural: 'bolts', singular: 'bolt', kind: 'Bolt', listKind: 'BoltList' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
  };
  const cs = await rm.apply([crd, ns('bolts'), { apiVersion: 'prune.lockstep.dev/v1', kind: 'Bolt', metadata: { name: 'b', namespace: 'bolts' } }], { ownerLabels: owner, stageIntervalMs: 50 });
  const refs = inventoryRefs(cs.toInventory());
  const dry = await rm.deleteAll(refs, { ownerLabels: owner, dryRun: true });
  assert.deepEqual(actions(dry), ['Bolt/bolts/b deleted', 'Namespace/bolts deleted', 'CustomResourceDefinition/bolts.prune.lockstep.dev deleted']);
  assert.ok(await client.tryGet({ apiVersion: 'prune.lockstep.dev/v1', kind: 'Bolt', name: 'b', namespace: 'bolts' }), 'dry run kept the object');
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 200);
  const aborted = await rm.wait([refOfTarget({ apiVersion: 'v1', kind: 'ConfigMap', name: 'never', namespace: 'bolts' })], { timeoutMs: 30_000, intervalMs: 50, signal: ac.signal }).catch((e: unknown) => e);
  assert.ok(aborted instanceof HealthCheckError && aborted.reason === 'Aborted', String(aborted));
  const real = await rm.deleteAll(refs, { ownerLabels: owner });
  assert.deepEqual(actions(real), actions(dry));
});

test('diff and dry-run apply of a new CRD with its CR: both created, nothing written', async () => {
  const crd: KubeObject = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'nuts.dry.lockstep.dev' },
    spec: { group: 'dry.lockstep.dev', scope: 'Namespaced', names: { plural: 'nuts', singular: 'nut', kind: 'Nut', listKind: 'NutList' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
  };
  const cr: KubeObject = { apiVersion: 'dry.lockstep.dev/v1', kind: 'Nut', metadata: { name: 'n', namespace: 'default' }, spec: { size: 1 } };
  const diffs = await rm.diff([cr, crd]);
  assert.deepEqual(diffs.map((d) => `${d.subject} ${d.action}`), ['CustomResourceDefinition/nuts.dry.lockstep.dev created', 'Nut/default/n created']);
  assert.match(diffs[1]?.diff ?? '', /^\+kind: Nut$/m);
  const dry = await rm.apply([cr, crd], { dryRun: true });
  assert.deepEqual(actions(dry), ['CustomResourceDefinition/nuts.dry.lockstep.dev created', 'Nut/default/n created']);
  assert.equal(await client.tryGet({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'nuts.dry.lockstep.dev' }), undefined);
  const unknown = await rm.diff([{ ...cr, apiVersion: 'other.lockstep.dev/v1' }]).catch((e: unknown) => e);
  assert.ok(unknown instanceof ApplyError, 'a kind no CRD in the set defines still fails');
});

test('ignore rules: a field another Apply manager owns is stripped, one we own is adopted; other fields still reconciled', async () => {
  await rm.apply([ns('ign')]);
  const rules = [{ paths: ['/spec/replicas'], target: { kind: 'Deployment' } }, { paths: ['/data/tuned'], target: { kind: 'ConfigMap', name: 'c.*' } }];
  await rm.apply([deployment('ign', 'web', { replicas: 1 }), cm('ign', 'cfg', { tuned: 'git', other: 'git' })], { ignore: rules });
  // an autoscaler applies replicas with its own Apply manager; someone edits the field we own
  await client.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'ign' }, spec: { replicas: 4 } }, { fieldManager: 'autoscaler', force: true });
  const r = await kubectl('-n', 'ign', 'patch', 'configmap', 'cfg', '--type=merge', '-p', '{"data":{"tuned":"by-hand","other":"by-hand"}}');
  assert.equal(r.code, 0, r.stderr);
  const cs = await rm.apply([deployment('ign', 'web', { replicas: 1 }), cm('ign', 'cfg', { tuned: 'git', other: 'git' })], { ignore: rules });
  assert.deepEqual(actions(cs), ['ConfigMap/ign/cfg configured', 'Deployment/ign/web unchanged']);
  const dep = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'ign' });
  assert.equal((dep['spec'] as { replicas: number }).replicas, 4, 'ignored replicas kept');
  const c = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg', namespace: 'ign' });
  assert.deepEqual(c['data'], { tuned: 'by-hand', other: 'git' }, 'ignored key kept, the other reverted');
  const without = await rm.apply([deployment('ign', 'web', { replicas: 1 })]);
  assert.deepEqual(actions(without), ['Deployment/ign/web configured'], 'without the rule the drift is seen');
});

/** Counts the requests a client sends, as `METHOD kind-plural[?dryRun]`. */
function countRequests(c: KubeClient): { counts: Map<string, number>; reset(): void } {
  const counts = new Map<string, number>();
  const transport = c.transport;
  const original = transport.request.bind(transport);
  transport.request = (req) => {
    const plural = req.path.split('/').filter(Boolean).find((p) => p === 'configmaps') ?? 'other';
    const key = `${req.method} ${plural}${req.query?.['dryRun'] ? ' dry-run' : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return original(req);
  };
  return { counts, reset: () => counts.clear() };
}

test('previousInventory: objects it lacks are dry-run without a read; one that exists after all is read and planned right', async () => {
  const own = new KubeClient(loadKubeConfig({ kubeconfig: cluster.kubeconfigPath }));
  const counted = countRequests(own);
  const manager = new ResourceManager({ client: own, fieldManager: 'kustomize-controller' });
  try {
    await manager.apply([ns('guess')]);
    const a = cm('guess', 'a', { v: '1' });
    const first = await manager.apply([a], { ownerLabels: owner, previousInventory: { entries: [] } });
    assert.deepEqual(actions(first), ['ConfigMap/guess/a created']);
    // a exists but the (lost) inventory does not list it; b is new; c exists out of band with other data
    await client.create(cm('guess', 'c', { v: 'old' }));
    counted.reset();
    const cs = await manager.apply([a, cm('guess', 'b', { v: '2' }), cm('guess', 'c', { v: '3' })], { ownerLabels: owner, previousInventory: { entries: [] } });
    assert.deepEqual(actions(cs), ['ConfigMap/guess/a unchanged', 'ConfigMap/guess/b created', 'ConfigMap/guess/c configured']);
    assert.deepEqual((await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'guess' }))['data'], { v: '3' });
    // one list by owner labels (three of a kind) finds a: fast path, no dry-run; b: one dry-run, no read;
    // c (not ours, not listed): a dry-run shows it exists, so it is read and dry-run again. Writes: b and c.
    assert.deepEqual(Object.fromEntries(counted.counts), { 'GET configmaps': 2, 'PATCH configmaps dry-run': 3, 'PATCH configmaps': 2 });
    // with the inventory listing all three, each is read first (a list: three of one kind and namespace)
    counted.reset();
    const again = await manager.apply([a, cm('guess', 'b', { v: '2' }), cm('guess', 'c', { v: '3' })], { ownerLabels: owner, previousInventory: cs.toInventory() });
    assert.deepEqual(again.entries.map((e) => e.action), ['unchanged', 'unchanged', 'unchanged']);
    assert.deepEqual(Object.fromEntries(counted.counts), { 'GET configmaps': 1 });
  } finally {
    own.close();
  }
});

test('change set objects: apply responses and live objects; a wait starts from them and reads only what is not Current', async () => {
  const own = new KubeClient(loadKubeConfig({ kubeconfig: cluster.kubeconfigPath }));
  const counted = countRequests(own);
  const manager = new ResourceManager({ client: own, fieldManager: 'kustomize-controller' });
  try {
    await manager.apply([ns('known')]);
    const objs = [cm('known', 'settings', { a: '1' }), deployment('known', 'web')];
    const cs = await manager.apply(objs, { ownerLabels: owner });
    const refs = cs.entries.map((e) => e.ref);
    assert.deepEqual([...cs.objects.keys()].sort(), ['known_settings__ConfigMap', 'known_web_apps_Deployment']);
    assert.ok(cs.objects.get('known_web_apps_Deployment')?.metadata.uid, 'the apply response, with server fields');
    counted.reset();
    const r = await manager.wait(refs, { timeoutMs: 10_000, intervalMs: 100, known: cs.objects });
    assert.deepEqual(r.objects.map((o) => `${o.subject} ${o.status}`), ['ConfigMap/known/settings Current', 'Deployment/known/web Current']);
    assert.equal(counted.counts.get('GET configmaps') ?? 0, 0, 'the ConfigMap was Current in its apply response: never read');
    assert.ok((counted.counts.get('GET other') ?? 0) >= 1, 'the Deployment (no status yet when applied) was polled');
    // unchanged objects carry the live object read while planning
    const again = await manager.apply(objs, { ownerLabels: owner });
    assert.deepEqual(again.entries.map((e) => e.action), ['unchanged', 'unchanged']);
    assert.equal(again.objects.size, 2);
  } finally {
    own.close();
  }
});
