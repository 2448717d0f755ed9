import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { allCrds } from '../../api/crd.js';
import type { GitRepository } from '../../api/gitrepository.js';
import { downloadArtifact } from '../../artifact/index.js';
import { KubeClient } from '../../kube/client/index.js';
import type { KubeObject } from '../../kube/object.js';
import { ControllerMetrics, Manager, silentLogger } from '../../runtime/index.js';
import { startTestCluster } from '../../../test/harness/cluster.js';
import { eventually } from '../../../test/harness/eventually.js';
import { GitFixture, startGitHttpServer } from '../../../test/harness/git-servers.js';
import { parseHostPort, sourceControllerFactory } from './factory.js';

test('parseHostPort', () => {
  assert.deepEqual(parseHostPort('127.0.0.1:9090'), { host: '127.0.0.1', port: 9090 });
  assert.deepEqual(parseHostPort(':9090'), { host: '0.0.0.0', port: 9090 });
  assert.deepEqual(parseHostPort('[::1]:0'), { host: '::1', port: 0 });
  assert.throws(() => parseHostPort('nohost'), /host:port/);
});

test('the `source` factory serves artifacts from --storage-dir on --storage-addr and puts that URL in status', async () => {
  const cluster = await startTestCluster();
  const client = KubeClient.fromKubeConfig({ kubeconfig: cluster.kubeconfigPath });
  const fx = await GitFixture.create();
  const http = await startGitHttpServer({ root: fx.reposDir });
  const storageDir = await mkdtemp(join(tmpdir(), 'lockstep-factory-'));
  const manager = new Manager({
    client,
    logger: silentLogger(),
    metrics: new ControllerMetrics(),
    factories: [sourceControllerFactory],
    settings: { storageDir, storageAddr: '127.0.0.1:0' },
  });
  try {
    for (const crd of allCrds()) await client.create(crd as unknown as KubeObject);
    await eventually(() => client.list({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' }));
    const repo = await fx.createRepo('app', { files: { 'a.yaml': 'a: 1\n' } });
    await manager.start();
    await client.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'app', namespace: 'default' }, spec: { url: http.repoUrl('app'), interval: '1h', ref: { branch: 'main' } } });
    const o = await eventually(async () => {
      const g = (await client.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'default', name: 'app' })) as GitRepository;
      assert.equal(g.status?.artifact?.revision, `main@sha1:${await repo.head()}`);
      return g;
    });
    const art = o.status?.artifact;
    assert.ok(art);
    assert.match(art.url, /^http:\/\/127\.0\.0\.1:\d+\/gitrepository\/default\/app\/[0-9a-f]{40}\.tar\.gz$/);
    assert.ok(!art.url.includes(':0/'));
    assert.ok((await downloadArtifact(art.url, { expectedDigest: art.digest })).length > 0);
  } finally {
    await manager.stop();
    client.close();
    await cluster.close();
    await http.stop();
    await fx.cleanup();
    await rm(storageDir, { recursive: true, force: true });
  }
});
