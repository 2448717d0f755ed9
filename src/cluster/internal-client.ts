/**
 * The in-process admin client of cluster controllers: the same {@link ClusterCore} the HTTP API uses, as
 * the user `system:lockstep:controller` (no authorization; admission applies). Watch callbacks run
 * asynchronously after the write that caused them.
 */
import type { KubeObject } from '../kube/object.js';
import type { ResourceInfo } from '../kube/schema/types.js';
import type { ServedResource } from './catalog.js';
import type { ClusterCore, WriteContext } from './core.js';
import { ApiError, StatusReason, gone } from './errors.js';
import { groupVersion } from './meta.js';
import type { DeleteOptions, InternalClient, ListOptions, ListResult, PatchType, ResourceRef, WatchEvent, WriteOptions } from './plugins.js';
import { controllerUser } from './plugins.js';
import type { ChangeEvent } from './store.js';

const FIELD_MANAGER = 'lockstep-cluster-controller';

/** A deep copy of JSON-shaped metadata (small: labels, annotations, ownerReferences, finalizers). */
function copyJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copyJson) as T;
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const k in v) out[k] = copyJson((v as Record<string, unknown>)[k]);
  return out as T;
}

/** apiVersion, kind and metadata (without managedFields) of a change, from the committed object when at hand. */
function metadataOf(r: ServedResource, ev: ChangeEvent): KubeObject {
  const src = ev.obj ?? (JSON.parse(ev.json) as KubeObject);
  const metadata: KubeObject['metadata'] = {};
  for (const k in src.metadata) if (k !== 'managedFields') (metadata as Record<string, unknown>)[k] = copyJson(src.metadata[k]);
  return { apiVersion: groupVersion(r), kind: src.kind, metadata };
}

/** Creates the internal client over a core. */
export function createInternalClient(core: ClusterCore): InternalClient & { close(): void } {
  const subs = new Set<() => void>();
  const served = (ref: ResourceRef): ServedResource => {
    const r = core.catalog.byPlural(ref.group, ref.version, ref.resource);
    if (!r) throw new ApiError(404, StatusReason.notFound, `the server could not find the requested resource (${ref.group}/${ref.version}, ${ref.resource})`);
    return r;
  };
  const ctx = (o?: WriteOptions): WriteContext => ({
    user: controllerUser,
    dryRun: o?.dryRun ?? false,
    fieldManager: o?.fieldManager ?? FIELD_MANAGER,
    force: o?.force ?? false,
    fieldValidation: 'Ignore',
    warnings: [],
  });
  const toWatchEvent = (r: ServedResource, ev: ChangeEvent, metadataOnly: boolean): WatchEvent => ({ type: ev.type, object: metadataOnly ? metadataOf(r, ev) : core.decode(r, ev.json) });
  return {
    resourceInfo: (ref) => core.catalog.byPlural(ref.group, ref.version, ref.resource),
    resources: () => core.catalog.resources(),
    resourceForKind(apiVersion: string, kind: string): ResourceInfo | undefined {
      const slash = apiVersion.indexOf('/');
      const group = slash < 0 ? '' : apiVersion.slice(0, slash);
      const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
      return core.catalog.byKind(group, version, kind);
    },
    get: (ref, name, namespace) => core.find(served(ref), namespace, name),
    list(ref: ResourceRef, opts: ListOptions = {}): ListResult {
      const r = served(ref);
      const res = core.list(r, opts);
      return { items: res.entries.map((e) => core.decodeEntry(r, e)), resourceVersion: res.resourceVersion, continue: res.continue };
    },
    create: (ref, obj, o) => core.create(served(ref), obj.metadata.namespace, obj as never, ctx(o)),
    update: (ref, obj, o) => core.update({ r: served(ref), ns: obj.metadata.namespace, name: obj.metadata.name ?? '' }, obj as never, ctx(o)),
    updateStatus: (ref, obj, o) => core.update({ r: served(ref), ns: obj.metadata.namespace, name: obj.metadata.name ?? '' }, obj as never, ctx(o), 'status'),
    patch(ref: ResourceRef, name: string, p: { type: PatchType; body: unknown; namespace?: string; subresource?: string }, o?: WriteOptions): KubeObject {
      return core.patch({ r: served(ref), ns: p.namespace, name }, { type: p.type, body: p.body as never, sub: p.subresource }, ctx(o));
    },
    delete(ref: ResourceRef, name: string, namespace?: string, opts: DeleteOptions = {}): KubeObject | undefined {
      const r = served(ref);
      if (!core.find(r, namespace, name)) return undefined;
      return core.delete({ r, ns: namespace, name }, opts, ctx({ dryRun: opts.dryRun })).object;
    },
    watch(ref: ResourceRef | undefined, fromResourceVersion: string | undefined, cb: (ev: WatchEvent) => void, opts: { metadataOnly?: boolean } = {}): () => void {
      const metadataOnly = opts.metadataOnly === true;
      const r = ref ? served(ref) : undefined;
      const from = fromResourceVersion && fromResourceVersion !== '0' ? Number(fromResourceVersion) : undefined;
      // a resourceVersion read before its commit was durable (group commit) must not be delivered again
      let sentRv = from ?? 0;
      const deliver = (ev: ChangeEvent): void => {
        if (ev.rv <= sentRv) return;
        sentRv = ev.rv;
        if (r && ev.rkey !== r.rkey) return;
        const target = r ?? core.catalog.preferredFor(ev.rkey);
        if (!target) return;
        const we = toWatchEvent(target, ev, metadataOnly);
        setImmediate(() => {
          if (active) cb(we);
        });
      };
      let active = true;
      if (from !== undefined) {
        const replay = core.store.since(from);
        if (!replay) throw gone(`too old resource version: ${fromResourceVersion ?? ''}`);
        for (const ev of replay) deliver(ev);
      }
      const unsub = core.store.subscribe(deliver);
      const stop = (): void => {
        active = false;
        unsub();
        subs.delete(stop);
      };
      subs.add(stop);
      return stop;
    },
    currentResourceVersion: () => String(core.store.currentRv()),
    close(): void {
      for (const s of [...subs]) s();
    },
  };
}
