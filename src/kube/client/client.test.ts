import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiReason, KubeApiError, classifyStatusCode, errorFromResponse, isConflict, isGone, isNotFound } from './errors.js';
import { KubeClient } from './client.js';
import { TokenBucket } from './ratelimit.js';
import { KubeConfigError, loadKubeConfig } from './config.js';
import type { KubeObject } from '../object.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
type Route = (req: Seen, res: http.ServerResponse) => boolean;

async function withServer(routes: Route[], fn: (client: KubeClient, seen: Seen[]) => Promise<void>, opts: { qps?: number; burst?: number } = {}): Promise<void> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(s);
      for (const r of routes) if (r(s, res)) return;
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 404, reason: 'NotFound', message: `${s.url} not found` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: secret-token}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`;
  const client = new KubeClient(loadKubeConfig({ inline: kubeconfig }), { minRefreshIntervalMs: 0, qps: opts.qps ?? 0, burst: opts.burst ?? 1 });
  try {
    await fn(client, seen);
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

const json = (res: http.ServerResponse, code: number, v: unknown): true => {
  res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(v));
  return true;
};
const coreDiscovery: Route = (s, res) =>
  s.url === '/api/v1' &&
  json(res, 200, {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      { name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['get', 'list', 'watch', 'create', 'patch'] },
      { name: 'namespaces', kind: 'Namespace', namespaced: false, verbs: ['get'] },
      { name: 'namespaces/status', kind: 'Namespace', namespaced: false, verbs: ['get'] },
    ],
  });

test('status codes classify into reasons, refined by Status.reason', () => {
  const rows: Array<[number, string | undefined, ApiReason]> = [
    [400, undefined, ApiReason.BadRequest],
    [401, undefined, ApiReason.Unauthorized],
    [403, undefined, ApiReason.Forbidden],
    [404, undefined, ApiReason.NotFound],
    [409, 'Conflict', ApiReason.Conflict],
    [409, 'AlreadyExists', ApiReason.AlreadyExists],
    [409, undefined, ApiReason.Conflict],
    [410, undefined, ApiReason.Gone],
    [410, 'Expired', ApiReason.Expired],
    [415, undefined, ApiReason.UnsupportedMediaType],
    [422, 'Invalid', ApiReason.Invalid],
    [429, undefined, ApiReason.TooManyRequests],
    [500, undefined, ApiReason.InternalError],
    [500, 'ServerTimeout', ApiReason.Timeout],
    [502, undefined, ApiReason.InternalError],
    [503, undefined, ApiReason.ServiceUnavailable],
    [504, undefined, ApiReason.Timeout],
    [418, undefined, ApiReason.Unknown],
  ];
  for (const [code, reason, want] of rows) assert.equal(classifyStatusCode(code, reason), want, `${code} ${reason ?? ''}`);
  const e = errorFromResponse({ code: 429, body: '{"kind":"Status","message":"slow down","details":{"retryAfterSeconds":3}}', target: { method: 'GET', path: '/x' } });
  assert.equal(e.retryAfterSeconds, 3);
  assert.match(e.message, /^GET \/x: slow down$/);
  const h = errorFromResponse({ code: 503, body: 'plain text', target: { method: 'GET', path: '/y' }, retryAfterHeader: '7' });
  assert.equal(h.retryAfterSeconds, 7);
  assert.match(h.message, /plain text/);
  // The reason comes from the code, never from the message text.
  const lying = errorFromResponse({ code: 404, body: '{"message":"conflict: already exists"}', target: { method: 'GET', path: '/z' } });
  assert.equal(isNotFound(lying), true);
  assert.equal(isConflict(lying), false);
});

test('kubeconfig: a missing context is a clear error', () => {
  const kc = 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n';
  assert.throws(() => loadKubeConfig({ inline: kc, context: 'nope' }), (e: unknown) => e instanceof KubeConfigError && /context "nope" not found/.test(e.message));
  assert.equal(loadKubeConfig({ inline: kc, context: 'x' }).getCurrentCluster()?.server, 'https://127.0.0.1:1');
});

test('apply sends the object verbatim with the SSA content type, field manager, force and dry run', async () => {
  await withServer(
    [coreDiscovery, (s, res) => s.method === 'PATCH' && json(res, 200, { ...JSON.parse(s.body), metadata: { name: 'a', namespace: 'ns', resourceVersion: '5' } })],
    async (client, seen) => {
      const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' }, data: { k: 'v' }, futureField: { x: [1, 2] } };
      const out = await client.apply(cm, { fieldManager: 'kustomize-controller', dryRun: true });
      assert.equal(out.metadata.resourceVersion, '5');
      const p = seen.find((s) => s.method === 'PATCH');
      assert.ok(p, 'PATCH seen');
      assert.equal(p.url, '/api/v1/namespaces/ns/configmaps/a?dryRun=All&fieldManager=kustomize-controller&force=true');
      assert.equal(p.headers['content-type'], 'application/apply-patch+yaml');
      assert.equal(p.headers['authorization'], 'Bearer secret-token');
      assert.deepEqual(JSON.parse(p.body), cm, 'no field dropped');
    },
  );
});

test('errors from the server become KubeApiError with the request in the message', async () => {
  await withServer(
    [coreDiscovery, (s, res) => s.method === 'PUT' && json(res, 409, { kind: 'Status', code: 409, reason: 'Conflict', message: 'the object has been modified' })],
    async (client) => {
      await assert.rejects(client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'nope', namespace: 'ns' }), (e: unknown) => isNotFound(e));
      assert.equal(await client.tryGet({ apiVersion: 'v1', kind: 'ConfigMap', name: 'nope', namespace: 'ns' }), undefined);
      await assert.rejects(
        client.replace({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns', resourceVersion: '1' } }),
        (e: unknown) => e instanceof KubeApiError && isConflict(e) && e.code === 409 && /PUT \/api\/v1\/namespaces\/ns\/configmaps\/a: the object has been modified/.test(e.message),
      );
      await assert.rejects(client.get({ apiVersion: 'v1', kind: 'Widget', name: 'w', namespace: 'ns' }), (e: unknown) => isNotFound(e) && /no matches for kind "Widget"/.test((e as Error).message));
    },
  );
});

test('connection failures are Network errors', async () => {
  const kc = 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:1", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n';
  const client = new KubeClient(loadKubeConfig({ inline: kc }));
  await assert.rejects(client.requestJson({ method: 'GET', path: '/api' }), (e: unknown) => e instanceof KubeApiError && e.reason === ApiReason.Network && e.code === 0);
  client.close();
});

test('the REST mapper re-reads discovery when a kind appears (CRD created later)', async () => {
  let served = false;
  await withServer(
    [
      coreDiscovery,
      (s, res) =>
        s.url === '/apis/example.io/v1' &&
        json(res, 200, { resources: served ? [{ name: 'widgets', kind: 'Widget', namespaced: true, verbs: ['get'] }, { name: 'widgets/status', kind: 'Widget', namespaced: true }] : [] }),
      (s, res) => s.url === '/apis/example.io/v1/namespaces/ns/widgets/w' && json(res, 200, { apiVersion: 'example.io/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'ns' } }),
    ],
    async (client) => {
      const ref = { apiVersion: 'example.io/v1', kind: 'Widget', name: 'w', namespace: 'ns' };
      await assert.rejects(client.get(ref), (e: unknown) => isNotFound(e));
      served = true;
      assert.equal((await client.get(ref)).kind, 'Widget');
      const m = await client.mappingFor(ref);
      assert.deepEqual([m.resource, m.namespaced, m.subresources], ['widgets', true, ['status']]);
      assert.equal(await client.pathFor({ apiVersion: 'v1', kind: 'Namespace', name: 'x', namespace: 'ignored' }).catch((e: Error) => e.message), '/api/v1/namespaces/x');
    },
  );
});

test('list follows continue tokens and fills apiVersion/kind', async () => {
  await withServer(
    [
      coreDiscovery,
      (s, res) => {
        if (!s.url.startsWith('/api/v1/configmaps?')) return false;
        const u = new URL(s.url, 'http://x');
        const cont = u.searchParams.get('continue');
        if (!cont) return json(res, 200, { metadata: { resourceVersion: '10', continue: 'p2' }, items: [{ metadata: { name: 'a', namespace: 'n1' } }] });
        return json(res, 200, { metadata: { resourceVersion: '11' }, items: [{ metadata: { name: 'b', namespace: 'n2' } }] });
      },
    ],
    async (client, seen) => {
      const l = await client.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { labelSelector: 'app=x', pageSize: 1 });
      assert.deepEqual(l.items.map((i) => `${i.kind}/${i.metadata.name}`), ['ConfigMap/a', 'ConfigMap/b']);
      assert.equal(l.resourceVersion, '11');
      assert.ok(seen.some((s) => s.url === '/api/v1/configmaps?labelSelector=app%3Dx&limit=1&continue=p2'), seen.map((s) => s.url).join(' '));
    },
  );
});

test('watch streams events in order, tracks bookmarks and reports 410 as Gone', async () => {
  await withServer(
    [
      coreDiscovery,
      (s, res) => {
        if (!s.url.startsWith('/api/v1/namespaces/ns/configmaps?watch=true')) return false;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        const rv = new URL(s.url, 'http://x').searchParams.get('resourceVersion');
        if (rv === 'old') {
          res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } }) + '\n');
          return true;
        }
        const lines = [
          { type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '2' } } },
          { type: 'MODIFIED', object: { metadata: { name: 'a', resourceVersion: '3' } } },
          { type: 'BOOKMARK', object: { metadata: { resourceVersion: '4' } } },
          { type: 'DELETED', object: { metadata: { name: 'a', resourceVersion: '5' } } },
        ];
        // Split a line across chunks to check reassembly.
        const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
        res.write(text.slice(0, 30));
        setTimeout(() => res.end(text.slice(30)), 20);
        return true;
      },
    ],
    async (client) => {
      const got: string[] = [];
      await client.watch({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: 'ns', resourceVersion: '1' }, (e) => got.push(`${e.type}:${e.object.metadata.resourceVersion}:${e.object.kind}`));
      assert.deepEqual(got, ['ADDED:2:ConfigMap', 'MODIFIED:3:ConfigMap', 'BOOKMARK:4:ConfigMap', 'DELETED:5:ConfigMap']);
      await assert.rejects(client.watch({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: 'ns', resourceVersion: 'old' }, () => undefined), (e: unknown) => isGone(e));
    },
  );
});

test('watch ends quietly when its signal aborts', async () => {
  await withServer(
    [
      coreDiscovery,
      (s, res) => {
        if (!s.url.includes('watch=true')) return false;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        return true;
      },
    ],
    async (client) => {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      await client.watch({ apiVersion: 'v1', kind: 'ConfigMap' }, { signal: ac.signal }, () => undefined);
    },
  );
});

test('a silent watch fails after its idle timeout (half-open connections do not hang informers)', async () => {
  await withServer(
    [
      coreDiscovery,
      (s, res) => {
        if (!s.url.includes('watch=true')) return false;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        return true;
      },
    ],
    async (client) => {
      const t0 = Date.now();
      await assert.rejects(
        client.watch({ apiVersion: 'v1', kind: 'ConfigMap' }, { idleTimeoutMs: 150 }, () => undefined),
        (e: unknown) => e instanceof KubeApiError && e.code === 0,
      );
      const took = Date.now() - t0;
      assert.ok(took >= 140 && took < 3000, `failed after ${took} ms`);
    },
  );
});

test('429 with Retry-After is retried; without it, it is returned', async () => {
  let calls = 0;
  await withServer(
    [
      (s, res) => {
        if (s.url === '/throttled') {
          calls++;
          if (calls < 3) {
            res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '0' }).end('{"kind":"Status","code":429,"reason":"TooManyRequests","message":"slow down"}');
            return true;
          }
          return json(res, 200, { ok: true });
        }
        if (s.url === '/always') {
          res.writeHead(429, { 'Content-Type': 'application/json' }).end('{"kind":"Status","code":429,"message":"no retry-after"}');
          return true;
        }
        return false;
      },
    ],
    async (client) => {
      assert.deepEqual(await client.requestJson({ method: 'GET', path: '/throttled' }), { ok: true });
      assert.equal(calls, 3);
      await assert.rejects(client.requestJson({ method: 'GET', path: '/always' }), (e: unknown) => e instanceof KubeApiError && e.reason === ApiReason.TooManyRequests);
    },
  );
});

test('token bucket: burst at once, then qps', async () => {
  const b = new TokenBucket({ qps: 50, burst: 3 });
  const t0 = Date.now();
  for (let i = 0; i < 3; i++) await b.acquire();
  assert.ok(Date.now() - t0 < 15, 'burst is immediate');
  for (let i = 0; i < 5; i++) await b.acquire();
  const took = Date.now() - t0;
  assert.ok(took >= 95 && took < 400, `5 more at 50 qps take ~100 ms, took ${took}`);
  const off = new TokenBucket({ qps: 0 });
  for (let i = 0; i < 1000; i++) await off.acquire();
});

test('the client applies its rate limit to requests', async () => {
  await withServer([(s, res) => s.url === '/api' && json(res, 200, { versions: ['v1'] })], async (client) => {
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => client.requestJson({ method: 'GET', path: '/api' })));
    const took = Date.now() - t0;
    assert.ok(took >= 190, `6 requests at qps 20 burst 2 take >= 200 ms, took ${took}`);
  }, { qps: 20, burst: 2 });
});
