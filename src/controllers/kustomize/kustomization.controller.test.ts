/**
 * Controller tests against the local cluster with a real git server on loopback: one cluster, one
 * manager running the GitRepository and Kustomization controllers, a unique namespace per test.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Kustomization, KustomizationSpec } from '../../api/kustomization.js';
import type { KubeObject } from '../../kube/object.js';
import { getCondition } from '../../runtime/index.js';
import { eventually } from '../../../test/harness/eventually.js';
import { GitFixture, type GitHttpServer, type TestRepo, startGitHttpServer } from '../../../test/harness/git-servers.js';
import { runTool } from '../../../test/harness/tools.js';
import { startTestCluster, type TestCluster } from '../../../test/harness/cluster.js';
import { type KustomizeEnv, startKustomizeEnv } from './testing.js';

let env: KustomizeEnv;
let fx: GitFixture;
let http: GitHttpServer;
let repoCount = 0;

before(async () => {
  env = await startKustomizeEnv({ healthIntervalMs: 200, requeueDependencyMs: 500, terminationIntervalMs: 100 });
  fx = await GitFixture.create();
  http = await startGitHttpServer({ root: fx.reposDir });
});

after(async () => {
  await env?.close();
  await http?.stop();
  await fx?.cleanup();
});

function configMap(name: string, ns: string, data: Record<string, string>, extra = ''): string {
  const lines = Object.entries(data).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`);
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n${extra}data:\n${lines.join('\n')}\n`;
}

function deployment(name: string, ns: string, opts: { annotations?: Record<string, string>; app?: string; replicas?: number } = {}): string {
  const ann = Object.entries(opts.annotations ?? {}).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`);
  const app = opts.app ?? name;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
${ann.length ? `  annotations:\n${ann.join('\n')}\n` : ''}spec:
  replicas: ${opts.replicas ?? 1}
  selector:
    matchLabels: {app: ${app}}
  template:
    metadata:
      labels: {app: ${app}}
${ann.length ? `      annotations:\n${ann.map((l) => '    ' + l).join('\n')}\n` : ''}    spec:
      containers:
        - name: main
          image: nginx:1.27
`;
}

/** A repo, a GitRepository following it, and a helper to push and wait for the new artifact. */
async function source(ns: string, files: Record<string, string>): Promise<{ repo: TestRepo; push(files: Record<string, string | null>): Promise<string> }> {
  const repo = await fx.createRepo(`k${++repoCount}`, { files });
  await env.applyGitRepository(ns, 'repo', { url: http.repoUrl(repo.name), interval: '10m', ref: { branch: 'main' } });
  return {
    repo,
    async push(change) {
      const commit = await repo.commit(change, 'change');
      await env.requestReconcile('GitRepository', ns, 'repo');
      return `main@sha1:${commit}`;
    },
  };
}

