import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../../../test/harness/cluster.js';
import { allCrds } from '../../api/crd.js';
import { KubeClient, loadKubeConfig } from '../../kube/client/index.js';
import type { KubeObject } from '../../kube/object.js';
import { startFakeController } from '../output/fake-controller.js';
import { runCapture } from '../output/testing.js';

let cluster: TestCluster;
let client: KubeClient;
let stop: () => Promise<void>;
const revision = { value: 'main@sha1:1111111111111111111111111111111111111111' };
const failWith = new Map<string, string>();
const ns = 'flux-system';
let kc: string[];

const run = (...argv: string[]) => runCapture([...argv, ...kc]);

before(async () => {
  cluster = await startTestCluster();
  client = new KubeClient(loadKubeConfig({ kubeconfig: cluster.kubeconfigPath }));
  for (const crd of allCrds()) await client.create(crd as unknown as KubeObject);
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  for (let i = 0; i < 50; i++) {
    try {
      await client.list({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' }, { namespace: ns });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  kc = ['--kubeconfig', cluster.kubeconfigPath];
  stop = startFakeController({ client, namespace: ns, revision, failWith });
});
after(async () => {
  await stop();
  client.close();
  await cluster.close();
});

test('create (applied), get tables, -A, -o yaml|json, status selector', async () => {
  let r = await run('create', 'source', 'git', 'podinfo', '--url=https://example.invalid/podinfo', '--branch=main', '--timeout=20s');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /✚ generating GitRepository\n► applying GitRepository\n✔ GitRepository created\n◎ waiting for GitRepository reconciliation\n✔ GitRepository podinfo is ready\n✔ fetched revision main@sha1:1{40}\n/);
  r = await run('create', 'kustomization', 'apps', '--source=GitRepository/podinfo', '--path=./apps', '--prune', '--timeout=20s');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /✔ applied revision main@sha1:1{40}/);
  await client.create({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'elsewhere', namespace: 'other' }, spec: { interval: '5m', prune: false, sourceRef: { kind: 'GitRepository', name: 'x' } } } as unknown as KubeObject);

  r = await run('get', 'sources', 'git');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `NAME   \t${'REVISION'.padEnd(50)}\tSUSPENDED\tREADY\tMESSAGE\npodinfo\tmain@sha1:${'1'.repeat(40)}\tFalse    \tTrue \tstored artifact for revision 'main@sha1:${'1'.repeat(40)}'\n`);

  r = await run('get', 'ks', '-A');
  const lines = r.stdout.trimEnd().split('\n').map((l) => l.split('\t').map((c) => c.trim()));
  assert.deepEqual(lines, [
    ['NAMESPACE', 'NAME', 'REVISION', 'SUSPENDED', 'READY', 'MESSAGE'],
    ['flux-system', 'apps', revision.value, 'False', 'True', `Applied revision: ${revision.value}`],
    ['other', 'elsewhere', '', 'False', 'False', 'waiting to be reconciled'],
  ]);

  r = await run('get', 'all');
  assert.match(r.stdout, /^NAME\s+\tREVISION.*\ngitrepository\/podinfo\t.*\n\nNAME\s+\tREVISION.*\nkustomization\/apps\s*\t/);

  r = await run('get', 'kustomizations', 'apps', '-o', 'json');
  assert.equal(JSON.parse(r.stdout).metadata.name, 'apps');
  assert.equal(JSON.parse(r.stdout).metadata.managedFields, undefined);
  assert.equal(JSON.parse(r.stdout).status.lastAppliedRevision, revision.value);
  r = await run('get', 'kustomizations', '-o', 'yaml');
  assert.match(r.stdout, /^---\napiVersion: kustomize.toolkit.fluxcd.io\/v1\nkind: Kustomization\n/);

  // As flux: objects without the condition match no selector.
  r = await run('get', 'ks', '-A', '--status-selector', 'ready=true', '--no-header');
  assert.match(r.stdout, /^flux-system\s*\tapps/);
  assert.equal(r.stdout.trimEnd().split('\n').length, 1);

  r = await run('get', 'ks', 'missing');
  assert.equal(r.code, 0);
  assert.match(r.stderr, /✗ Kustomization object 'missing' not found in "flux-system" namespace/);
  r = await run('get', 'ks', '-o', 'xml');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unsupported output format "xml"/);
});

