/**
 * The patch and ownership functions the API server applies, behind one interface so the core does not
 * depend on how they are implemented. `defaultMergeEngine()` wires the merge engine of `src/kube/merge/`.
 */
import type { JsonObject, JsonValue, KubeObject } from '../kube/object.js';
import { isJsonObject } from '../kube/object.js';
import type { SchemaNode } from '../kube/schema/types.js';

/** A field owned by another manager that an apply would change. */
export interface ApplyConflict {
  manager: string;
  /** Kube-style path: `.spec.replicas`. */
  path: string;
}

/** Options of a server-side apply. */
export interface MergeApplyOptions {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  schema: SchemaNode | undefined;
  subresource?: string;
  now: string;
}

/** Options of recording ownership of a non-apply write. */
export interface MergeUpdateOptions {
  live: KubeObject | undefined;
  updated: KubeObject;
  manager: string;
  schema: SchemaNode | undefined;
  subresource?: string;
  now: string;
}

/** The functions the API server uses for PATCH and managedFields. All must leave their inputs untouched. */
export interface MergeEngine {
  jsonPatch(doc: JsonObject, ops: JsonValue): JsonValue;
  mergePatch(doc: JsonObject, patch: JsonValue): JsonValue;
  strategicMergePatch(doc: JsonObject, patch: JsonObject, schema: SchemaNode | undefined): JsonValue;
  apply(opts: MergeApplyOptions): { object: KubeObject; conflicts: ApplyConflict[] };
  recordUpdate(opts: MergeUpdateOptions): KubeObject;
  conflictMessage(conflicts: readonly ApplyConflict[], apiVersion: string): string;
  /** `details.causes` of the 409 (reason FieldManagerConflict, field = the path). */
  conflictCauses(conflicts: readonly ApplyConflict[], apiVersion: string): { reason: string; message: string; field: string }[];
}

/** RFC 7386 JSON merge patch (never mutates its inputs). */
export function jsonMergePatch(doc: JsonValue, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return structuredClone(patch);
  const out: JsonObject = isJsonObject(doc) ? { ...doc } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = jsonMergePatch(out[k] ?? null, v);
  }
  return out;
}