function spec(extra: Partial<KustomizationSpec> = {}): KustomizationSpec {
  return { interval: '10m', retryInterval: '1s', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' }, ...extra };
}

async function waitKs(ns: string, name: string, check: (k: Kustomization) => void, timeoutMs = 20_000): Promise<Kustomization> {
  return eventually(
    async () => {
      const k = await env.getKustomization(ns, name);
      check(k);
      return k;
    },
    { timeoutMs, what: `Kustomization ${ns}/${name}` },
  );
}

function ready(k: Kustomization): { status?: string; reason?: string; message?: string } {
  return getCondition(k, 'Ready') ?? {};
}

async function waitReady(ns: string, name: string, revision?: string): Promise<Kustomization> {
  return waitKs(ns, name, (k) => {
    assert.equal(ready(k).status, 'True', JSON.stringify(k.status?.conditions));
    assert.equal(k.status?.observedGeneration, k.metadata.generation);
    if (revision) assert.equal(k.status?.lastAppliedRevision, revision);
  });
}

async function waitFailed(ns: string, name: string, reason: string, pattern: RegExp): Promise<Kustomization> {
  return waitKs(ns, name, (k) => {
    const r = ready(k);
    assert.equal(r.status, 'False', JSON.stringify(k.status?.conditions));
    assert.equal(r.reason, reason, JSON.stringify(k.status?.conditions));
    assert.match(r.message ?? '', pattern);
  });
}

const get = (apiVersion: string, kind: string, ns: string, name: string): Promise<KubeObject | undefined> => env.client.tryGet({ apiVersion, kind, namespace: ns, name });

test('full loop: push → Ready with inventory, events, history; drift reverted; prune after removal; delete prunes', async () => {
  const ns = await env.namespace('loop');
  const src = await source(ns, { 'app/cm.yaml': configMap('settings', ns, { color: 'blue' }), 'app/deploy.yaml': deployment('web', ns) });
  await env.applyKustomization(ns, 'app', spec({ path: './app' }));
  const k1 = await waitReady(ns, 'app');
  const rev1 = k1.status?.lastAppliedRevision ?? '';
  assert.match(rev1, /^main@sha1:[0-9a-f]{40}$/);
  assert.equal(ready(k1).message, `Applied revision: ${rev1}`);
  assert.equal(ready(k1).reason, 'ReconciliationSucceeded');
  assert.deepEqual(k1.status?.inventory?.entries.map((e) => e.id), [`${ns}_settings__ConfigMap`, `${ns}_web_apps_Deployment`]);
  assert.equal(k1.status?.history?.[0]?.lastReconciledStatus, 'ReconciliationSucceeded');
  const live = await get('apps/v1', 'Deployment', ns, 'web');
  assert.equal(live?.metadata.labels?.['kustomize.toolkit.fluxcd.io/name'], 'app');
  assert.equal(live?.metadata.labels?.['kustomize.toolkit.fluxcd.io/namespace'], ns);
  const applied = env.events.events.filter((e) => e.object === `Kustomization/${ns}/app` && e.reason === 'Progressing');
  assert.ok(applied.some((e) => e.message.includes(`Deployment/${ns}/web created`) && e.message.includes(`ConfigMap/${ns}/settings created`)), JSON.stringify(applied));

  // Drift: an out-of-band kubectl edit is reverted at the next reconcile.
  const edit = await runTool('kubectl', ['-n', ns, 'patch', 'configmap', 'settings', '--type=merge', '-p', '{"data":{"color":"red"}}'], { env: env.cluster.env });
  assert.equal(edit.code, 0, edit.stderr);
  await env.requestReconcile('Kustomization', ns, 'app');
  await eventually(async () => assert.equal(((await get('v1', 'ConfigMap', ns, 'settings'))?.['data'] as Record<string, string>).color, 'blue'), { what: 'drift reverted' });
  assert.ok(env.events.events.some((e) => e.object === `Kustomization/${ns}/app` && e.message === `ConfigMap/${ns}/settings configured`));

  // Prune: removing a file from git deletes its object; the new revision is applied.
  const rev2 = await src.push({ 'app/cm.yaml': null });
  await waitReady(ns, 'app', rev2);
  await eventually(async () => assert.equal(await get('v1', 'ConfigMap', ns, 'settings'), undefined), { what: 'pruned' });
  const k2 = await env.getKustomization(ns, 'app');
  assert.deepEqual(k2.status?.inventory?.entries.map((e) => e.id), [`${ns}_web_apps_Deployment`]);

  // Deleting the Kustomization (prune: true) deletes its objects through the finalizer.
  await env.client.delete({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: ns, name: 'app' });
  await eventually(async () => {
    assert.equal(await get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', ns, 'app'), undefined);
    assert.equal(await get('apps/v1', 'Deployment', ns, 'web'), undefined);
  }, { what: 'garbage collected' });
});

test('prune: disabled objects survive removal; prune: false orphans on delete', async () => {
  const ns = await env.namespace('orphan');
  const src = await source(ns, {
    'p/a.yaml': configMap('a', ns, { x: '1' }),
    'p/b.yaml': configMap('b', ns, { x: '1' }, '  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n'),
    'keep/c.yaml': configMap('c', ns, { x: '1' }),
  });
  await env.applyKustomization(ns, 'p', spec({ path: 'p' }));
  await env.applyKustomization(ns, 'keep', spec({ path: 'keep', prune: false }));
  await waitReady(ns, 'p');
  await waitReady(ns, 'keep');
  const rev = await src.push({ 'p/a.yaml': null, 'p/b.yaml': null, 'p/d.yaml': configMap('d', ns, { x: '1' }) });
  await waitReady(ns, 'p', rev);
  assert.equal(await get('v1', 'ConfigMap', ns, 'a'), undefined, 'pruned');
  assert.ok(await get('v1', 'ConfigMap', ns, 'b'), 'prune: disabled kept');
  await env.client.delete({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: ns, name: 'keep' });
  await eventually(async () => assert.equal(await get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', ns, 'keep'), undefined));
  assert.ok(await get('v1', 'ConfigMap', ns, 'c'), 'orphaned, not deleted');
});

test('deletionPolicy: Delete deletes with prune false, WaitForTermination keeps the finalizer until the objects are gone, Orphan leaves them with prune true', async () => {
  const ns = await env.namespace('deletion');
  const hold = 'example.com/hold';
  await source(ns, {
    'del/a.yaml': configMap('a', ns, { x: '1' }),
    'wait/b.yaml': configMap('b', ns, { x: '1' }).replace('metadata:\n', `metadata:\n  finalizers: [${hold}]\n`),
    'wait/k.yaml': configMap('k', ns, { x: '1' }, '  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n'),
    'orphan/c.yaml': configMap('c', ns, { x: '1' }),
  });
  await env.applyKustomization(ns, 'del', spec({ path: 'del', prune: false, deletionPolicy: 'Delete' }));
  await env.applyKustomization(ns, 'wait', spec({ path: 'wait', prune: false, deletionPolicy: 'WaitForTermination' }));
  await env.applyKustomization(ns, 'orphan', spec({ path: 'orphan', prune: true, deletionPolicy: 'Orphan' }));
  for (const name of ['del', 'wait', 'orphan']) await waitReady(ns, name);
  const ksRef = (name: string) => ({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: ns, name });
  for (const name of ['del', 'wait', 'orphan']) await env.client.delete(ksRef(name));

  await eventually(async () => {
    assert.equal(await env.client.tryGet(ksRef('del')), undefined);
    assert.equal(await get('v1', 'ConfigMap', ns, 'a'), undefined, 'Delete: deleted although prune is false');
    assert.equal(await env.client.tryGet(ksRef('orphan')), undefined);
  }, { what: 'Delete and Orphan finalized' });
  assert.ok(await get('v1', 'ConfigMap', ns, 'c'), 'Orphan: left although prune is true');

  // b is Terminating (its own finalizer holds it): the Kustomization waits, its finalizer stays
  await eventually(async () => assert.ok((await get('v1', 'ConfigMap', ns, 'b'))?.metadata['deletionTimestamp'], 'b terminating'), { what: 'b terminating' });
  await new Promise((r) => setTimeout(r, 600));
  const waiting = await env.client.tryGet(ksRef('wait'));
  assert.deepEqual(waiting?.metadata.finalizers, ['finalizers.fluxcd.io'], 'WaitForTermination: still waiting for b');
  assert.ok(await get('v1', 'ConfigMap', ns, 'k'), 'prune: disabled object kept (and not waited for)');
  await env.client.patch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'b' }, { metadata: { finalizers: null } }, { type: 'merge' });
  await eventually(async () => {
    assert.equal(await get('v1', 'ConfigMap', ns, 'b'), undefined);
    assert.equal(await env.client.tryGet(ksRef('wait')), undefined, 'released once b is gone');
  }, { what: 'WaitForTermination finalized' });
  assert.ok(await get('v1', 'ConfigMap', ns, 'k'), 'prune: disabled object still there');
});

test('dependsOn orders three Kustomizations', async () => {
  const ns = await env.namespace('deps');
  await source(ns, { 'a/cm.yaml': configMap('a', ns, { v: '1' }), 'b/cm.yaml': configMap('b', ns, { v: '1' }), 'c/cm.yaml': configMap('c', ns, { v: '1' }) });
  await env.applyKustomization(ns, 'c', spec({ path: 'c', dependsOn: [{ name: 'b' }] }));
  await env.applyKustomization(ns, 'b', spec({ path: 'b', dependsOn: [{ name: 'a', namespace: ns }] }));
  await waitFailed(ns, 'b', 'DependencyNotReady', new RegExp(`unable to get '${ns}/a' dependency`));
  await waitFailed(ns, 'c', 'DependencyNotReady', new RegExp(`dependency '${ns}/b' is not ready`));
  assert.equal(await get('v1', 'ConfigMap', ns, 'c'), undefined, 'nothing applied before the dependencies are ready');
  await env.applyKustomization(ns, 'a', spec({ path: 'a' }));
  const [a, b, c] = [await waitReady(ns, 'a'), await waitReady(ns, 'b'), await waitReady(ns, 'c')];
  const created = async (n: string): Promise<number> => Date.parse(String((await get('v1', 'ConfigMap', ns, n))?.metadata['creationTimestamp']));
  assert.ok((await created('a')) <= (await created('b')) && (await created('b')) <= (await created('c')), 'applied in dependency order');
  assert.ok([a, b, c].every((k) => ready(k).status === 'True'));
});

test('health: Failed fails fast with HealthCheckFailed; never-ready times out; last good revision stays', async () => {
  const ns = await env.namespace('health');
  const src = await source(ns, { 'deploy.yaml': deployment('ok', ns) });
  await env.applyKustomization(ns, 'h', spec({ wait: true, timeout: '3s' }));
  const good = await waitReady(ns, 'h');
  assert.equal(getCondition(good, 'Healthy')?.status, 'True');
  assert.match(getCondition(good, 'Healthy')?.message ?? '', /^Health check passed in /);
  const rev = good.status?.lastAppliedRevision;
  await src.push({ 'deploy.yaml': deployment('ok', ns, { annotations: { 'cluster.lockstep.dev/simulate': 'fail' } }) });
  const failed = await waitFailed(ns, 'h', 'HealthCheckFailed', /Deployment/);
  assert.equal(getCondition(failed, 'Healthy')?.status, 'False');
  assert.equal(failed.status?.lastAppliedRevision, rev, 'last applied revision unchanged');
  assert.notEqual(failed.status?.lastAttemptedRevision, rev);
  await src.push({ 'deploy.yaml': deployment('ok', ns, { annotations: { 'cluster.lockstep.dev/simulate': 'never-ready' } }) });
  await waitFailed(ns, 'h', 'HealthCheckFailed', /timeout/i);
});

test('substitution from ConfigMap, Secret and inline (precedence), opt-out; strict mode failure names the object and keeps the last revision', async () => {
  const ns = await env.namespace('subst');
  await env.client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'vars', namespace: ns }, data: { color: 'green', size: 'small' } } as KubeObject);
  await env.client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'secret-vars', namespace: ns }, data: { token: Buffer.from('s3cr3t').toString('base64'), size: Buffer.from('medium').toString('base64') } } as KubeObject);
  const src = await source(ns, {
    'cm.yaml': configMap('out', ns, { color: '${color}', size: '${size}', token: '${token}', region: '${region:=eu}', who: '${who}' }),
    'raw.yaml': configMap('raw', ns, { text: '${not_a_var}' }, '  annotations:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\n'),
  });
  await env.applyKustomization(ns, 's', spec({
    postBuild: { substitute: { who: 'inline' }, substituteFrom: [{ kind: 'ConfigMap', name: 'vars' }, { kind: 'Secret', name: 'secret-vars' }, { kind: 'ConfigMap', name: 'absent', optional: true }] },
  }));
  const k = await waitReady(ns, 's');
  assert.deepEqual((await get('v1', 'ConfigMap', ns, 'out'))?.['data'], { color: 'green', size: 'medium', token: 's3cr3t', region: 'eu', who: 'inline' });
  assert.deepEqual((await get('v1', 'ConfigMap', ns, 'raw'))?.['data'], { text: '${not_a_var}' });
  await src.push({ 'cm.yaml': configMap('out', ns, { color: '${missing_var}' }) });
  const failed = await waitFailed(ns, 's', 'BuildFailed', new RegExp(`ConfigMap/${ns}/out: variable not set \\(strict mode\\): "missing_var"`));
  assert.equal(failed.status?.lastAppliedRevision, k.status?.lastAppliedRevision);
  assert.ok(await get('v1', 'ConfigMap', ns, 'raw'), 'nothing pruned');
  assert.equal(getCondition(failed, 'Reconciling')?.reason, 'ProgressingWithRetry');
});

