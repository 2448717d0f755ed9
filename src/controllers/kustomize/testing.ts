/**
 * A kustomize-controller environment for tests and benchmarks: the local cluster with Lockstep's CRDs,
 * an artifact storage and server, and one manager running the GitRepository and Kustomization
 * controllers. Not used in production code.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allCrds } from '../../api/crd.js';
import { type GitRepository, type GitRepositorySpec, gitRepositoryApiVersion, gitRepositoryKind } from '../../api/gitrepository.js';
import { type Kustomization, type KustomizationSpec, kustomizationApiVersion, kustomizationKind } from '../../api/kustomization.js';
import { type ArtifactServer, ArtifactStorage, startArtifactServer } from '../../artifact/index.js';
import { KubeClient } from '../../kube/client/index.js';
import type { KubeObject } from '../../kube/object.js';
import type { LocalClusterOptions } from '../../cluster/server.js';
import { ControllerMetrics, Manager, MemoryEventRecorder, silentLogger } from '../../runtime/index.js';
import { startTestCluster, type TestCluster } from '../../../test/harness/cluster.js';
import { createGitRepositoryController } from '../source/factory.js';
import { type KustomizationControllerOptions, createKustomizationController } from './factory.js';

/** A running environment. */
export interface KustomizeEnv {
  cluster: TestCluster;
  client: KubeClient;
  storage: ArtifactStorage;
  artifactServer: ArtifactServer;
  /** Events recorded by the kustomize controller. */
  events: MemoryEventRecorder;
  manager: Manager;
  /** Creates a namespace with a unique name (prefix + counter). */
  namespace(prefix: string): Promise<string>;
  /** Creates or updates a GitRepository. */
  applyGitRepository(ns: string, name: string, spec: GitRepositorySpec): Promise<GitRepository>;
  /** Creates a Kustomization, or replaces its spec. */
  applyKustomization(ns: string, name: string, spec: KustomizationSpec): Promise<Kustomization>;
  getKustomization(ns: string, name: string): Promise<Kustomization>;
  /** Sets `reconcile.fluxcd.io/requestedAt` on an object of either kind. */
  requestReconcile(kind: 'GitRepository' | 'Kustomization', ns: string, name: string): Promise<string>;
  close(): Promise<void>;
}

/** Options of {@link startKustomizeEnv}. */
export interface KustomizeEnvOptions extends KustomizationControllerOptions {
  cluster?: LocalClusterOptions;
  /** Parallel reconciles per controller (default 4). */
  concurrent?: number;
  /** Client rate limit (default 500 qps). */
  qps?: number;
}

const gitType = { apiVersion: gitRepositoryApiVersion, kind: gitRepositoryKind };
const ksType = { apiVersion: kustomizationApiVersion, kind: kustomizationKind };

/** Starts cluster, CRDs, storage, artifact server and both controllers. */
export async function startKustomizeEnv(opts: KustomizeEnvOptions = {}): Promise<KustomizeEnv> {
  const cluster = await startTestCluster(opts.cluster ?? {});
  const qps = opts.qps ?? 500;
  const client = KubeClient.fromKubeConfig({ kubeconfig: cluster.kubeconfigPath }, { qps, burst: qps * 2 });
  for (const crd of allCrds()) await client.create(crd as unknown as KubeObject);
  for (let i = 0; i < 50; i++) {
    try {
      await client.list(ksType, { namespace: 'default' });
      await client.list(gitType, { namespace: 'default' });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const root = await mkdtemp(join(tmpdir(), 'lockstep-ks-storage-'));
  const artifactServer = await startArtifactServer({ root });
  const storage = await ArtifactStorage.create({ root, baseUrl: artifactServer.url });
  const events = new MemoryEventRecorder();
  const manager = new Manager({
    client,
    logger: silentLogger(),
    metrics: new ControllerMetrics(),
    settings: { concurrent: opts.concurrent ?? 4 },
    events: () => events,
    factories: [
      { name: 'source', description: 'test', create: (ctx) => [createGitRepositoryController(ctx, { storage })] },
      { name: 'kustomize', description: 'test', create: (ctx) => [createKustomizationController(ctx, opts)] },
    ],
  });
  await manager.start();
  let n = 0;
  const upsert = async (type: typeof gitType, ns: string, name: string, spec: unknown): Promise<KubeObject> => {
    const existing = await client.tryGet({ ...type, namespace: ns, name });
    if (existing) {
      existing['spec'] = spec;
      return client.replace(existing);
    }
    return client.create({ ...type, metadata: { name, namespace: ns }, spec } as unknown as KubeObject);
  };
  return {
    cluster,
    client,
    storage,
    artifactServer,
    events,
    manager,
    async namespace(prefix) {
      const name = `${prefix}-${++n}`;
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      return name;
    },
    applyGitRepository: async (ns, name, spec) => (await upsert(gitType, ns, name, spec)) as GitRepository,
    applyKustomization: async (ns, name, spec) => (await upsert(ksType, ns, name, spec)) as Kustomization,
    getKustomization: async (ns, name) => (await client.get({ ...ksType, namespace: ns, name })) as Kustomization,
    async requestReconcile(kind, ns, name) {
      const token = `${Date.now()}-${++n}`;
      const type = kind === 'GitRepository' ? gitType : ksType;
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
}
