import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../../../test/harness/cluster.js';
import { KubeClient, loadKubeConfig } from '../../kube/client/index.js';
import type { KubeObject } from '../../kube/object.js';
import { waitForDeployments } from './apply.js';

let cluster: TestCluster;
let client: KubeClient;

const deployment = (name: string, simulate?: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'wait', ...(simulate ? { annotations: { 'cluster.lockstep.dev/simulate': simulate } } : {}) },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'example/c:1' }] } } },
});

before(async () => {
  cluster = await startTestCluster();
  client = new KubeClient(loadKubeConfig({ kubeconfig: cluster.kubeconfigPath }));
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wait' } });
  for (const d of [deployment('ok-a'), deployment('ok-b'), deployment('stuck', 'never-ready'), deployment('broken', 'fail')]) await client.create(d);
});
after(async () => {
  client.close();
  await cluster.close();
});

const cases = [
  { name: 'available Deployments: resolves', names: ['ok-a', 'ok-b'], timeoutMs: 20_000, error: undefined },
  { name: 'one never ready: times out naming it', names: ['ok-a', 'stuck'], timeoutMs: 1500, error: /^the controller Deployments are not available after 2s: stuck: InProgress/ },
  { name: 'one failed: fails early naming it', names: ['broken', 'ok-b'], timeoutMs: 60_000, error: /^a controller Deployment failed: broken: Failed/ },
  { name: 'missing: times out as NotFound', names: ['absent'], timeoutMs: 600, error: /absent: NotFound/ },
];

for (const c of cases) {
  test(`waitForDeployments: ${c.name}`, async () => {
    const t0 = Date.now();
    const res = await waitForDeployments(client, { namespace: 'wait', names: c.names, timeoutMs: c.timeoutMs }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    if (!c.error) assert.equal(res, undefined, String(res));
    else {
      assert.ok(res instanceof Error, 'rejects');
      assert.match(res.message, c.error);
    }
    assert.ok(Date.now() - t0 < 30_000, 'a failure does not wait for the whole timeout');
  });
}
