/**
 * Object identity: API versions, group/version/kind, Flux inventory IDs, human-readable references and
 * a stable object order.
 */
import type { GroupVersionKind } from './object.js';

/** An error about an object's identity (missing apiVersion/kind, malformed inventory ID…). */
export class IdentityError extends Error {
  override readonly name = 'IdentityError';
  constructor(
    message: string,
    /** The offending value (an inventory ID, an apiVersion…). */
    readonly value: string,
  ) {
    super(message);
  }
}

/** What identifies an object across versions: group, kind, namespace (`''` when cluster-scoped), name. */
export interface ObjectRef {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Anything with the identity fields of a Kubernetes object (a KubeObject or a parsed manifest). */
export interface ObjectLike {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: unknown;
}

/**
 * Splits an apiVersion: `apps/v1` → `{group: 'apps', version: 'v1'}`, `v1` → core group `''`.
 * Throws {@link IdentityError} for an empty string or more than one `/`.
 */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const parts = apiVersion.split('/');
  if (apiVersion === '' || parts.length > 2 || parts.some((p) => p === '')) {
    throw new IdentityError(`invalid apiVersion ${JSON.stringify(apiVersion)}`, apiVersion);
  }
  return parts.length === 1 ? { group: '', version: parts[0] as string } : { group: parts[0] as string, version: parts[1] as string };
}

/** Joins group and version: `('apps','v1')` → `apps/v1`, `('','v1')` → `v1`. */
export function formatApiVersion(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

function metaField(obj: ObjectLike, key: 'name' | 'namespace'): string {
  const meta = obj.metadata;
  if (typeof meta !== 'object' || meta === null) return '';
  const v = (meta as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : '';
}

/** The GVK of an object; throws {@link IdentityError} when apiVersion or kind is missing or not a string. */
export function gvkOf(obj: ObjectLike): GroupVersionKind {
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || apiVersion === '') throw new IdentityError('object has no apiVersion', String(apiVersion ?? ''));
  if (typeof kind !== 'string' || kind === '') throw new IdentityError(`object of ${apiVersion} has no kind`, apiVersion);
  return { ...parseApiVersion(apiVersion), kind };
}

/**
 * The GVK of an object, or undefined where {@link gvkOf} would throw (apiVersion or kind missing, empty or not a
 * string, apiVersion malformed). For callers to whom an object without identity is not an error, e.g. a merge
 * that falls back to no schema.
 */
export function tryGvkOf(obj: ObjectLike): GroupVersionKind | undefined {
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || kind === '') return undefined;
  try {
    return { ...parseApiVersion(apiVersion), kind };
  } catch (err) {
    if (err instanceof IdentityError) return undefined;
    throw err;
  }
}

/** The {@link ObjectRef} of an object (namespace `''` when absent). Throws like {@link gvkOf}. */
export function objectRefOf(obj: ObjectLike): ObjectRef {
  const { group, kind } = gvkOf(obj);
  return { group, kind, namespace: metaField(obj, 'namespace'), name: metaField(obj, 'name') };
}

const SEP = '_';
const COLON = '__';
const RBAC_GROUP = 'rbac.authorization.k8s.io';
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/**
 * Flux's inventory ID, `<namespace>_<name>_<group>_<kind>` (cli-utils ObjMetadata format): cluster-scoped
 * objects have an empty namespace (`_name_group_kind`), core objects an empty group (`ns_name__ConfigMap`).
 * RBAC names may hold `:`, written as `__` as Flux does.
 */
export function inventoryId(ref: ObjectRef | ObjectLike): string {
  const r = isRef(ref) ? ref : objectRefOf(ref);
  const name = r.group === RBAC_GROUP && RBAC_KINDS.has(r.kind) ? r.name.split(':').join(COLON) : r.name;
  return [r.namespace, name, r.group, r.kind].join(SEP);
}

/** An entry of a Flux Kustomization's `status.inventory.entries`: the inventory ID and the object's version. */
export interface InventoryEntry {
  id: string;
  v: string;
}

