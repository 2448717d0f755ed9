/**
 * Watches: raw streams (initial events, resume from a resourceVersion, 410 Gone when too old, bookmarks,
 * timeouts) and client-node informers across server restarts (resume, relist on 410).
 */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { withCluster } from '../../test/harness/cluster.js';
import { clusterRequest } from '../../test/harness/cluster-http.js';
import { eventually } from '../../test/harness/eventually.js';
import { startLocalCluster, type LocalCluster } from './server.js';

interface WatchLine {
  type: string;
  object: { kind?: string; code?: number; metadata?: { name?: string; resourceVersion?: string } };
}

/** Reads a watch stream until it ends or `ms` pass; returns the events. */
function readWatch(c: { url: string; caCert: string; adminToken: string }, path: string, ms: number): Promise<WatchLine[]> {
  return new Promise((resolve, reject) => {
    const events: WatchLine[] = [];
    let buf = '';
    const req = request(new URL(path, c.url), { ca: c.caCert, headers: { Authorization: `Bearer ${c.adminToken}` } }, (res) => {
      res.on('data', (d: Buffer) => {
        buf += d.toString();
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, i)) as WatchLine);
          buf = buf.slice(i + 1);
        }
      });
      res.on('end', () => resolve(events));
      res.on('error', () => resolve(events));
    });
    req.on('error', reject);
    req.end();
    setTimeout(() => {
      req.destroy();
      resolve(events);
    }, ms);
  });
}

const cm = (name: string): { metadata: { name: string } } => ({ metadata: { name } });
const base = '/api/v1/namespaces/default/configmaps';

describe('watch', () => {
  test('initial events, resume from a resourceVersion, 410 when too old, bookmarks, timeoutSeconds', async () => {
    await withCluster(
      async (c) => {
        const first = await clusterRequest(c, base, { method: 'POST', body: cm('w0') });
        const rv0 = (first.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
        const initial = readWatch(c, `${base}?watch=true&timeoutSeconds=1`, 3000);
        const replay = readWatch(c, `${base}?watch=true&resourceVersion=${rv0}&allowWatchBookmarks=true&timeoutSeconds=2`, 4000);
        await new Promise((r) => setTimeout(r, 200));
        await clusterRequest(c, base, { method: 'POST', body: cm('w1') });
        await clusterRequest(c, `${base}/w0`, { method: 'DELETE' });
        const ini = await initial;
        assert.deepEqual(ini.slice(0, 1).map((e) => [e.type, e.object.metadata?.name]), [['ADDED', 'w0']]);
        const rep = (await replay).filter((e) => e.type !== 'BOOKMARK');
        assert.deepEqual(rep.map((e) => [e.type, e.object.metadata?.name]), [['ADDED', 'w1'], ['DELETED', 'w0']]);
        assert.ok((await replay).some((e) => e.type === 'BOOKMARK' && e.object.kind === 'ConfigMap'), 'a bookmark within 2s at 1s interval');
        for (let i = 0; i < 12; i++) await clusterRequest(c, base, { method: 'POST', body: cm(`x${i}`) });
        const old = await readWatch(c, `${base}?watch=true&resourceVersion=${rv0}`, 2000);
        assert.equal(old.length, 1);
        assert.equal(old[0]?.type, 'ERROR');
        assert.equal(old[0]?.object.code, 410);
      },
      { retainEvents: 10, bookmarkIntervalMs: 1000 },
    );
  });

  test('client-node informer resumes across a restart and relists after 410', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-informer-'));
    let c: LocalCluster = await startLocalCluster({ dataDir: dir, port: 0, retainEvents: 5 });
    const port = Number(new URL(c.url).port);
    const kc = new k8s.KubeConfig();
    kc.loadFromString(c.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const seen: string[] = [];
    const inf = k8s.makeInformer<k8s.V1ConfigMap>(kc, base, () => core.listNamespacedConfigMap({ namespace: 'default' }));
    inf.on('add', (o) => seen.push(`add ${o.metadata?.name ?? ''}`));
    inf.on('update', (o) => seen.push(`update ${o.metadata?.name ?? ''}`));
    inf.on('delete', (o) => seen.push(`delete ${o.metadata?.name ?? ''}`));
    let finished = false;
    inf.on('error', () => {
      if (!finished) setTimeout(() => void (finished ? undefined : inf.start().catch(() => undefined)), 200);
    });
    try {
      await inf.start();
      await clusterRequest(c, base, { method: 'POST', body: cm('a') });
      await eventually(() => assert.ok(seen.includes('add a')));
      await c.close();
      c = await startLocalCluster({ dataDir: dir, port, retainEvents: 5 });
      await clusterRequest(c, base, { method: 'POST', body: cm('b') });
      await eventually(() => assert.ok(seen.includes('add b'), seen.join(',')), { timeoutMs: 15_000 });
      assert.equal(seen.filter((s) => s === 'add a').length, 1, 'resumed without relisting a');
      await inf.stop();
      // while the informer is stopped, more changes than the log keeps: its resume point is gone
      await clusterRequest(c, `${base}/a`, { method: 'DELETE' });
      for (let i = 0; i < 8; i++) await clusterRequest(c, base, { method: 'POST', body: cm(`n${i}`) });
      await inf.start();
      await eventually(() => assert.ok(seen.includes('delete a') && seen.includes('add n7'), seen.join(',')), { timeoutMs: 15_000 });
      assert.deepEqual(inf.list('default').map((o) => o.metadata?.name).sort(), ['b', 'n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7']);
    } finally {
      finished = true;
      await inf.stop();
      await c.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
