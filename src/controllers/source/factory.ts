/**
 * The `source` controller group for `lockstep controllers`: opens the artifact storage
 * (`--storage-dir`, default `.lockstep/storage` under the working folder), starts the artifact HTTP
 * server (`--storage-addr`, default 127.0.0.1:9090; port 0 picks a free one), advertises
 * `--storage-adv-addr` (default: the bound address) in artifact URLs, and runs the GitRepository
 * controller. The server stops when the manager stops.
 */
import { join } from 'node:path';
import { gitRepositoryApiVersion, gitRepositoryKind, type GitRepository } from '../../api/gitrepository.js';
import { ArtifactStorage, startArtifactServer } from '../../artifact/index.js';
import type { KubeObject } from '../../kube/object.js';
import { type Controller, type ControllerContext, type ControllerFactory, ReconcileController, objectKey, sourceRevisionChanged } from '../../runtime/index.js';
import { type GitRepositoryReconcilerOptions, gitRepositoryReconciler } from './gitrepository.reconciler.js';

/** Splits `host:port` (`:9090` means all interfaces). */
export function parseHostPort(addr: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(addr);
  if (!m) throw new Error(`invalid address ${JSON.stringify(addr)}: expected host:port`);
  const host = (m[1] as string).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? '0.0.0.0' : host, port: Number(m[2]) };
}

/** Options of {@link createGitRepositoryController}. */
export interface GitRepositoryControllerOptions extends Partial<Omit<GitRepositoryReconcilerOptions, 'storage'>> {
  storage: ArtifactStorage;
  concurrency?: number;
}

/**
 * The GitRepository controller over a ready storage. It also reconciles GitRepositories that include
 * one whose artifact revision changed.
 */
export function createGitRepositoryController(ctx: ControllerContext, opts: GitRepositoryControllerOptions): ReconcileController<GitRepository> {
  const definition = gitRepositoryReconciler({ ...opts, storage: opts.storage });
  const type = { apiVersion: gitRepositoryApiVersion, kind: gitRepositoryKind };
  const controller: ReconcileController<GitRepository> = new ReconcileController<GitRepository>(ctx, {
    name: 'gitrepository',
    definition,
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
    watches: [
      {
        type,
        predicate: sourceRevisionChanged,
        mapToKeys: (changed: KubeObject) =>
          controller.informer.cache
            .list(changed.metadata.namespace)
            .filter((o) => ((o as GitRepository).spec?.include ?? []).some((i) => i.repository?.name === changed.metadata.name))
            .map((o) => objectKey(o)),
      },
    ],
  });
  return controller;
}

/** Registered as `source` in the controller registry. */
export const sourceControllerFactory: ControllerFactory = {
  name: 'source',
  description: 'GitRepository: fetches git repositories and serves their artifacts over HTTP',
  async create(ctx: ControllerContext): Promise<Controller[]> {
    const root = ctx.options.storageDir ?? join(process.cwd(), '.lockstep', 'storage');
    const { host, port } = parseHostPort(ctx.options.storageAddr ?? '127.0.0.1:9090');
    const probeStorage = await ArtifactStorage.create({ root, baseUrl: 'http://unused' });
    const server = await startArtifactServer({ root: probeStorage.root, host, port });
    const bound = new URL(server.url);
    const adv = ctx.options.storageAdvAddr ?? `${host === '0.0.0.0' ? '127.0.0.1' : bound.hostname}:${bound.port}`;
    const storage = await ArtifactStorage.create({ root, baseUrl: `http://${adv}` });
    ctx.signal.addEventListener('abort', () => void server.close(), { once: true });
    ctx.logger.info({ storageDir: root, storageAddr: server.url, advertised: adv }, 'artifact server listening');
    return [createGitRepositoryController(ctx, { storage })];
  },
};