test('bad input: missing path, build failure, 422, unknown kind — Ready=False naming the file/object, nothing pruned, retried', async () => {
  const ns = await env.namespace('bad');
  const src = await source(ns, { 'app/cm.yaml': configMap('keep', ns, { a: '1' }) });
  await env.applyKustomization(ns, 'b', spec({ path: './app' }));
  const good = await waitReady(ns, 'b');
  const rev = good.status?.lastAppliedRevision;
  const cases: Array<[Record<string, string | null>, string, RegExp]> = [
    [{ 'app/cm.yaml': null, 'other/x.yaml': configMap('x', ns, { a: '1' }) }, 'ArtifactFailed', /kustomization path not found: stat app/],
    [{ 'app/cm.yaml': configMap('keep', ns, { a: '1' }), 'app/kustomization.yaml': 'resources: [cm.yaml, missing.yaml]\n' }, 'BuildFailed', /kustomize build failed: .*missing\.yaml/],
    [{ 'app/kustomization.yaml': 'resources: [cm.yaml, bad.yaml]\n', 'app/bad.yaml': configMap('Bad_Name', ns, { a: '1' }) }, 'ReconciliationFailed', /ConfigMap\/.*Bad_Name.*(invalid|Invalid)/],
    [{ 'app/kustomization.yaml': 'resources: [cm.yaml, widget.yaml]\n', 'app/bad.yaml': null, 'app/widget.yaml': `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: ${ns}\n` }, 'ReconciliationFailed', /Widget/],
  ];
  for (const [files, reason, pattern] of cases) {
    await src.push(files);
    const k = await waitFailed(ns, 'b', reason, pattern);
    assert.equal(k.status?.lastAppliedRevision, rev, `${reason}: last good revision stays`);
    assert.ok(await get('v1', 'ConfigMap', ns, 'keep'), `${reason}: nothing pruned`);
    assert.deepEqual(k.status?.inventory?.entries.map((e) => e.id), [`${ns}_keep__ConfigMap`]);
    assert.ok(env.events.events.some((e) => e.object === `Kustomization/${ns}/b` && e.type === 'Warning' && e.reason === reason));
  }
  // Retried at retryInterval: the failure's attempt count grows without any trigger.
  const before = (await env.getKustomization(ns, 'b')).status?.history?.[0];
  await waitKs(ns, 'b', (k) => assert.ok((k.status?.history?.[0]?.totalReconciliations ?? 0) > (before?.totalReconciliations ?? 0)), 10_000);
});

