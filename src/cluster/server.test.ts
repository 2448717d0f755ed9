import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../../test/harness/cluster.js';
import { clusterRequest, type ClusterResponse } from '../../test/harness/cluster-http.js';
import { defaultControllers } from './controllers/index.js';
import { defaultClusterPlugins } from './server.js';

interface Obj {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; namespace?: string; resourceVersion?: string; uid?: string; generation?: number; deletionTimestamp?: string; finalizers?: string[]; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  items?: Obj[];
  reason?: string;
  code?: number;
  message?: string;
  details?: { causes?: { field?: string; reason?: string; message?: string }[] };
}

const cmPath = (ns: string, name = ''): string => `/api/v1/namespaces/${ns}/configmaps${name ? `/${name}` : ''}`;

describe('local cluster API', () => {
  let c: TestCluster;
  const req = (path: string, opts: Parameters<typeof clusterRequest>[2] = {}): Promise<ClusterResponse> => clusterRequest(c, path, opts);
  const json = (r: ClusterResponse): Obj => r.json as Obj;

  before(async () => {
    // no workload simulation here: the status subresource test writes Deployment status itself
    c = await startTestCluster({ plugins: (client) => ({ ...defaultClusterPlugins(client), controllers: defaultControllers({ simulate: false }) }) });
    const ns = await req('/api/v1/namespaces', { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 't1' } } });
    assert.equal(ns.status, 201, ns.text);
  });
  after(async () => {
    await c.close();
  });

  test('authentication: no token or a wrong token is 401; health is open', async () => {
    assert.equal((await req('/api/v1/namespaces', { token: null })).status, 401);
    assert.equal((await req('/api/v1/namespaces', { token: 'nope' })).status, 401);
    assert.equal((await req('/healthz', { token: null })).status, 200);
  });

  test('client certificates signed by the CA authenticate', async () => {
    const cert = c.issueClientCert({ name: 'alice', groups: ['system:masters'] });
    const r = await req('/api/v1/namespaces/default', { token: null, cert });
    assert.equal(r.status, 200, r.text);
  });

  test('discovery lists core and group versions with subresources', async () => {
    const core = json(await req('/api/v1')) as unknown as { resources: { name: string; verbs: string[] }[] };
    const names = core.resources.map((r) => r.name);
    for (const n of ['configmaps', 'namespaces', 'pods', 'pods/status', 'namespaces/finalize']) assert.ok(names.includes(n), n);
    const apps = json(await req('/apis/apps/v1')) as unknown as { resources: { name: string }[] };
    assert.ok(apps.resources.some((r) => r.name === 'deployments/scale'));
    const groups = json(await req('/apis')) as unknown as { groups: { name: string }[] };
    assert.ok(groups.groups.some((g) => g.name === 'apps'));
    assert.equal((await req('/apis/nope.example/v1')).status, 404);
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const agg = await req('/apis', { headers: { Accept: accept } });
    assert.equal(agg.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const items = (agg.json as { items: { metadata: { name: string }; versions: { version: string; resources: { resource: string; scope: string; subresources?: { subresource: string }[] }[] }[] }[] }).items;
    const appsV1 = items.find((g) => g.metadata.name === 'apps')?.versions.find((v) => v.version === 'v1');
    const deploy = appsV1?.resources.find((x) => x.resource === 'deployments');
    assert.equal(deploy?.scope, 'Namespaced');
    assert.deepEqual(deploy?.subresources?.map((x) => x.subresource).sort(), ['scale', 'status']);
    const coreAgg = (await req('/api', { headers: { Accept: accept } })).json as { items: { metadata: { name: string } }[] };
    assert.deepEqual(coreAgg.items.map((g) => g.metadata.name), ['']);
  });

  test('create assigns uid, resourceVersion, generation; duplicate is 409 AlreadyExists', async () => {
    const r = await req(cmPath('t1'), { method: 'POST', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } } });
    assert.equal(r.status, 201, r.text);
    const o = json(r);
    assert.match(o.metadata.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.match(o.metadata.resourceVersion ?? '', /^\d+$/);
    assert.equal(o.metadata.namespace, 't1');
    const dup = await req(cmPath('t1'), { method: 'POST', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } } });
    assert.equal(dup.status, 409);
    assert.equal(json(dup).reason, 'AlreadyExists');
    assert.equal(json(dup).message, 'configmaps "a" already exists');
  });

  test('generateName, invalid names (422 with causes), missing namespace (404)', async () => {
    const g = await req(cmPath('t1'), { method: 'POST', body: { metadata: { generateName: 'gen-' } } });
    assert.equal(g.status, 201, g.text);
    assert.match(json(g).metadata.name ?? '', /^gen-[a-z0-9]{5}$/);
    const bad = await req(cmPath('t1'), { method: 'POST', body: { metadata: { name: 'Bad_Name' } } });
    assert.equal(bad.status, 422);
    assert.equal(json(bad).reason, 'Invalid');
    assert.equal(json(bad).details?.causes?.[0]?.field, 'metadata.name');
    const nons = await req(cmPath('missing-ns'), { method: 'POST', body: { metadata: { name: 'x' } } });
    assert.equal(nons.status, 404);
  });

  test('bad input: malformed JSON/YAML 400, unknown resource 404, body over 3 MiB 413', async () => {
    const m = await req(cmPath('t1'), { method: 'POST', body: '{"metadata": ', contentType: 'application/json' });
    assert.equal(m.status, 400);
    assert.match(json(m).message ?? '', /JSON/);
    const y = await req(cmPath('t1'), { method: 'POST', body: 'metadata: [a\n  b: {', contentType: 'application/yaml' });
    assert.equal(y.status, 400);
    assert.equal((await req('/api/v1/namespaces/t1/widgets')).status, 404);
    const big = await req(cmPath('t1'), { method: 'POST', body: { metadata: { name: 'big' }, data: { x: 'a'.repeat(3.2 * 1024 * 1024) } } });
    assert.equal(big.status, 413);
    assert.equal((await req(cmPath('t1', 'big'))).status, 404, 'nothing half-written');
  });

  test('update: 409 on a stale resourceVersion, no-op keeps the resourceVersion', async () => {
    const o = json(await req(cmPath('t1', 'a')));
    const upd = await req(cmPath('t1', 'a'), { method: 'PUT', body: { ...o, data: { k: 'v2' } } });
    assert.equal(upd.status, 200, upd.text);
    const stale = await req(cmPath('t1', 'a'), { method: 'PUT', body: { ...o, data: { k: 'v3' } } });
    assert.equal(stale.status, 409);
    assert.equal(json(stale).reason, 'Conflict');
    const cur = json(await req(cmPath('t1', 'a')));
    const same = await req(cmPath('t1', 'a'), { method: 'PUT', body: cur });
    assert.equal(json(same).metadata.resourceVersion, cur.metadata.resourceVersion);
  });

  test('generation moves on spec changes only; status subresource ignores other fields', async () => {
    const base = '/apis/apps/v1/namespaces/t1/deployments';
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    };
    const created = json(await req(base, { method: 'POST', body: dep }));
    assert.equal(created.metadata.generation, 1);
    const labeled = json(await req(`${base}/d`, { method: 'PATCH', body: { metadata: { labels: { a: 'b' } } }, contentType: 'application/merge-patch+json' }));
    assert.equal(labeled.metadata.generation, 1);
    const scaled = json(await req(`${base}/d`, { method: 'PATCH', body: { spec: { replicas: 3 } }, contentType: 'application/merge-patch+json' }));
    assert.equal(scaled.metadata.generation, 2);
    const st = await req(`${base}/d/status`, { method: 'PATCH', body: { status: { replicas: 3 }, spec: { replicas: 9 } }, contentType: 'application/merge-patch+json' });
    assert.equal(st.status, 200, st.text);
    assert.deepEqual(json(st).status, { replicas: 3 });
    assert.equal((json(st).spec as { replicas: number }).replicas, 3);
    const scale = json(await req(`${base}/d/scale`));
    assert.equal(scale.kind, 'Scale');
    assert.deepEqual(scale.spec, { replicas: 3 });
  });

  test('list with label and field selectors, limit and continue', async () => {
    for (const n of ['l1', 'l2', 'l3']) {
      await req(cmPath('t1'), { method: 'POST', body: { metadata: { name: n, labels: { set: 'l', n } } } });
    }
    const sel = json(await req(`${cmPath('t1')}?labelSelector=${encodeURIComponent('set=l,n in (l1,l3)')}`));
    assert.deepEqual(sel.items?.map((i) => i.metadata.name), ['l1', 'l3']);
    const fs = json(await req(`${cmPath('t1')}?fieldSelector=metadata.name%3Dl2`));
    assert.deepEqual(fs.items?.map((i) => i.metadata.name), ['l2']);
    const p1 = json(await req(`${cmPath('t1')}?labelSelector=set%3Dl&limit=2`)) as Obj & { metadata: { continue?: string } };
    assert.equal(p1.items?.length, 2);
    const cont = (p1.metadata as { continue?: string }).continue ?? '';
    const p2 = json(await req(`${cmPath('t1')}?labelSelector=set%3Dl&limit=2&continue=${encodeURIComponent(cont)}`));
    assert.deepEqual(p2.items?.map((i) => i.metadata.name), ['l3']);
  });

  test('dryRun=All writes nothing', async () => {
    const r = await req(`${cmPath('t1')}?dryRun=All`, { method: 'POST', body: { metadata: { name: 'dry' } } });
    assert.equal(r.status, 201);
    assert.equal((await req(cmPath('t1', 'dry'))).status, 404);
    const d = await req(`${cmPath('t1', 'a')}?dryRun=All`, { method: 'DELETE' });
    assert.equal(d.status, 200);
    assert.equal((await req(cmPath('t1', 'a'))).status, 200);
  });

  test('finalizers: delete marks, removing the last finalizer deletes', async () => {
    await req(cmPath('t1'), { method: 'POST', body: { metadata: { name: 'fin', finalizers: ['example.com/x'] } } });
    const d = json(await req(cmPath('t1', 'fin'), { method: 'DELETE' }));
    assert.ok(d.metadata.deletionTimestamp);
    assert.equal((await req(cmPath('t1', 'fin'))).status, 200);
    const p = await req(cmPath('t1', 'fin'), { method: 'PATCH', body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' });
    assert.equal(p.status, 200, p.text);
    assert.equal((await req(cmPath('t1', 'fin'))).status, 404);
  });

  test('delete preconditions: a wrong uid is 409', async () => {
    await req(cmPath('t1'), { method: 'POST', body: { metadata: { name: 'pre' } } });
    const r = await req(cmPath('t1', 'pre'), { method: 'DELETE', body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'wrong' } } });
    assert.equal(r.status, 409);
    assert.match(json(r).message ?? '', /Precondition failed: UID in precondition: wrong/);
  });

  test('CRDs: creating one serves its kind; deleting it removes its objects', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wg'] },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }, subresources: { status: {} } }],
      },
    };
    const r = await req('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { method: 'POST', body: crd });
    assert.equal(r.status, 201, r.text);
    const disc = json(await req('/apis/example.com/v1')) as unknown as { resources: { name: string; shortNames?: string[] }[] };
    assert.deepEqual(disc.resources.map((x) => x.name), ['widgets', 'widgets/status']);
    const w = await req('/apis/example.com/v1/namespaces/t1/widgets', { method: 'POST', body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 1 } } });
    assert.equal(w.status, 201, w.text);
    const smp = await req('/apis/example.com/v1/namespaces/t1/widgets/w1', { method: 'PATCH', body: {}, contentType: 'application/strategic-merge-patch+json' });
    assert.equal(smp.status, 415);
    assert.equal((await req('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com', { method: 'DELETE' })).status, 200);
    assert.equal((await req('/apis/example.com/v1/namespaces/t1/widgets/w1')).status, 404);
  });

  test('fieldValidation: Strict rejects unknown fields (400), Warn answers with a Warning header, Ignore is silent', async () => {
    const body = { metadata: { name: 'fv' }, data: { a: 'b' }, bogus: 1 };
    const strict = await req(`${cmPath('t1')}?fieldValidation=Strict`, { method: 'POST', body });
    assert.equal(strict.status, 400);
    assert.match(json(strict).message ?? '', /strict decoding error: unknown field "bogus"/);
    const warn = await req(`${cmPath('t1')}?fieldValidation=Warn&dryRun=All`, { method: 'POST', body });
    assert.equal(warn.status, 201);
    assert.match(String(warn.headers.warning ?? ''), /299 - "unknown field \\"bogus\\""/);
    const ignore = await req(`${cmPath('t1')}?fieldValidation=Ignore&dryRun=All`, { method: 'POST', body });
    assert.equal(ignore.status, 201);
    assert.equal(ignore.headers.warning, undefined);
  });

  test('impersonation: admin may impersonate; a plain user may not; the impersonated user is authorized by RBAC', async () => {
    const asBob = await req('/api/v1/namespaces/t1/configmaps', { headers: { 'Impersonate-User': 'bob' } });
    assert.equal(asBob.status, 403);
    assert.match(json(asBob).message ?? '', /User "bob" cannot list resource "configmaps" in API group "" in the namespace "t1"/);
    const asMaster = await req('/api/v1/namespaces/t1/configmaps', { headers: { 'Impersonate-User': 'carol', 'Impersonate-Group': 'system:masters' } });
    assert.equal(asMaster.status, 200);
    const cert = c.issueClientCert({ name: 'dave', groups: [] });
    const dave = await req('/api/v1/namespaces/t1/configmaps', { token: null, cert, headers: { 'Impersonate-User': 'admin' } });
    assert.equal(dave.status, 403);
    assert.match(json(dave).message ?? '', /cannot impersonate resource "users"/);
  });

  test('Table output for kubectl get, scale subresource updates replicas', async () => {
    const t = await req(cmPath('t1'), { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } });
    const table = t.json as { kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    assert.equal(table.kind, 'Table');
    assert.deepEqual(table.columnDefinitions.map((x) => x.name), ['Name', 'Data', 'Age']);
    assert.ok(table.rows.some((r) => r.cells[0] === 'a'));
    const sc = await req('/apis/apps/v1/namespaces/t1/deployments/d/scale', { method: 'PATCH', body: { spec: { replicas: 5 } }, contentType: 'application/merge-patch+json' });
    assert.equal(sc.status, 200, sc.text);
    assert.deepEqual(json(sc).spec, { replicas: 5 });
    const dep = json(await req('/apis/apps/v1/namespaces/t1/deployments/d'));
    assert.equal((dep.spec as { replicas: number }).replicas, 5);
  });

  test('OpenAPI: v2 and v3 documents carry definitions with GVK extensions and PATCH fieldValidation', async () => {
    const v2 = json(await req('/openapi/v2')) as unknown as { definitions: Record<string, { 'x-kubernetes-group-version-kind'?: unknown[] }>; paths: Record<string, unknown> };
    assert.ok(v2.definitions['io.k8s.api.apps.v1.Deployment']?.['x-kubernetes-group-version-kind']);
    assert.ok(v2.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']);
    const idx = json(await req('/openapi/v3')) as unknown as { paths: Record<string, { serverRelativeURL: string }> };
    const apps = idx.paths['apis/apps/v1'];
    assert.ok(apps);
    const doc = json(await req(apps.serverRelativeURL)) as unknown as { components: { schemas: Record<string, unknown> } };
    assert.ok(doc.components.schemas['io.k8s.api.apps.v1.DeploymentSpec']);
    assert.equal((await req('/openapi/v3/apis/nope/v1')).status, 404);
  });

  test('deletecollection with a label selector; cluster-wide list across namespaces', async () => {
    await req('/api/v1/namespaces', { method: 'POST', body: { metadata: { name: 't2' } } });
    for (const [ns, n] of [['t1', 'dc1'], ['t1', 'dc2'], ['t2', 'dc3']]) {
      await req(cmPath(ns ?? ''), { method: 'POST', body: { metadata: { name: n, labels: { dc: 'yes' } } } });
    }
    const all = json(await req('/api/v1/configmaps?labelSelector=dc%3Dyes'));
    assert.deepEqual(all.items?.map((i) => `${i.metadata.namespace}/${i.metadata.name}`), ['t1/dc1', 't1/dc2', 't2/dc3']);
    const del = await req(`${cmPath('t1')}?labelSelector=dc%3Dyes`, { method: 'DELETE' });
    assert.equal(del.status, 200, del.text);
    assert.deepEqual(json(del).items?.map((i) => i.metadata.name), ['dc1', 'dc2']);
    const left = json(await req('/api/v1/configmaps?labelSelector=dc%3Dyes'));
    assert.deepEqual(left.items?.map((i) => i.metadata.name), ['dc3']);
  });

  test('long lists are streamed as one valid document; unimplemented subresources are 404', async () => {
    await req('/api/v1/namespaces', { method: 'POST', body: { metadata: { name: 'many' } } });
    const ref = { group: '', version: 'v1', resource: 'configmaps' };
    for (let i = 0; i < 1234; i++) c.client.create(ref, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `m${String(i).padStart(4, '0')}`, namespace: 'many' } });
    const list = json(await req(cmPath('many')));
    assert.equal(list.items?.length, 1234);
    assert.equal(list.items?.[1233]?.metadata.name, 'm1233');
    await req('/api/v1/namespaces/many/pods', { method: 'POST', body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } } });
    assert.equal((await req('/api/v1/namespaces/many/pods/p/log')).status, 404);
  });
});
