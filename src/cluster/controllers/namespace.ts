/**
 * Namespace lifecycle: a namespace marked for deletion (phase Terminating, set by the server) has every
 * namespaced object in it deleted; objects held by finalizers are waited for; once nothing is left the
 * `kubernetes` finalizer is removed from `spec.finalizers` and the namespace goes away. Status conditions
 * report progress with the API server's types and reasons.
 */
import type { JsonObject, KubeObject } from '../../kube/object.js';
import type { ClusterController, InternalClient, ResourceRef } from '../plugins.js';
import { WorkQueue } from './queue.js';
import { mergeConditions, R, specOf, statusOf, writeStatus, type Condition } from './util.js';

/** Options of {@link namespaceController}. */
export interface NamespaceControllerOptions {
  /** Re-check period while content remains (default 200 ms). */
  resyncMs?: number;
}

interface Remaining {
  byResource: Map<string, number>;
  byFinalizer: Map<string, number>;
}

function namespacedRefs(api: InternalClient): ResourceRef[] {
  const seen = new Set<string>();
  const out: ResourceRef[] = [];
  for (const r of api.resources()) {
    const k = `${r.group}/${r.plural}`;
    if (!r.namespaced || seen.has(k) || !r.verbs.includes('list') || !r.verbs.includes('delete')) continue;
    seen.add(k);
    out.push({ group: r.group, version: r.version, resource: r.plural });
  }
  return out;
}

/** Deletes what is left in a namespace; returns what still exists. */
export function purgeNamespace(api: InternalClient, ns: string): Remaining {
  const rem: Remaining = { byResource: new Map(), byFinalizer: new Map() };
  for (const ref of namespacedRefs(api)) {
    let items: KubeObject[];
    try {
      items = api.list(ref, { namespace: ns }).items;
    } catch {
      continue;
    }
    for (const o of items) {
      if (!o.metadata.deletionTimestamp) {
        try {
          api.delete(ref, o.metadata.name ?? '', ns, { propagationPolicy: 'Background' });
        } catch {
          // counted as remaining; retried on the next pass
        }
      }
      if (api.get(ref, o.metadata.name ?? '', ns)) {
        const label = ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
        rem.byResource.set(label, (rem.byResource.get(label) ?? 0) + 1);
        const fins = (api.get(ref, o.metadata.name ?? '', ns)?.metadata.finalizers as string[] | undefined) ?? [];
        for (const f of fins) rem.byFinalizer.set(f, (rem.byFinalizer.get(f) ?? 0) + 1);
      }
    }
  }
  return rem;
}

function conditions(rem: Remaining): Condition[] {
  const res = [...rem.byResource].map(([r, n]) => `${r} has ${n} resource instances`).join(', ');
  const fins = [...rem.byFinalizer].map(([f, n]) => `${f} in ${n} resource instances`).join(', ');
  return [
    { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
    { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
    { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
    rem.byResource.size > 0
      ? { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${res}` }
      : { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
    rem.byFinalizer.size > 0
      ? { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${fins}` }
      : { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
  ];
}

/** Creates the namespace controller. */
export function namespaceController(opts: NamespaceControllerOptions = {}): ClusterController {
  const resync = opts.resyncMs ?? 200;
  let api: InternalClient | undefined;
  let unsubscribe: (() => void) | undefined;
  const queue = new WorkQueue({
    handle(name) {
      if (!api) return;
      const ns = api.get(R.namespaces, name);
      if (!ns || !ns.metadata.deletionTimestamp) return;
      const rem = purgeNamespace(api, name);
      const status: JsonObject = { ...statusOf(ns), phase: 'Terminating', conditions: mergeConditions(statusOf(ns).conditions, conditions(rem)) };
      writeStatus(api, R.namespaces, ns, status);
      if (rem.byResource.size > 0) return resync;
      const latest = api.get(R.namespaces, name);
      if (!latest) return;
      const fins = Array.isArray(specOf(latest).finalizers) ? (specOf(latest).finalizers as string[]) : [];
      if (fins.includes('kubernetes')) {
        api.update(R.namespaces, { ...latest, spec: { ...specOf(latest), finalizers: fins.filter((f) => f !== 'kubernetes') } } as KubeObject);
      }
    },
  });
  return {
    name: 'namespace',
    start(client) {
      api = client;
      const rv = client.currentResourceVersion();
      for (const ns of client.list(R.namespaces).items) if (ns.metadata.deletionTimestamp) queue.add(ns.metadata.name ?? '');
      unsubscribe = client.watch(R.namespaces, rv, (ev) => {
        if (ev.type !== 'DELETED' && ev.object.metadata.deletionTimestamp) queue.add(ev.object.metadata.name ?? '');
      });
    },
    async stop() {
      unsubscribe?.();
      queue.stop();
      await Promise.resolve();
    },
  };
}