test('reconcile waits for the token and reports the revision or the failure', async () => {
  revision.value = 'main@sha1:2222222222222222222222222222222222222222';
  let r = await run('reconcile', 'kustomization', 'apps', '--with-source', '--timeout=20s');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stderr,
    [
      '► annotating GitRepository podinfo in flux-system namespace',
      '✔ GitRepository annotated',
      '◎ waiting for GitRepository reconciliation',
      '✔ GitRepository reconciliation completed',
      `✔ fetched revision ${revision.value}`,
      '► annotating Kustomization apps in flux-system namespace',
      '✔ Kustomization annotated',
      '◎ waiting for Kustomization reconciliation',
      '✔ Kustomization reconciliation completed',
      `✔ applied revision ${revision.value}`,
      '',
    ].join('\n'),
  );
  const ks = await client.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'apps', namespace: ns });
  assert.match(ks.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);

  failWith.set('apps', 'kustomize build failed: accumulating resources: missing.yaml');
  r = await run('reconcile', 'ks', 'apps', '--timeout=20s');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /✗ Kustomization reconciliation failed: kustomize build failed: accumulating resources: missing.yaml\n$/);
  failWith.clear();

  r = await run('reconcile', 'ks', 'nope');
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "✗ Kustomization 'nope' not found in 'flux-system' namespace\n");
  r = await run('reconcile', 'ks');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Kustomization name is required/);
});

test('reconcile times out with the last status message when nothing handles the request', async () => {
  await client.create({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'orphan', namespace: 'other' }, spec: { interval: '5m', prune: false, sourceRef: { kind: 'GitRepository', name: 'x' } } } as unknown as KubeObject);
  const started = Date.now();
  const r = await run('reconcile', 'ks', 'orphan', '-n', 'other', '--timeout=1s');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /✗ timeout waiting for Kustomization reconciliation: waiting to be reconciled\n$/);
  assert.ok(Date.now() - started < 5000);
});

test('suspend stops reconciles, resume restores them and waits', async () => {
  let r = await run('suspend', 'kustomization', 'apps');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '► suspending Kustomization apps in flux-system namespace\n✔ Kustomization suspended\n');
  r = await run('get', 'ks', 'apps');
  assert.match(r.stdout, /\napps\s*\t\S+\s*\tTrue\s*\t/);
  r = await run('reconcile', 'ks', 'apps');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /resource is suspended/);

  revision.value = 'main@sha1:3333333333333333333333333333333333333333';
  r = await run('resume', 'ks', 'apps', '--timeout=20s');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, `► resuming Kustomization apps in flux-system namespace\n✔ Kustomization resumed\n◎ waiting for Kustomization reconciliation\n✔ Kustomization reconciliation completed\n✔ applied revision ${revision.value}\n`);
  const ks = await client.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'apps', namespace: ns });
  assert.equal((ks as { spec?: { suspend?: boolean } }).spec?.suspend, false);

  r = await run('suspend', 'source', 'git', '--all');
  assert.equal(r.code, 0, r.stderr);
  r = await run('resume', 'source', 'git', '--all', '--no-wait');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '► resuming GitRepository podinfo in flux-system namespace\n✔ GitRepository resumed\n');
});

test('export prints clean YAML of live objects', async () => {
  const r = await run('export', 'source', 'git', '--all');
  assert.equal(r.code, 0, r.stderr);
  const annotations = r.stdout.match(/reconcile.fluxcd.io\/requestedAt: "([^"]+)"/);
  assert.ok(annotations, r.stdout);
  assert.equal(
    r.stdout,
    `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  annotations:
    reconcile.fluxcd.io/requestedAt: "${annotations[1] ?? ''}"
  name: podinfo
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: main
  suspend: false
  timeout: 60s
  url: https://example.invalid/podinfo
`,
  );
});