/** The Flux inventory entry of an object (`{id: "ns_name_apps_Deployment", v: "v1"}`). Throws like {@link gvkOf}. */
export function inventoryEntryOf(obj: ObjectLike): InventoryEntry {
  return { id: inventoryId(obj), v: gvkOf(obj).version };
}

function isRef(v: ObjectRef | ObjectLike): v is ObjectRef {
  return typeof (v as ObjectRef).group === 'string' && typeof (v as ObjectRef).name === 'string';
}

/**
 * Parses an inventory ID back into an {@link ObjectRef}. The namespace is before the first `_`, kind and
 * group after the last two; in the name `__` becomes `:`. Throws {@link IdentityError} when fields are
 * missing, the name or kind is empty, or the name holds a stray `_`.
 */
export function parseInventoryId(id: string): ObjectRef {
  const bad = (why: string): IdentityError => new IdentityError(`invalid inventory ID ${JSON.stringify(id)}: ${why}`, id);
  const first = id.indexOf(SEP);
  if (first < 0) throw bad('expected <namespace>_<name>_<group>_<kind>');
  const namespace = id.slice(0, first);
  let rest = id.slice(first + 1);
  const k = rest.lastIndexOf(SEP);
  if (k < 0) throw bad('expected <namespace>_<name>_<group>_<kind>');
  const kind = rest.slice(k + 1);
  rest = rest.slice(0, k);
  const g = rest.lastIndexOf(SEP);
  if (g < 0) throw bad('expected <namespace>_<name>_<group>_<kind>');
  const group = rest.slice(g + 1);
  const name = rest.slice(0, g).split(COLON).join(':');
  if (name.includes(SEP)) throw bad('too many fields');
  if (name === '' || kind === '') throw bad('empty name or kind');
  return { group, kind, namespace, name };
}

/**
 * A human reference as Flux prints it in events and messages: `Deployment/ns/name`, or `Namespace/name`
 * for cluster-scoped objects.
 */
export function formatObjectRef(ref: ObjectRef | ObjectLike): string {
  const r = isRef(ref) ? ref : objectRefOf(ref);
  return r.namespace ? `${r.kind}/${r.namespace}/${r.name}` : `${r.kind}/${r.name}`;
}

/**
 * A fully qualified reference including the group: `Deployment/apps/ns/name`, `ConfigMap//ns/name` (core:
 * empty group), `ClusterRole/rbac.authorization.k8s.io//name` (cluster-scoped: empty namespace).
 */
export function formatQualifiedRef(ref: ObjectRef | ObjectLike): string {
  const r = isRef(ref) ? ref : objectRefOf(ref);
  return `${r.kind}/${r.group}/${r.namespace}/${r.name}`;
}

/** kubectl's reference as it prints it after apply: `deployment.apps/name`, `configmap/name`. */
export function formatKubectlRef(ref: ObjectRef | ObjectLike): string {
  const r = isRef(ref) ? ref : objectRefOf(ref);
  const kind = r.kind.toLowerCase();
  return r.group ? `${kind}.${r.group}/${r.name}` : `${kind}/${r.name}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Stable total order: by group, kind, namespace, name (code-unit order, not locale-dependent). Objects
 * whose identity cannot be read sort as empty strings.
 */
export function compareObjects(a: ObjectRef | ObjectLike, b: ObjectRef | ObjectLike): number {
  const ra = safeRef(a);
  const rb = safeRef(b);
  return cmp(ra.group, rb.group) || cmp(ra.kind, rb.kind) || cmp(ra.namespace, rb.namespace) || cmp(ra.name, rb.name);
}

function safeRef(v: ObjectRef | ObjectLike): ObjectRef {
  if (isRef(v)) return v;
  try {
    return objectRefOf(v);
  } catch {
    return { group: '', kind: typeof v.kind === 'string' ? v.kind : '', namespace: metaField(v, 'namespace'), name: metaField(v, 'name') };
  }
}
