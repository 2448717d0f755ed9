/**
 * The `kustomize` controller group for `lockstep controllers`: the Kustomization controller. Besides its
 * own changes (generation, reconcile requests, deletion) and the interval, a Kustomization is reconciled
 * when the artifact revision of the GitRepository it references changes, and when a Kustomization it
 * depends on becomes Ready (sooner than Flux's 30 s dependency requeue, which stays as the fallback).
 * GitRepositories and dependencies are read from the shared informer caches.
 */
import { gitRepositoryApiVersion, gitRepositoryKind, type GitRepository } from '../../api/gitrepository.js';
import { type Kustomization, kustomizationApiVersion, kustomizationKind } from '../../api/kustomization.js';
import type { KubeObject } from '../../kube/object.js';
import {
  type Controller,
  type ControllerContext,
  type ControllerFactory,
  ConditionType,
  ReconcileController,
  getCondition,
  objectKey,
  sourceRevisionChanged,
} from '../../runtime/index.js';
import { ClientPool } from './clients.js';
import { type KustomizationReconcilerOptions, kustomizationReconciler } from './kustomization.reconciler.js';
import { ManifestRenderer, type ManifestRendererOptions } from './manifests.js';

/** Options of {@link createKustomizationController}. */
export interface KustomizationControllerOptions extends Partial<Omit<KustomizationReconcilerOptions, 'clients' | 'renderer'>> {
  concurrency?: number;
  renderer?: ManifestRendererOptions;
  /** Clients for impersonation/remote clusters (default: a pool over the manager's client). */
  clients?: ClientPool;
}

const sourceIndex = 'kustomize.sourceRef';
const dependsIndex = 'kustomize.dependsOn';

function sourceKeys(o: KubeObject): string[] {
  const ref = (o as Kustomization).spec?.sourceRef;
  if (!ref?.name || ref.kind !== gitRepositoryKind) return [];
  return [`${ref.namespace ?? o.metadata.namespace ?? ''}/${ref.name}`];
}

function dependsKeys(o: KubeObject): string[] {
  return ((o as Kustomization).spec?.dependsOn ?? []).map((d) => `${d.namespace ?? o.metadata.namespace ?? ''}/${d.name}`);
}

const readyTurnedTrue = (o: KubeObject, n: KubeObject): boolean =>
  getCondition(n, ConditionType.Ready)?.status === 'True' && (getCondition(o, ConditionType.Ready)?.status !== 'True' || o.metadata.generation !== n.metadata.generation || (o as Kustomization).status?.lastAppliedRevision !== (n as Kustomization).status?.lastAppliedRevision);

/** The Kustomization controller (see the module comment). */
export function createKustomizationController(ctx: ControllerContext, opts: KustomizationControllerOptions = {}): ReconcileController<Kustomization> {
  const namespace = ctx.options.watchNamespace;
  const sourceType = { apiVersion: gitRepositoryApiVersion, kind: gitRepositoryKind };
  const ksType = { apiVersion: kustomizationApiVersion, kind: kustomizationKind };
  const sources = ctx.informers.informerFor({ type: sourceType, namespace });
  const own = ctx.informers.informerFor({ type: ksType, namespace });
  own.cache.addIndex(sourceIndex, sourceKeys);
  own.cache.addIndex(dependsIndex, dependsKeys);
  const clients = opts.clients ?? new ClientPool(ctx.client);
  const renderer = new ManifestRenderer(opts.renderer ?? {});
  ctx.signal.addEventListener(
    'abort',
    () => {
      clients.close();
      void renderer.close();
    },
    { once: true },
  );
  const definition = kustomizationReconciler({
    ...opts,
    clients,
    renderer,
    // Informer caches first (no request per reconcile); a GET when the cache has not seen the object yet.
    getSource: async (client, ref) =>
      (sources.cache.get(ref.name, ref.namespace) as GitRepository | undefined) ?? ((await client.tryGet({ ...sourceType, ...ref })) as GitRepository | undefined),
    getKustomization: async (client, ref) =>
      (own.cache.get(ref.name, ref.namespace) as Kustomization | undefined) ?? ((await client.tryGet({ ...ksType, ...ref })) as Kustomization | undefined),
  });
  return new ReconcileController<Kustomization>(ctx, {
    name: 'kustomization',
    definition,
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
    watches: [
      {
        type: sourceType,
        predicate: sourceRevisionChanged,
        mapToKeys: (src: KubeObject) => own.cache.byIndex(sourceIndex, objectKey(src)).map((o) => objectKey(o)),
      },
      {
        type: ksType,
        predicate: readyTurnedTrue,
        mapToKeys: (dep: KubeObject) => own.cache.byIndex(dependsIndex, objectKey(dep)).map((o) => objectKey(o)),
      },
    ],
  });
}

/** Registered as `kustomize` in the controller registry. */
export const kustomizeControllerFactory: ControllerFactory = {
  name: 'kustomize',
  description: 'Kustomization: builds paths of source artifacts and applies them with server-side apply, prunes and health-checks',
  create(ctx: ControllerContext): Controller[] {
    return [createKustomizationController(ctx)];
  },
};
