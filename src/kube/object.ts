/**
 * The Kubernetes object model shared by every layer: JSON values, objects and their metadata.
 * Identity helpers (GVK, inventory IDs, sorting) live in `identity.ts`.
 */

/** A JSON value as it travels between Lockstep, YAML files and the API server. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A JSON object (a map with string keys). */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** The parts of `metadata` Lockstep reads; everything else is kept as is. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** Any Kubernetes object: apiVersion, kind, metadata and the rest untyped. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Group, version and kind; the core group is the empty string. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** True for a JSON object (not null, not an array). */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Deep equality of JSON values: object member order is ignored, array order is not, and a member whose value is
 * `undefined` counts as absent (objects built in code may carry them; JSON cannot). The one equality of the code
 * base: the merge engine, the SSA manager, the local cluster and the runtime all use it.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let n = 0;
  for (const k of Object.keys(ao)) {
    const x = ao[k];
    if (x === undefined) continue;
    if (!Object.hasOwn(bo, k) || !jsonEqual(x, bo[k])) return false;
    n++;
  }
  for (const k of Object.keys(bo)) if (bo[k] !== undefined) n--;
  return n === 0;
}

/**
 * Selects objects the way kustomize patch targets, Flux's `spec.patches[].target` and `spec.ignore` rules do:
 * absent fields match everything; `labelSelector`/`annotationSelector` use the label-selector syntax. Whether
 * name and namespace are exact or anchored regexes is up to the user of the selector.
 */
export interface ObjectSelector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}
