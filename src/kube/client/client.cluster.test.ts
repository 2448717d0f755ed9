import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../../../test/harness/cluster.js';
import { KubeClient, loadKubeConfig, isAlreadyExists, isConflict, isInvalid, isNotFound, NoKindMatchError } from './index.js';
import { WIDGET, installWidgetCrd, widget } from '../../runtime/testing.js';

let cluster: TestCluster;
let client: KubeClient;

before(async () => {
  cluster = await startTestCluster();
  client = new KubeClient(loadKubeConfig({ kubeconfig: cluster.kubeconfigPath }));
});
after(async () => {
  client.close();
  await cluster.close();
});

async function namespace(name: string): Promise<string> {
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

test('CRUD with optimistic concurrency against the local cluster', async () => {
  const ns = await namespace('client-crud');
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: ns };
  const created = await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: ns }, data: { k: 'v' } });
  await assert.rejects(client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: ns } }), (e: unknown) => isAlreadyExists(e));
  const got = await client.get(ref);
  assert.deepEqual(got['data'], { k: 'v' });
  const replaced = await client.replace({ ...got, data: { k: 'w' } });
  assert.notEqual(replaced.metadata.resourceVersion, created.metadata.resourceVersion);
  await assert.rejects(client.replace({ ...created, data: { k: 'stale' } }), (e: unknown) => isConflict(e), 'stale resourceVersion is a Conflict');
  const patched = await client.patch(ref, { data: { extra: '1' } }, { type: 'merge', fieldManager: 'test' });
  assert.deepEqual(patched['data'], { k: 'w', extra: '1' });
  await assert.rejects(client.delete(ref, { preconditions: { resourceVersion: '1' } }), (e: unknown) => isConflict(e));
  await client.delete(ref);
  assert.equal(await client.tryGet(ref), undefined);
  await assert.rejects(client.delete(ref), (e: unknown) => isNotFound(e));
});

test('server-side apply keeps every field, dry run persists nothing, invalid objects are Invalid', async () => {
  const ns = await namespace('client-ssa');
  const dep = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: ns, labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
    },
  };
  const dry = await client.apply(dep, { fieldManager: 'kustomize-controller', dryRun: true });
  assert.equal((dry['spec'] as { replicas: number }).replicas, 2);
  assert.equal(await client.tryGet({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: ns }), undefined, 'dry run persisted nothing');
  const live = await client.apply(dep, { fieldManager: 'kustomize-controller' });
  const managers = (live.metadata['managedFields'] as Array<{ manager: string; operation: string }>).map((m) => `${m.manager}/${m.operation}`);
  assert.ok(managers.includes('kustomize-controller/Apply'), managers.join(','));
  const again = await client.apply({ ...dep, spec: { ...dep.spec, replicas: 3 } }, { fieldManager: 'kustomize-controller' });
  assert.equal((again['spec'] as { replicas: number }).replicas, 3);
  await assert.rejects(
    client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name', namespace: ns } }, { fieldManager: 'x' }),
    (e: unknown) => isInvalid(e),
  );
});

test('discovery: a kind served after its CRD appears resolves without a restart', async () => {
  await assert.rejects(client.mappingFor(WIDGET), (e: unknown) => e instanceof NoKindMatchError && isNotFound(e));
  await installWidgetCrd(client);
  const m = await client.mappingFor(WIDGET);
  assert.deepEqual([m.resource, m.namespaced, m.subresources], ['widgets', true, ['status']]);
  const ns = await namespace('client-crd');
  const w = await client.create(widget('w', ns, { size: 1, unknownNested: { deep: [1] } }));
  assert.deepEqual(w['spec'], { size: 1, unknownNested: { deep: [1] } });
  const list = await client.list(WIDGET, { namespace: ns });
  assert.deepEqual(list.items.map((i) => `${i.kind}/${i.metadata.name}`), ['Widget/w']);
  const versions = await client.mapper.apiVersions();
  assert.ok(versions.includes('test.lockstep.dev/v1') && versions.includes('apps/v1') && versions.includes('v1'), versions.join(','));
});

test('watch from a list resourceVersion sees later changes in order', async () => {
  const ns = await namespace('client-watch');
  const type = { apiVersion: 'v1', kind: 'ConfigMap' };
  const list = await client.list(type, { namespace: ns });
  const ac = new AbortController();
  const seen: string[] = [];
  const done = client.watch(type, { namespace: ns, resourceVersion: list.resourceVersion, signal: ac.signal }, (e) => {
    if (e.type !== 'BOOKMARK') seen.push(`${e.type}:${e.object.metadata.name}`);
    if (seen.length === 3) ac.abort();
  });
  await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: ns } });
  await client.patch({ ...type, name: 'x', namespace: ns }, { data: { a: '1' } }, { type: 'merge' });
  await client.delete({ ...type, name: 'x', namespace: ns });
  await done;
  assert.deepEqual(seen, ['ADDED:x', 'MODIFIED:x', 'DELETED:x']);
});
