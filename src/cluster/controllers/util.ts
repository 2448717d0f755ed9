/** Helpers shared by the cluster controllers: resource refs, object keys, conditions, change detection. */
import { isJsonObject, type JsonObject, type JsonValue, type KubeObject } from '../../kube/object.js';
import { isApiError } from '../errors.js';
import type { InternalClient, ResourceRef } from '../plugins.js';

/** Ref of a group/version/plural. */
export const gvr = (group: string, version: string, resource: string): ResourceRef => ({ group, version, resource });

/** Well-known refs. */
export const R = {
  namespaces: gvr('', 'v1', 'namespaces'),
  pods: gvr('', 'v1', 'pods'),
  services: gvr('', 'v1', 'services'),
  pvcs: gvr('', 'v1', 'persistentvolumeclaims'),
  pvs: gvr('', 'v1', 'persistentvolumes'),
  events: gvr('', 'v1', 'events'),
  deployments: gvr('apps', 'v1', 'deployments'),
  replicasets: gvr('apps', 'v1', 'replicasets'),
  statefulsets: gvr('apps', 'v1', 'statefulsets'),
  daemonsets: gvr('apps', 'v1', 'daemonsets'),
  controllerrevisions: gvr('apps', 'v1', 'controllerrevisions'),
  jobs: gvr('batch', 'v1', 'jobs'),
  crds: gvr('apiextensions.k8s.io', 'v1', 'customresourcedefinitions'),
} as const;

/** `namespace/name` (or `name` for cluster-scoped objects). */
export function objectKey(o: Pick<KubeObject, 'metadata'>): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name ?? ''}` : o.metadata.name ?? '';
}

/** Splits a key made by {@link objectKey}. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The ref of an apiVersion/kind, or undefined when the cluster does not serve it. */
export function refForKind(api: InternalClient, apiVersion: string, kind: string): ResourceRef | undefined {
  const info = api.resourceForKind(apiVersion, kind);
  return info ? { group: info.group, version: info.version, resource: info.plural } : undefined;
}

/** The object's `spec` (empty object when absent). */
export function specOf(o: KubeObject): JsonObject {
  return isJsonObject(o.spec as JsonValue) ? (o.spec as JsonObject) : {};
}

/** The object's `status` (empty object when absent). */
export function statusOf(o: KubeObject): JsonObject {
  return isJsonObject(o.status as JsonValue) ? (o.status as JsonObject) : {};
}

/** Order-insensitive deep equality. */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ka = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const kb = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => same(ao[k], bo[k]));
}

/** RFC 3339 seconds, as Kubernetes timestamps. */
export function nowStamp(now = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A condition as workloads carry it. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/**
 * Merges wanted conditions into existing ones: unchanged conditions keep their timestamps;
 * `lastTransitionTime` moves only when the status flips; `lastUpdateTime` (workloads) when anything changes.
 */
export function mergeConditions(existing: JsonValue | undefined, wanted: readonly Condition[], opts: { updateTime?: boolean; now?: string } = {}): JsonObject[] {
  const now = opts.now ?? nowStamp();
  const old = Array.isArray(existing) ? existing.filter(isJsonObject) : [];
  const out: JsonObject[] = [];
  for (const w of wanted) {
    const prev = old.find((c) => c.type === w.type);
    const unchanged = prev && prev.status === w.status && (prev.reason ?? '') === w.reason && (prev.message ?? '') === w.message;
    if (unchanged) {
      out.push(prev);
      continue;
    }
    const c: JsonObject = { type: w.type, status: w.status };
    if (opts.updateTime) c.lastUpdateTime = now;
    c.lastTransitionTime = prev && prev.status === w.status && typeof prev.lastTransitionTime === 'string' ? prev.lastTransitionTime : now;
    c.reason = w.reason;
    c.message = w.message;
    out.push(c);
  }
  for (const c of old) if (!wanted.some((w) => w.type === c.type)) out.push(c);
  return out;
}

/**
 * True for a 404/409 ApiError (expected races between controllers and users), and for 403, which the
 * internal client only gets when a namespace is terminating.
 */
export function isRace(e: unknown): boolean {
  return isApiError(e) && (e.code === 404 || e.code === 409 || e.code === 403);
}

/**
 * Writes `status` when it differs from the stored one; returns whether it wrote. A vanished object (404) is
 * ignored; a stale one (409) throws, so the work queue retries with fresh state.
 */
export function writeStatus(api: InternalClient, ref: ResourceRef, obj: KubeObject, status: JsonObject): boolean {
  if (same(obj.status, status)) return false;
  try {
    api.updateStatus(ref, { ...obj, status } as KubeObject);
    return true;
  } catch (e) {
    if (isApiError(e) && e.code === 404) return false;
    throw e;
  }
}

/** The `cluster.lockstep.dev/simulate` annotation: `fail`, `never-ready` or undefined. */
export function simulateMode(o: KubeObject): 'fail' | 'never-ready' | undefined {
  const v = o.metadata.annotations?.['cluster.lockstep.dev/simulate'];
  return v === 'fail' || v === 'never-ready' ? v : undefined;
}

/** The annotation name that drives failure simulation. */
export const simulateAnnotation = 'cluster.lockstep.dev/simulate';

/** The controller ownerReference of an object (the one with `controller: true`). */
export function controllerRef(o: KubeObject): JsonObject | undefined {
  const refs = Array.isArray(o.metadata.ownerReferences) ? (o.metadata.ownerReferences as JsonValue[]).filter(isJsonObject) : [];
  return refs.find((r) => r.controller === true);
}

/** An ownerReference pointing at `owner` as its controller. */
export function ownerRefTo(owner: KubeObject): JsonObject {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}
