/**
 * Persistence: every acknowledged write survives `kill -9` of the server process, and the
 * resourceVersion sequence continues after a restart.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { clusterRequest } from '../../test/harness/cluster-http.js';
import { eventually } from '../../test/harness/eventually.js';
import { startLocalCluster } from './server.js';

test('acknowledged writes survive kill -9 during a stream of writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-crash-'));
  const here = fileURLToPath(import.meta.url);
  const ts = here.endsWith('.ts');
  const entry = join(here, '..', '..', 'cmd', ts ? 'lockstep.ts' : 'lockstep.js');
  const child = spawn(process.execPath, [...(ts ? ['--import', 'tsx'] : []), entry, 'cluster', 'start', '--port', '0', '--data', dir], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, sig) => r(sig)));
  try {
    await eventually(() => assert.ok(existsSync(join(dir, 'cluster.json'))), { timeoutMs: 20_000, what: 'cluster start' });
    const rec = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as { url: string };
    const conn = { url: rec.url, caCert: readFileSync(join(dir, 'ca.crt'), 'utf8'), adminToken: readFileSync(join(dir, 'admin-token'), 'utf8').trim() };
    const acked = new Map<string, string>();
    let killed = false;
    let next = 0;
    const writer = async (): Promise<void> => {
      while (!killed) {
        const name = `cm-${next++}`;
        try {
          const r = await clusterRequest(conn, '/api/v1/namespaces/default/configmaps', { method: 'POST', body: { metadata: { name }, data: { n: name } } });
          if (r.status === 201) acked.set(name, (r.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
        } catch {
          return; // connection reset by the kill
        }
        if (acked.size >= 150 && !killed) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    };
    await Promise.all([writer(), writer(), writer(), writer()]);
    assert.equal(await exited, 'SIGKILL');
    assert.ok(acked.size >= 150);

    const c = await startLocalCluster({ dataDir: dir, port: 0 });
    try {
      const list = await clusterRequest(c, '/api/v1/namespaces/default/configmaps');
      const items = (list.json as { items: { metadata: { name: string; resourceVersion: string } }[] }).items;
      const stored = new Map(items.map((i) => [i.metadata.name, i.metadata.resourceVersion]));
      for (const [name, rv] of acked) assert.equal(stored.get(name), rv, `acknowledged ${name} lost or changed`);
      const maxRv = Math.max(...[...acked.values()].map(Number));
      const after = await clusterRequest(c, '/api/v1/namespaces/default/configmaps', { method: 'POST', body: { metadata: { name: 'after-restart' } } });
      assert.equal(after.status, 201, after.text);
      assert.ok(Number((after.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion) > maxRv, 'resourceVersion sequence continues');
    } finally {
      await c.close();
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