test('suspend stops reconciling; resume applies the pending revision', async () => {
  const ns = await env.namespace('susp');
  const src = await source(ns, { 'cm.yaml': configMap('s', ns, { v: '1' }) });
  await env.applyKustomization(ns, 's', spec());
  await waitReady(ns, 's');
  await env.applyKustomization(ns, 's', spec({ suspend: true }));
  await new Promise((r) => setTimeout(r, 300));
  const rev2 = await src.push({ 'cm.yaml': configMap('s', ns, { v: '2' }) });
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual((await get('v1', 'ConfigMap', ns, 's'))?.['data'], { v: '1' }, 'not applied while suspended');
  await env.applyKustomization(ns, 's', spec({ suspend: false }));
  await waitReady(ns, 's', rev2);
  assert.deepEqual((await get('v1', 'ConfigMap', ns, 's'))?.['data'], { v: '2' });
});

test('force recreates an object on an immutable change; without force the apply fails', async () => {
  const ns = await env.namespace('force');
  const src = await source(ns, { 'd.yaml': deployment('api', ns, { app: 'v1' }) });
  await env.applyKustomization(ns, 'f', spec());
  await waitReady(ns, 'f');
  const uid = (await get('apps/v1', 'Deployment', ns, 'api'))?.metadata.uid;
  await src.push({ 'd.yaml': deployment('api', ns, { app: 'v2' }) });
  await waitFailed(ns, 'f', 'ReconciliationFailed', /Deployment\/.*api.*immutable/);
  await env.applyKustomization(ns, 'f', spec({ force: true }));
  await waitReady(ns, 'f');
  const after = await get('apps/v1', 'Deployment', ns, 'api');
  assert.notEqual(after?.metadata.uid, uid, 'recreated');
});

