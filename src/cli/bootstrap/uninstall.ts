/**
 * Uninstall without touching the user's workloads: stop the in-cluster controllers (delete their
 * Deployments), then for every Lockstep object suspend it and drop its finalizers in one patch and delete
 * it only if nothing changed it since (resourceVersion precondition; a controller re-adding a finalizer
 * makes the delete conflict, and we go again) — so no controller ever sees a deletion with a finalizer
 * and garbage-collects what it applied. Then the CRDs, the cluster-wide RBAC and (unless kept) the
 * namespace. Objects the Kustomizations applied elsewhere stay.
 */
import { kindDefinitions } from '../../api/kinds.js';
import { isConflict, isNotFound, type KubeClient } from '../../kube/client/index.js';
import type { KubeObject } from '../../kube/object.js';
import { componentsObjects, partOfSelector } from '../../install/components.js';

/** Options of {@link uninstall}. */
export interface UninstallOptions {
  namespace: string;
  keepNamespace: boolean;
  dryRun: boolean;
  version: string;
  /** Progress lines. */
  log: (msg: string) => void;
}

async function ignoreNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Releases and deletes one custom object; retries when a controller wrote it in between. */
async function releaseAndDelete(client: KubeClient, obj: KubeObject, dryRun: boolean): Promise<void> {
  const ref = { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name ?? '' };
  for (let attempt = 0; attempt < 10; attempt++) {
    const patched = await ignoreNotFound(client.patch(ref, { metadata: { finalizers: null }, spec: { suspend: true } }, { type: 'merge', dryRun }));
    if (!patched || dryRun) return;
    try {
      await ignoreNotFound(client.delete(ref, { preconditions: { resourceVersion: patched.metadata.resourceVersion ?? '' } }));
      return;
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
  throw new Error(`${obj.kind}/${obj.metadata.name ?? ''} in ${obj.metadata.namespace ?? ''} kept changing; stop the controllers and retry`);
}

/** See the module comment. Returns the number of Lockstep objects released. */
export async function uninstall(client: KubeClient, o: UninstallOptions): Promise<number> {
  const dryRun = o.dryRun;
  const deployments = await client.list({ apiVersion: 'apps/v1', kind: 'Deployment' }, { namespace: o.namespace, labelSelector: partOfSelector }).catch(() => ({ items: [] as KubeObject[] }));
  for (const d of deployments.items) {
    await ignoreNotFound(client.delete({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: o.namespace, name: d.metadata.name ?? '' }, { dryRun }));
    o.log(`Deployment/${o.namespace}/${d.metadata.name ?? ''} deleted`);
  }
  let released = 0;
  for (const def of kindDefinitions) {
    const type = { apiVersion: `${def.group}/${def.version}`, kind: def.kind };
    const list = await ignoreNotFound(client.list(type)).catch(() => undefined);
    for (const obj of list?.items ?? []) {
      await releaseAndDelete(client, { ...obj, ...type }, dryRun);
      released++;
      o.log(`${def.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''} finalizers removed, deleted`);
    }
  }
  for (const def of kindDefinitions) {
    const name = `${def.plural}.${def.group}`;
    await ignoreNotFound(client.delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name }, { dryRun }));
    o.log(`CustomResourceDefinition/${name} deleted`);
  }
  const clusterScoped = componentsObjects({ version: o.version, namespace: o.namespace }).filter((x) => x['kind'] === 'ClusterRole' || x['kind'] === 'ClusterRoleBinding');
  for (const x of clusterScoped) {
    const k = x as unknown as KubeObject;
    await ignoreNotFound(client.delete({ apiVersion: k.apiVersion, kind: k.kind, name: k.metadata.name ?? '' }, { dryRun }));
    o.log(`${k.kind}/${k.metadata.name ?? ''} deleted`);
  }
  if (!o.keepNamespace) {
    await ignoreNotFound(client.delete({ apiVersion: 'v1', kind: 'Namespace', name: o.namespace }, { dryRun }));
    o.log(`Namespace/${o.namespace} deleted`);
  }
  return released;
}