test('events lists, filters by --for and by type', async () => {
  const ev = (name: string, kind: string, obj: string, type: string, reason: string, message: string, at: string): KubeObject =>
    ({ apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: ns }, involvedObject: { kind, name: obj, namespace: ns }, type, reason, message, lastTimestamp: at, firstTimestamp: at, count: 1, source: { component: 'kustomize-controller' } }) as unknown as KubeObject;
  const t = (secAgo: number) => new Date(Date.now() - secAgo * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  await client.create(ev('a.1', 'Kustomization', 'apps', 'Normal', 'ReconciliationSucceeded', 'Reconciliation finished in 1s', t(30)));
  await client.create(ev('a.2', 'Kustomization', 'apps', 'Warning', 'BuildFailed', 'kustomize build failed', t(5)));
  await client.create({ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'g.1', namespace: ns }, eventTime: new Date(Date.now() - 400_000).toISOString().replace('Z', '000Z'), reportingController: 'source-controller', reportingInstance: 'source-controller-1', action: 'Reconcile', type: 'Normal', reason: 'NewArtifact', note: 'stored artifact for commit', regarding: { kind: 'GitRepository', name: 'podinfo', namespace: ns } } as unknown as KubeObject);
  let r = await run('events');
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trimEnd().split('\n').map((l) => l.split('\t').map((c) => c.trim()));
  assert.deepEqual(rows[0], ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
  assert.deepEqual(rows.slice(1).map((x) => x.slice(1)), [
    ['Normal', 'NewArtifact', 'GitRepository/podinfo', 'stored artifact for commit'],
    ['Normal', 'ReconciliationSucceeded', 'Kustomization/apps', 'Reconciliation finished in 1s'],
    ['Warning', 'BuildFailed', 'Kustomization/apps', 'kustomize build failed'],
  ]);
  assert.match(rows[1]?.[0] ?? '', /^6m[0-9]+s$/);
  r = await run('events', '--for', 'ks/apps', '--types', 'warning');
  assert.deepEqual(r.stdout.trimEnd().split('\n').slice(1).map((l) => l.split('\t')[2]?.trim()), ['BuildFailed']);
  r = await run('events', '--for', 'GitRepository/none');
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /no events found/);
});

test('events --watch prints the listing, then each new event once (either API), filtered, until --timeout', async () => {
  const watching = run('events', '--for', 'ks/watched', '--watch', '--timeout=2s');
  await new Promise((r) => setTimeout(r, 500));
  const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const core = (name: string, obj: string, reason: string): KubeObject =>
    ({ apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: ns }, involvedObject: { kind: 'Kustomization', name: obj, namespace: ns }, type: 'Normal', reason, message: `${reason} happened`, lastTimestamp: at, firstTimestamp: at, count: 1 }) as unknown as KubeObject;
  await client.create(core('w.1', 'watched', 'ReconciliationSucceeded'));
  await client.create(core('w.2', 'other', 'Ignored'));
  await client.create({ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'w.3', namespace: ns }, eventTime: new Date().toISOString().replace('Z', '000Z'), reportingController: 'kustomize-controller', reportingInstance: 'k-1', action: 'Reconcile', type: 'Warning', reason: 'BuildFailed', note: 'build failed', regarding: { kind: 'Kustomization', name: 'watched', namespace: ns } } as unknown as KubeObject);
  const r = await watching;
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^LAST SEEN\s*\tTYPE/);
  assert.deepEqual(lines.slice(1).map((l) => l.split('\t').slice(1, 4).map((c) => c.trim())), [
    ['Normal', 'ReconciliationSucceeded', 'Kustomization/watched'],
    ['Warning', 'BuildFailed', 'Kustomization/watched'],
  ]);
});

test('get --watch prints the table, then a row per change, until --timeout', async () => {
  const watching = run('get', 'ks', 'apps', '--watch', '--timeout=2s');
  await new Promise((r) => setTimeout(r, 500));
  revision.value = 'main@sha1:4444444444444444444444444444444444444444';
  await client.patch({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'apps', namespace: ns }, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'watch-1' } } }, { type: 'merge' });
  const r = await watching;
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^NAME\s*\tREVISION/);
  assert.match(lines[1] ?? '', /^apps\s*\tmain@sha1:3{40}/);
  assert.ok(lines.some((l) => /^apps\s*\tmain@sha1:4{40}\s*\tFalse\s*\tTrue/.test(l)), r.stdout);
  r.code = (await run('get', 'all', '--watch')).code;
  assert.equal(r.code, 2);
});

test('create source git with --username/--password stores them in a Secret and references it', async () => {
  const r = await run('create', 'source', 'git', 'private', '--url=https://example.invalid/private', '--branch=main', '-u', 'git', '-p', 's3cret', '--timeout=20s');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /► applying secret with repository credentials\n✔ authentication configured\n/);
  const secret = await client.get({ apiVersion: 'v1', kind: 'Secret', name: 'private', namespace: ns });
  assert.deepEqual((secret as { data?: Record<string, string> }).data, { username: Buffer.from('git').toString('base64'), password: Buffer.from('s3cret').toString('base64') });
  const repo = await client.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'private', namespace: ns });
  assert.deepEqual((repo as { spec?: { secretRef?: unknown } }).spec?.secretRef, { name: 'private' });
  const ex = await run('create', 'source', 'git', 'private', '--url=https://example.invalid/private', '--branch=main', '-u', 'git', '-p', 's3cret', '--export');
  assert.doesNotMatch(ex.stdout, /secretRef|s3cret/);
});
