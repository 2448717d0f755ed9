/**
 * The garbage collector, as Kubernetes' GC controller behaves through the API:
 * - background: when an owner is deleted, dependents whose every owner is gone are deleted (dependents that
 *   still have a live owner only lose the dead ownerReference); a dependent created with owners that do not
 *   exist (uid mismatch) is deleted too;
 * - foreground: an owner marked for deletion with the `foregroundDeletion` finalizer has its dependents deleted
 *   (in foreground too, so whole trees go bottom-up) and loses the finalizer once none is left;
 * - orphan: an owner with the `orphan` finalizer has its ownerReferences removed from every dependent, then
 *   loses the finalizer.
 * It keeps an index uid → dependents, built from an initial list of every resource and kept by one watch.
 */
import { isJsonObject, type JsonObject, type JsonValue, type KubeObject } from '../../kube/object.js';
import type { ClusterController, InternalClient, ResourceRef, WatchEvent } from '../plugins.js';
import { WorkQueue } from './queue.js';
import { isRace, refForKind } from './util.js';

interface Ident {
  ref: ResourceRef;
  namespace?: string;
  name: string;
  uid: string;
}

function ownerUids(o: KubeObject): string[] {
  const refs = Array.isArray(o.metadata.ownerReferences) ? (o.metadata.ownerReferences as JsonValue[]).filter(isJsonObject) : [];
  return refs.map((r) => (typeof r.uid === 'string' ? r.uid : '')).filter((u) => u !== '');
}

function finalizers(o: KubeObject): string[] {
  return Array.isArray(o.metadata.finalizers) ? (o.metadata.finalizers as unknown[]).filter((f): f is string => typeof f === 'string') : [];
}

/** The GC's in-memory index (exported for tests). */
export class OwnerIndex {
  /** uid → identity of every object seen. */
  readonly objects = new Map<string, Ident>();
  /** owner uid → dependent uids. */
  readonly dependents = new Map<string, Set<string>>();
  private readonly owners = new Map<string, string[]>();

  /** Records an object (added or modified). */
  put(id: Ident, owners: string[]): void {
    this.objects.set(id.uid, id);
    const before = this.owners.get(id.uid) ?? [];
    for (const o of before) if (!owners.includes(o)) this.dependents.get(o)?.delete(id.uid);
    for (const o of owners) {
      let set = this.dependents.get(o);
      if (!set) this.dependents.set(o, (set = new Set()));
      set.add(id.uid);
    }
    if (owners.length > 0) this.owners.set(id.uid, owners);
    else this.owners.delete(id.uid);
  }

  /** Forgets a deleted object; returns the owners it had. */
  remove(uid: string): string[] {
    const owners = this.owners.get(uid) ?? [];
    for (const o of owners) {
      const set = this.dependents.get(o);
      set?.delete(uid);
      if (set && set.size === 0 && !this.objects.has(o)) this.dependents.delete(o);
    }
    this.owners.delete(uid);
    this.objects.delete(uid);
    return owners;
  }

  /** Dependents of an owner uid that are still present. */
  dependentsOf(uid: string): Ident[] {
    return [...(this.dependents.get(uid) ?? [])].map((d) => this.objects.get(d)).filter((x): x is Ident => x !== undefined);
  }
}

/** Options of {@link garbageCollector}. */
export interface GarbageCollectorOptions {
  /** Re-check period for owners waiting in foreground deletion (default 500 ms). */
  resyncMs?: number;
}