test('serviceAccountName: applies as the ServiceAccount; denied outside its RBAC', async () => {
  const ns = await env.namespace('imp');
  const other = await env.namespace('imp-other');
  await env.client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer', namespace: ns } });
  await env.client.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'deployer-admin', namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' }, subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }] } as KubeObject);
  const src = await source(ns, { 'cm.yaml': configMap('mine', ns, { a: '1' }) });
  await env.applyKustomization(ns, 'i', spec({ serviceAccountName: 'deployer' }));
  await waitReady(ns, 'i');
  assert.equal((await get('v1', 'ConfigMap', ns, 'mine'))?.metadata.managedFields !== undefined, true);
  await src.push({ 'cm.yaml': configMap('mine', ns, { a: '1' }), 'x.yaml': configMap('theirs', other, { a: '1' }) });
  await waitFailed(ns, 'i', 'ReconciliationFailed', new RegExp(`ConfigMap/${other}/theirs .*forbidden: User "system:serviceaccount:${ns}:deployer" cannot`));
  assert.equal(await get('v1', 'ConfigMap', other, 'theirs'), undefined);
});

test('kubeConfig.secretRef applies to a second cluster', async () => {
  const remote: TestCluster = await startTestCluster();
  try {
    const ns = await env.namespace('remote');
    await env.client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'remote-kubeconfig', namespace: ns }, data: { 'value.yaml': Buffer.from(remote.kubeconfig).toString('base64') } } as KubeObject);
    await source(ns, { 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: far\n', 'cm.yaml': configMap('there', 'far', { a: '1' }) });
    await env.applyKustomization(ns, 'r', spec({ kubeConfig: { secretRef: { name: 'remote-kubeconfig' } } }));
    await waitReady(ns, 'r');
    const cm = await runTool('kubectl', ['-n', 'far', 'get', 'configmap', 'there', '-o', 'name'], { env: remote.env });
    assert.equal(cm.stdout.trim(), 'configmap/there', cm.stderr);
    assert.equal(await get('v1', 'ConfigMap', 'far', 'there'), undefined, 'not applied to the local cluster');
  } finally {
    await remote.close();
  }
});

