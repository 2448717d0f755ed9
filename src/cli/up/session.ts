/**
 * The pieces `lockstep up` starts and stops: the cluster (the local one in-process, an already running
 * `lockstep cluster start`, or a real one from a kubeconfig), the served git repository, and the
 * controllers (source + kustomize from the ControllerRegistry) in this process.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import pino from 'pino';
import { startLocalCluster, type LocalCluster } from '../../cluster/server.js';
import { startGitServer, type GitServer } from '../../gitserver/index.js';
import { KubeClient } from '../../kube/client/index.js';
import { Manager, createLogger } from '../../runtime/index.js';
import { loadControllerRegistry } from '../commands/controllers.js';

/** The cluster `up` talks to. */
export interface UpCluster {
  client: KubeClient;
  kubeconfigPath: string;
  /** Where it came from, for the summary. */
  description: string;
  close(): Promise<void>;
}

function aliveRecord(dir: string): { pid: number; url: string } | undefined {
  try {
    const r = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as { pid?: unknown; url?: unknown };
    if (typeof r.pid !== 'number' || typeof r.url !== 'string') return undefined;
    if (r.pid === process.pid) return undefined;
    process.kill(r.pid, 0);
    return { pid: r.pid, url: r.url };
  } catch {
    return undefined;
  }
}

/**
 * Connects to the cluster: `kubeconfig`/`context` when given; else a local cluster already running from
 * `clusterDir` (`lockstep cluster start`); else starts one in this process with its data in `clusterDir`.
 */
export async function openCluster(opts: { kubeconfig?: string | undefined; context?: string | undefined; clusterDir: string }): Promise<UpCluster> {
  if (opts.kubeconfig || opts.context) {
    const client = KubeClient.fromKubeConfig({ kubeconfig: opts.kubeconfig, context: opts.context });
    return { client, kubeconfigPath: opts.kubeconfig ?? '(default kubeconfig)', description: `cluster ${client.server}`, close: async () => client.close() };
  }
  const rec = aliveRecord(opts.clusterDir);
  if (rec && existsSync(join(opts.clusterDir, 'kubeconfig'))) {
    const kubeconfigPath = join(opts.clusterDir, 'kubeconfig');
    const client = KubeClient.fromKubeConfig({ kubeconfig: kubeconfigPath });
    const answers = await client.requestJson({ method: 'GET', path: '/version' }).then(() => true, () => false);
    if (answers) return { client, kubeconfigPath, description: `local cluster ${rec.url} (pid ${rec.pid})`, close: async () => client.close() };
    // A stale record (its pid reused by another process): start our own below.
    client.close();
  }
  mkdirSync(opts.clusterDir, { recursive: true });
  const cluster: LocalCluster = await startLocalCluster({ port: 0, dataDir: opts.clusterDir });
  // Recorded as `lockstep cluster start` records it: `cluster status` sees it, `cluster start` will not start a second one on the same data.
  writeFileSync(join(opts.clusterDir, 'cluster.json'), JSON.stringify({ pid: process.pid, url: cluster.url }) + '\n');
  const client = KubeClient.fromKubeConfig({ kubeconfig: cluster.kubeconfigPath }, { qps: 200, burst: 400 });
  return {
    client,
    kubeconfigPath: cluster.kubeconfigPath,
    description: `local cluster ${cluster.url} (data in ${opts.clusterDir})`,
    close: async () => {
      client.close();
      await cluster.close();
      rmSync(join(opts.clusterDir, 'cluster.json'), { force: true });
    },
  };
}

/** A repository served over HTTP from this process. */
export interface ServedRepo {
  url: string;
  server: GitServer;
}

/** Serves the git work tree or bare repo at `dir` (its parent becomes the server root). */
export async function serveRepo(dir: string, opts: { onPush?: () => void; port?: number } = {}): Promise<ServedRepo> {
  const abs = resolve(dir);
  const server = await startGitServer({ root: dirname(abs), port: opts.port ?? 0, onPush: () => opts.onPush?.() });
  return { url: server.repoUrl(basename(abs)), server };
}

/** The in-process controllers. */
export interface UpControllers {
  manager: Manager;
  probeUrl: string | undefined;
  logFile: string;
  stop(): Promise<void>;
}

/** Starts source + kustomize controllers; logs go to `logFile` (JSON lines, what `lockstep logs` reads). */
export async function startUpControllers(opts: {
  client: KubeClient;
  storageDir: string;
  storagePort: number;
  logFile: string;
  metricsAddr: string;
  /** Campaign for this Lease and reconcile only while holding it. */
  leaderElection?: { namespace: string; name: string; identity: string } | undefined;
}): Promise<UpControllers> {
  const registry = await loadControllerRegistry();
  const factories = registry.select(['source', 'kustomize']);
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const dest = pino.destination({ dest: opts.logFile, mkdir: true, sync: false });
  const logger = createLogger({ destination: dest });
  const manager = new Manager({
    client: opts.client,
    factories,
    logger,
    metricsAddr: opts.metricsAddr || undefined,
    settings: { concurrent: 4, storageDir: opts.storageDir, storageAddr: `127.0.0.1:${opts.storagePort}` },
    leaderElection: opts.leaderElection,
  });
  await manager.start();
  return {
    manager,
    probeUrl: manager.probeUrl,
    logFile: opts.logFile,
    stop: async () => {
      await manager.stop();
      dest.flushSync();
    },
  };
}
