/**
 * A source-controller environment for tests and benchmarks: the local cluster with Lockstep's CRDs,
 * a kube client, an artifact storage and server, and a manager running the GitRepository controller.
 * Not used in production code.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allCrds } from '../../api/crd.js';
import { type GitRepository, type GitRepositorySpec, gitRepositoryApiVersion, gitRepositoryKind } from '../../api/gitrepository.js';
import { type ArtifactServer, ArtifactStorage, startArtifactServer } from '../../artifact/index.js';
import { KubeClient } from '../../kube/client/index.js';
import type { KubeObject } from '../../kube/object.js';
import { ControllerMetrics, Manager, type ReconcileController, silentLogger } from '../../runtime/index.js';
import { startTestCluster, type TestCluster } from '../../../test/harness/cluster.js';
import { type GitRepositoryControllerOptions, createGitRepositoryController } from './factory.js';

/** A running environment. */
export interface SourceEnv {
  cluster: TestCluster;
  client: KubeClient;
  storage: ArtifactStorage;
  artifactServer: ArtifactServer;
  /** The running manager (replaced by {@link restartManager}). */
  readonly manager: Manager;
  /** Stops the manager and starts a fresh one (new informers and queue: every object is reconciled again). */
  restartManager(): Promise<Manager>;
  controller: () => ReconcileController<GitRepository> | undefined;
  /** Creates a namespace with a unique name (prefix + counter). */
  namespace(prefix: string): Promise<string>;
  /** Creates (or replaces the spec of) a GitRepository. */
  applyGitRepository(ns: string, name: string, spec: GitRepositorySpec, extra?: { annotations?: Record<string, string> }): Promise<GitRepository>;
  get(ns: string, name: string): Promise<GitRepository>;
  /** Sets `reconcile.fluxcd.io/requestedAt` to a fresh token and returns it. */
  requestReconcile(ns: string, name: string): Promise<string>;
  close(): Promise<void>;
}

/** Options of {@link startSourceEnv}. */
export interface SourceEnvOptions extends Partial<Omit<GitRepositoryControllerOptions, 'storage'>> {
  /** Start the manager (default true). */
  startManager?: boolean;
}

/** Starts cluster, CRDs, storage, artifact server and (by default) the controller. */
export async function startSourceEnv(opts: SourceEnvOptions = {}): Promise<SourceEnv> {
  const cluster = await startTestCluster();
  const client = KubeClient.fromKubeConfig({ kubeconfig: cluster.kubeconfigPath }, { qps: 500, burst: 1000 });
  for (const crd of allCrds()) await client.create(crd as unknown as KubeObject);
  const root = await mkdtemp(join(tmpdir(), 'lockstep-storage-'));
  const artifactServer = await startArtifactServer({ root });
  const storage = await ArtifactStorage.create({ root, baseUrl: artifactServer.url });
  let controller: ReconcileController<GitRepository> | undefined;
  const makeManager = (): Manager =>
    new Manager({
      client,
      logger: silentLogger(),
      metrics: new ControllerMetrics(),
      factories: [
        {
          name: 'source',
          description: 'test',
          create: (ctx) => {
            controller = createGitRepositoryController(ctx, { ...opts, storage });
            return [controller];
          },
        },
      ],
    });
  let manager = makeManager();
  // The CRD's resource must be discoverable before informers start.
  for (let i = 0; i < 50; i++) {
    try {
      await client.list({ apiVersion: gitRepositoryApiVersion, kind: gitRepositoryKind }, { namespace: 'default' });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (opts.startManager ?? true) await manager.start();
  let n = 0;
  const type = { apiVersion: gitRepositoryApiVersion, kind: gitRepositoryKind };
  const env: SourceEnv = {
    cluster,
    client,
    storage,
    artifactServer,
    get manager() {
      return manager;
    },
    async restartManager() {
      await manager.stop();
      manager = makeManager();
      await manager.start();
      return manager;
    },
    controller: () => controller,
    async namespace(prefix) {
      const name = `${prefix}-${++n}`;
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      return name;
    },
    async applyGitRepository(ns, name, spec, extra = {}) {
      const existing = (await client.tryGet({ ...type, namespace: ns, name })) as GitRepository | undefined;
      if (existing) {
        existing.spec = spec;
        if (extra.annotations) existing.metadata.annotations = { ...(existing.metadata.annotations ?? {}), ...extra.annotations };
        return (await client.replace(existing)) as GitRepository;
      }
      return (await client.create({ ...type, metadata: { name, namespace: ns, ...(extra.annotations ? { annotations: extra.annotations } : {}) }, spec } as unknown as KubeObject)) as GitRepository;
    },
    async get(ns, name) {
      return (await client.get({ ...type, namespace: ns, name })) as GitRepository;
    },
    async requestReconcile(ns, name) {
      const token = `${Date.now()}-${++n}`;
      await client.patch({ ...type, namespace: ns, name }, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } }, { type: 'merge' });
      return token;
    },
    async close() {
      await manager.stop();
      await artifactServer.close();
      client.close();
      await cluster.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return env;
}