/** Creates the garbage collector controller. */
export function garbageCollector(opts: GarbageCollectorOptions = {}): ClusterController {
  const resync = opts.resyncMs ?? 500;
  const index = new OwnerIndex();
  let api: InternalClient | undefined;
  let unsubscribe: (() => void) | undefined;

  const fresh = (id: Ident): KubeObject | undefined => {
    const o = api?.get(id.ref, id.name, id.namespace);
    return o && o.metadata.uid === id.uid ? o : undefined;
  };

  const ownerAlive = (dep: KubeObject, ownerUid: string): boolean => {
    if (index.objects.has(ownerUid)) return true;
    if (!api) return true;
    const refs = (dep.metadata.ownerReferences as JsonObject[] | undefined) ?? [];
    const r = refs.find((x) => x.uid === ownerUid);
    if (!r || typeof r.apiVersion !== 'string' || typeof r.kind !== 'string' || typeof r.name !== 'string') return false;
    const ref = refForKind(api, r.apiVersion, r.kind);
    if (!ref) return true; // unknown kind: never collect on a guess
    const info = api.resourceInfo(ref);
    // a namespaced owner of a cluster-scoped dependent cannot exist (the API server's GC treats it as absent)
    if (info?.namespaced && !dep.metadata.namespace) return false;
    try {
      const owner = api.get(ref, r.name, info?.namespaced ? dep.metadata.namespace : undefined);
      return owner?.metadata.uid === ownerUid;
    } catch {
      return true; // never collect on a failed lookup
    }
  };

  /** A dependent whose owner went away: drop dead refs, delete it when none is alive. */
  const checkDependent = (id: Ident): void => {
    if (!api) return;
    const dep = fresh(id);
    if (!dep) return;
    const owners = ownerUids(dep);
    if (owners.length === 0) return;
    const alive = owners.filter((u) => ownerAlive(dep, u));
    if (alive.length === owners.length) return;
    if (alive.length > 0) {
      const refs = ((dep.metadata.ownerReferences as JsonObject[] | undefined) ?? []).filter((r) => typeof r.uid === 'string' && alive.includes(r.uid));
      api.update(id.ref, { ...dep, metadata: { ...dep.metadata, ownerReferences: refs } } as KubeObject);
      return;
    }
    if (!dep.metadata.deletionTimestamp) api.delete(id.ref, id.name, id.namespace, { propagationPolicy: 'Background', preconditions: { uid: id.uid } });
  };

  const removeFinalizer = (id: Ident, fin: string): void => {
    const o = fresh(id);
    if (!o || !finalizers(o).includes(fin)) return;
    api?.update(id.ref, { ...o, metadata: { ...o.metadata, finalizers: finalizers(o).filter((f) => f !== fin) } } as KubeObject);
  };

  const foreground = (id: Ident): number | void => {
    const owner = fresh(id);
    if (!api || !owner || !owner.metadata.deletionTimestamp || !finalizers(owner).includes('foregroundDeletion')) return;
    const deps = index.dependentsOf(id.uid);
    if (deps.length === 0) return removeFinalizer(id, 'foregroundDeletion');
    for (const d of deps) {
      const o = fresh(d);
      if (o && !o.metadata.deletionTimestamp) api.delete(d.ref, d.name, d.namespace, { propagationPolicy: 'Foreground', preconditions: { uid: d.uid } });
    }
    return resync;
  };

  const orphan = (id: Ident): void => {
    const owner = fresh(id);
    if (!api || !owner || !finalizers(owner).includes('orphan')) return;
    for (const d of index.dependentsOf(id.uid)) {
      const o = fresh(d);
      if (!o) continue;
      const refs = ((o.metadata.ownerReferences as JsonObject[] | undefined) ?? []).filter((r) => r.uid !== id.uid);
      const meta: Record<string, unknown> = { ...o.metadata, ownerReferences: refs };
      if (refs.length === 0) delete meta.ownerReferences;
      api.update(d.ref, { ...o, metadata: meta } as KubeObject);
    }
    removeFinalizer(id, 'orphan');
  };

  const pendingGone = new Map<string, string[]>();
  const queue = new WorkQueue({
    handle(key) {
      const [kind, uid] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
      try {
        if (kind === 'gone') {
          const deps = pendingGone.get(uid) ?? [];
          pendingGone.delete(uid);
          for (const d of deps) {
            const id = index.objects.get(d);
            if (id) checkDependent(id);
          }
          return;
        }
        const id = index.objects.get(uid);
        if (!id) return;
        if (kind === 'fg') return foreground(id);
        if (kind === 'orphan') return orphan(id);
        if (kind === 'dep') return checkDependent(id);
      } catch (e) {
        if (isRace(e)) return 100;
        throw e;
      }
    },
  });

  const identOf = (o: KubeObject): Ident | undefined => {
    if (!api || !o.metadata.uid) return undefined;
    const ref = refForKind(api, o.apiVersion, o.kind);
    return ref ? { ref, namespace: o.metadata.namespace, name: o.metadata.name ?? '', uid: o.metadata.uid } : undefined;
  };

  const observe = (o: KubeObject, added: boolean): void => {
    const id = identOf(o);
    if (!id) return;
    const owners = ownerUids(o);
    index.put(id, owners);
    if (o.metadata.deletionTimestamp) {
      const fins = finalizers(o);
      if (fins.includes('foregroundDeletion')) queue.add(`fg:${id.uid}`);
      if (fins.includes('orphan')) queue.add(`orphan:${id.uid}`);
    }
    if (added && owners.some((u) => !index.objects.has(u))) queue.add(`dep:${id.uid}`);
  };

  const onEvent = (ev: WatchEvent): void => {
    const o = ev.object;
    if (ev.type !== 'DELETED') return observe(o, ev.type === 'ADDED');
    const uid = o.metadata.uid;
    if (!uid) return;
    const deps = [...(index.dependents.get(uid) ?? [])];
    const owners = index.remove(uid);
    if (deps.length > 0) {
      pendingGone.set(uid, [...(pendingGone.get(uid) ?? []), ...deps]);
      queue.add(`gone:${uid}`);
    }
    for (const ow of owners) queue.add(`fg:${ow}`);
  };

  return {
    name: 'garbage-collector',
    start(client) {
      api = client;
      const rv = client.currentResourceVersion();
      const seen = new Set<string>();
      for (const info of client.resources()) {
        const k = `${info.group}/${info.plural}`;
        if (seen.has(k) || !info.verbs.includes('list')) continue;
        seen.add(k);
        try {
          for (const o of client.list({ group: info.group, version: info.version, resource: info.plural }).items) observe(o, true);
        } catch {
          // a resource that cannot be listed is simply not indexed
        }
      }
      // the GC needs identities, owners and finalizers only: metadata events spare decoding every object
      unsubscribe = client.watch(undefined, rv, onEvent, { metadataOnly: true });
    },
    async stop() {
      unsubscribe?.();
      queue.stop();
      await Promise.resolve();
    },
  };
}
