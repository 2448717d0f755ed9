import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../kube/object.js';
import { createMergePatch } from './mergepatch.js';
import { mergeStatus } from './patcher.js';
import { jsonEqual } from '../kube/object.js';

const cond = (type: string, status: string, reason = 'r'): JsonObject => ({ type, status, reason, message: '', lastTransitionTime: '2026-01-01T00:00:00Z' });

test('createMergePatch: set, remove, recurse, replace arrays; undefined when equal', () => {
  const rows: Array<{ from: JsonObject; to: JsonObject; want: JsonObject | undefined }> = [
    { from: { a: 1 }, to: { a: 1 }, want: undefined },
    { from: { a: 1 }, to: { a: 2 }, want: { a: 2 } },
    { from: { a: 1, b: 2 }, to: { a: 1 }, want: { b: null } },
    { from: { o: { x: 1, y: 2 } }, to: { o: { x: 1, z: 3 } }, want: { o: { y: null, z: 3 } } },
    { from: { l: [1, 2] }, to: { l: [1] }, want: { l: [1] } },
    { from: {}, to: { o: { x: 1 } }, want: { o: { x: 1 } } },
    { from: { o: { x: 1 } }, to: { o: 'scalar' }, want: { o: 'scalar' } },
  ];
  for (const r of rows) assert.deepEqual(createMergePatch(r.from, r.to), r.want, JSON.stringify(r));
  assert.equal(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }), true);
  assert.equal(jsonEqual({ a: 1 }, { a: 1, b: 1 }), false);
});

test('mergeStatus: our field changes land on the latest status; theirs are kept', () => {
  const before: JsonObject = { observedGeneration: 1, artifact: { revision: 'a' }, url: 'u' };
  const after: JsonObject = { observedGeneration: 2, artifact: { revision: 'b' }, url: 'u' };
  const latest: JsonObject = { observedGeneration: 1, artifact: { revision: 'a' }, url: 'u2', other: 'theirs' };
  assert.deepEqual(mergeStatus({ before, after, latest, owned: new Set() }), {
    observedGeneration: 2,
    artifact: { revision: 'b' },
    url: 'u2',
    other: 'theirs',
  });
});

test('mergeStatus: owned conditions win, non-owned changed by others are kept', () => {
  const owned = new Set(['Ready', 'Reconciling', 'Stalled', 'FetchFailed']);
  const before: JsonObject = { conditions: [cond('Ready', 'Unknown'), cond('Reconciling', 'True'), cond('Foreign', 'True')] };
  const after: JsonObject = { conditions: [cond('Ready', 'True', 'Succeeded'), cond('Foreign', 'False', 'mine')] };
  const latest: JsonObject = {
    conditions: [cond('Ready', 'False', 'SomeoneElse'), cond('Reconciling', 'True'), cond('Foreign', 'Unknown', 'theirs'), cond('Extra', 'True')],
  };
  const out = mergeStatus({ before, after, latest, owned });
  const list = out['conditions'] as JsonObject[];
  const byType = Object.fromEntries(list.map((c) => [c['type'] as string, `${String(c['status'])}/${String(c['reason'])}`]));
  assert.deepEqual(byType, {
    Ready: 'True/Succeeded', // owned: ours wins over their change
    Foreign: 'Unknown/theirs', // not owned and they changed it: theirs
    Extra: 'True/r', // untouched by us
  });
  assert.equal(list.some((c) => c['type'] === 'Reconciling'), false, 'our removal of an owned condition applies');
});

test('mergeStatus: a condition we did not touch is never rewritten', () => {
  const c = cond('Healthy', 'True');
  const out = mergeStatus({ before: { conditions: [c] }, after: { conditions: [c] }, latest: { conditions: [cond('Healthy', 'False', 'x')] }, owned: new Set(['Healthy']) });
  assert.deepEqual(out['conditions'], [cond('Healthy', 'False', 'x')]);
});

test('StatusPatcher: gives up with StatusPatchError after maxRetries conflicts; patches are serial', async () => {
  const http = await import('node:http');
  const { KubeClient, loadKubeConfig } = await import('../kube/client/index.js');
  const { StatusPatcher, StatusPatchError } = await import('./patcher.js');
  let patches = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = req.url ?? '';
      if (url === '/api/v1') {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }] }));
      } else if (req.method === 'PATCH') {
        patches++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        setTimeout(() => {
          inFlight--;
          if (url.includes('/conflict')) res.writeHead(409, { 'Content-Type': 'application/json' }).end('{"kind":"Status","code":409,"reason":"Conflict","message":"modified"}');
          else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ok', resourceVersion: String(patches) }, status: {} }));
        }, 10);
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'conflict', resourceVersion: '7' }, status: {} }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const kc = `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`;
  const client = new KubeClient(loadKubeConfig({ inline: kc }), { qps: 0 });
  try {
    const bad = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'conflict', namespace: 'ns', resourceVersion: '1' }, status: { a: 1 } };
    const p1 = new StatusPatcher(client, { ...bad, status: {} }, { fieldManager: 'm', maxRetries: 2 });
    await assert.rejects(p1.patch(bad), (e: unknown) => e instanceof StatusPatchError && /after 2 retries/.test(e.message) && e.object === 'ConfigMap/ns/conflict');
    assert.equal(patches, 3, 'first attempt + 2 retries');
    const ok = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ok', namespace: 'ns', resourceVersion: '1' }, status: {} as Record<string, number> };
    const p2 = new StatusPatcher(client, ok, { fieldManager: 'm' });
    patches = 0;
    await Promise.all([1, 2, 3].map((i) => p2.patch({ ...ok, metadata: { ...ok.metadata }, status: { n: i } })));
    assert.equal(patches, 3, 'each change sent');
    assert.equal(maxInFlight, 1, 'never two patches at once');
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('StatusPatcher: a change made while a patch is in flight is kept on the object and sent next', async () => {
  const http = await import('node:http');
  const { KubeClient, loadKubeConfig } = await import('../kube/client/index.js');
  const { StatusPatcher } = await import('./patcher.js');
  const bodies: JsonObject[] = [];
  let stored: JsonObject = {};
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (req.url === '/api/v1') {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }] }));
        return;
      }
      const body = JSON.parse(text) as { status: JsonObject };
      bodies.push(body.status);
      stored = { ...stored, ...body.status, serverSide: 'set' };
      setTimeout(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', resourceVersion: String(bodies.length) }, status: stored })), 40);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const kc = `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`;
  const client = new KubeClient(loadKubeConfig({ inline: kc }), { qps: 0 });
  try {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'ns', resourceVersion: '0' }, status: {} as JsonObject };
    const p = new StatusPatcher(client, obj, { fieldManager: 'm' });
    obj.status['first'] = 1;
    const inFlight = p.patch(obj);
    await new Promise((r) => setTimeout(r, 15)); // the request is out, the answer takes 40 ms
    obj.status['second'] = 2;
    await inFlight;
    assert.deepEqual(obj.status, { first: 1, second: 2, serverSide: 'set' }, "the server's answer plus the change made meanwhile");
    await p.patch(obj);
    assert.deepEqual(bodies, [{ first: 1 }, { second: 2 }], 'the later change goes out with the next patch, alone');
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
