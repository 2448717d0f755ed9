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
