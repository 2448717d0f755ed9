import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeClient, loadKubeConfig } from '../kube/client/index.js';
import type { KubeObject } from '../kube/object.js';
import { eventually } from '../../test/harness/eventually.js';
import { Cache, objectKey, parseKey } from './cache.js';
import { Informer } from './informer.js';
import { anyOf, artifactRevision, deletionChanged, generationChanged, requestedAtChanged, sourceRevisionChanged } from './predicates.js';

const cm = (name: string, rv: string): Record<string, unknown> => ({ metadata: { name, namespace: 'ns', resourceVersion: rv } });

/**
 * A scripted API server: each list answers the next entry of `lists`; each watch plays the next entry of
 * `watches` (lines, then ends) — or answers 500 for the string 'fail'.
 */
async function scripted(script: { lists: Array<{ rv: string; items: unknown[] }>; watches: Array<unknown[] | 'fail'> }) {
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/api/v1') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }] }));
      return;
    }
    if (url.includes('watch=true')) {
      calls.push(`watch rv=${new URL(url, 'http://x').searchParams.get('resourceVersion') ?? ''}`);
      const w = script.watches.shift();
      if (w === undefined) {
        res.writeHead(200).flushHeaders(); // hang open until the client aborts
        return;
      }
      if (w === 'fail') {
        res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"kind":"Status","code":500,"message":"etcd down"}');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(w.map((l) => JSON.stringify(l)).join('\n') + '\n');
      return;
    }
    calls.push('list');
    const l = script.lists.shift() ?? { rv: '999', items: [] };
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ metadata: { resourceVersion: l.rv }, items: l.items }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const kc = `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`;
  const client = new KubeClient(loadKubeConfig({ inline: kc }), { qps: 0 });
  return {
    client,
    calls,
    close: async () => {
      client.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

test('informer: 410 relists at once, errors relist after backoff, a relist emits the differences', async () => {
  const s = await scripted({
    lists: [
      { rv: '10', items: [cm('a', '1'), cm('b', '2')] },
      { rv: '20', items: [cm('a', '15'), cm('c', '16')] }, // after 410: b vanished, a changed, c new
      { rv: '30', items: [cm('a', '15'), cm('c', '16')] }, // after the 500: nothing changed
    ],
    watches: [
      [{ type: 'MODIFIED', object: cm('a', '11') }, { type: 'BOOKMARK', object: { metadata: { resourceVersion: '12' } } }],
      [{ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' } }],
      'fail',
    ],
  });
  const events: string[] = [];
  const errors: string[] = [];
  const inf = new Informer(s.client, { type: { apiVersion: 'v1', kind: 'ConfigMap' }, minBackoffMs: 30, maxBackoffMs: 60, onError: (e) => errors.push((e as Error).message) });
  inf.addHandlers({
    add: (o) => events.push(`add ${o.metadata.name ?? ''}@${o.metadata.resourceVersion ?? ''}`),
    update: (o, n) => events.push(`update ${n.metadata.name ?? ''}@${o.metadata.resourceVersion ?? ''}->${n.metadata.resourceVersion ?? ''}`),
    delete: (o) => events.push(`delete ${o.metadata.name ?? ''}`),
  });
  try {
    inf.start();
    await eventually(() => assert.equal(s.calls.length, 7, s.calls.join(' | ')), { timeoutMs: 5000 });
    assert.deepEqual(s.calls, [
      'list',
      'watch rv=10',
      'watch rv=12', // resumed from the bookmark after a normal end
      'list', // 410: relist, no backoff
      'watch rv=20',
      'list', // after the 500 and a backoff
      'watch rv=30',
    ]);
    assert.deepEqual(events, ['add a@1', 'add b@2', 'update a@1->11', 'update a@11->15', 'add c@16', 'delete b']);
    assert.equal(inf.restarts, 1, 'only the 500 counts as a restart');
    assert.match(errors[0] ?? '', /etcd down/);
    assert.deepEqual(inf.cache.keys().sort(), ['ns/a', 'ns/c']);
    // A handler added late sees the cache as adds.
    const late: string[] = [];
    inf.addHandlers({ add: (o) => late.push(o.metadata.name ?? '') });
    assert.deepEqual(late.sort(), ['a', 'c']);
  } finally {
    await inf.stop();
    await s.close();
  }
});

test('informer: a throwing handler does not stop the others or the informer', async () => {
  const s = await scripted({ lists: [{ rv: '1', items: [cm('a', '1')] }], watches: [] });
  const seen: string[] = [];
  const errors: unknown[] = [];
  const inf = new Informer(s.client, { type: { apiVersion: 'v1', kind: 'ConfigMap' }, onError: (e) => errors.push(e) });
  inf.addHandlers({
    add: () => {
      throw new Error('handler bug');
    },
  });
  inf.addHandlers({ add: (o) => seen.push(o.metadata.name ?? '') });
  try {
    inf.start();
    await inf.waitForSync();
    assert.deepEqual(seen, ['a']);
    assert.equal(errors.length, 1);
    assert.equal(inf.restarts, 0);
  } finally {
    await inf.stop();
    await s.close();
  }
});

test('cache: keys, namespaces and indexes follow upserts and removals', () => {
  const c = new Cache();
  const obj = (ns: string, name: string, refs: string[]): KubeObject => ({ apiVersion: 'v1', kind: 'X', metadata: { namespace: ns, name }, spec: { refs } });
  c.addIndex('ref', (o) => ((o['spec'] as { refs: string[] }).refs));
  c.upsert(obj('n1', 'a', ['s1', 's2']));
  c.upsert(obj('n2', 'b', ['s1']));
  assert.deepEqual(c.byIndex('ref', 's1').map(objectKey).sort(), ['n1/a', 'n2/b']);
  c.upsert(obj('n1', 'a', ['s3']));
  assert.deepEqual(c.byIndex('ref', 's1').map(objectKey), ['n2/b']);
  assert.deepEqual(c.byIndex('ref', 's2'), []);
  assert.deepEqual(c.byIndex('ref', 's3').map(objectKey), ['n1/a']);
  assert.equal(c.list('n1').length, 1);
  c.remove('n2/b');
  assert.deepEqual(c.byIndex('ref', 's1'), []);
  assert.equal(c.size, 1);
  // An index added later covers existing objects.
  c.addIndex('ns', (o) => [o.metadata.namespace ?? '']);
  assert.deepEqual(c.byIndex('ns', 'n1').map(objectKey), ['n1/a']);
  assert.deepEqual(parseKey('ns/name'), { namespace: 'ns', name: 'name' });
  assert.deepEqual(parseKey('cluster-scoped'), { name: 'cluster-scoped' });
  assert.equal(objectKey({ metadata: { name: 'x' } }), 'x');
});

test('predicates', () => {
  const base = (over: Partial<KubeObject['metadata']> = {}, status?: unknown): KubeObject => ({
    apiVersion: 'v1',
    kind: 'X',
    metadata: { name: 'a', generation: 1, ...over },
    ...(status ? { status } : {}),
  });
  const rows: Array<{ name: string; o: KubeObject; n: KubeObject; gen: boolean; req: boolean; del: boolean; src: boolean }> = [
    { name: 'status only', o: base(), n: base({}, { x: 1 }), gen: false, req: false, del: false, src: false },
    { name: 'generation', o: base(), n: base({ generation: 2 }), gen: true, req: false, del: false, src: false },
    { name: 'requestedAt set', o: base(), n: base({ annotations: { 'reconcile.fluxcd.io/requestedAt': 't1' } }), gen: false, req: true, del: false, src: false },
    {
      name: 'requestedAt same',
      o: base({ annotations: { 'reconcile.fluxcd.io/requestedAt': 't1' } }),
      n: base({ annotations: { 'reconcile.fluxcd.io/requestedAt': 't1', other: 'x' } }),
      gen: false,
      req: false,
      del: false,
      src: false,
    },
    { name: 'deletion', o: base(), n: base({ deletionTimestamp: '2026-01-01T00:00:00Z' }), gen: false, req: false, del: true, src: false },
    { name: 'finalizers only', o: base(), n: base({ finalizers: ['f'] }), gen: false, req: false, del: false, src: false },
    { name: 'revision', o: base({}, { artifact: { revision: 'main@sha1:a' } }), n: base({}, { artifact: { revision: 'main@sha1:b' } }), gen: false, req: false, del: false, src: true },
    { name: 'artifact appears', o: base(), n: base({}, { artifact: { revision: 'main@sha1:b' } }), gen: false, req: false, del: false, src: true },
  ];
  for (const r of rows) {
    assert.equal(generationChanged(r.o, r.n), r.gen, `${r.name}: generation`);
    assert.equal(requestedAtChanged(r.o, r.n), r.req, `${r.name}: requestedAt`);
    assert.equal(deletionChanged(r.o, r.n), r.del, `${r.name}: deletion`);
    assert.equal(sourceRevisionChanged(r.o, r.n), r.src, `${r.name}: source revision`);
    assert.equal(anyOf(generationChanged, sourceRevisionChanged)(r.o, r.n), r.gen || r.src, `${r.name}: anyOf`);
  }
  assert.equal(artifactRevision(base({}, { artifact: { revision: 'r' } })), 'r');
});
