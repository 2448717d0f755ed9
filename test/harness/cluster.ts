/**
 * The local cluster for tests: an in-memory cluster on 127.0.0.1 with a random port, its kubeconfig on
 * disk and a `KUBECONFIG` environment for the kubectl oracle (`runTool('kubectl', args, { env: c.env })`).
 */
import { startLocalCluster, type LocalCluster, type LocalClusterOptions } from '../../src/cluster/server.js';

/** A running test cluster. */
export interface TestCluster extends LocalCluster {
  /** `{ KUBECONFIG: kubeconfigPath }` for `runTool`. */
  env: { KUBECONFIG: string };
}

/** Starts an in-memory cluster (port 0, fast simulation) unless options say otherwise. */
export async function startTestCluster(opts: LocalClusterOptions = {}): Promise<TestCluster> {
  const c = await startLocalCluster({ inMemory: true, port: 0, simulateDelayMs: 50, bookmarkIntervalMs: 1000, ...opts });
  return Object.assign(c, { env: { KUBECONFIG: c.kubeconfigPath } });
}

/** Runs `fn` with a fresh test cluster and closes it afterwards, even when `fn` throws. */
export async function withCluster<T>(fn: (c: TestCluster) => Promise<T>, opts: LocalClusterOptions = {}): Promise<T> {
  const c = await startTestCluster(opts);
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}