test('unsupported source kind stalls with a clear message', async () => {
  const ns = await env.namespace('stall');
  await env.applyKustomization(ns, 'o', { ...spec(), sourceRef: { kind: 'OCIRepository', name: 'x' } });
  const k = await waitKs(ns, 'o', (x) => assert.equal(getCondition(x, 'Stalled')?.status, 'True'));
  assert.match(ready(k).message ?? '', /OCIRepository is unsupported/);
});

/** Every file of the bundled examples/ repository, by relative path. */
async function exampleFiles(): Promise<Record<string, string>> {
  const { readdir, readFile } = await import('node:fs/promises');
  const { join, relative } = await import('node:path');
  const { packageRoot } = await import('../../util/paths.js');
  const root = join(packageRoot(), 'examples');
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else out[relative(root, p)] = await readFile(p, 'utf8');
    }
  };
  await walk(root);
  return out;
}

test('the examples/ repository reconciles end to end (staging): infrastructure first, then apps with substitution', async () => {
  const files = await exampleFiles();
  const repo = await fx.createRepo(`examples${++repoCount}`, { files });
  await env.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
  await env.applyGitRepository('flux-system', 'flux-system', { url: http.repoUrl(repo.name), interval: '10m', ref: { branch: 'main' } });
  await env.applyKustomization('flux-system', 'flux-system', spec({ path: './clusters/staging', sourceRef: { kind: 'GitRepository', name: 'flux-system' } }));
  for (const name of ['flux-system', 'infrastructure', 'apps']) await eventually(() => waitReady('flux-system', name), { timeoutMs: 40_000, what: name });
  const apps = await env.getKustomization('flux-system', 'apps');
  assert.ok((apps.status?.inventory?.entries.length ?? 0) >= 10, JSON.stringify(apps.status?.inventory));
  const ingress = await get('networking.k8s.io/v1', 'Ingress', 'shop', 'frontend');
  assert.match(JSON.stringify(ingress?.['spec']), /shop\.staging\.example\.test/);
  const frontend = await get('apps/v1', 'Deployment', 'shop', 'frontend');
  assert.match(JSON.stringify(frontend?.['spec']), /"name":"ENVIRONMENT","value":"staging"/);
  const widget = await get('example.com/v1', 'Widget', 'shop', 'banner');
  assert.deepEqual(widget?.['spec'], { color: 'blue', size: 3 });
  const cms = await env.client.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: 'podinfo' });
  assert.ok(cms.items.some((c) => (c['data'] as Record<string, string> | undefined)?.['PODINFO_UI_MESSAGE'] === 'Hello from staging'));
});
