/** Shared helpers for walking a CRD's structural `openAPIV3Schema` (a plain JSON object). */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../kube/object.js';

/** Deepest nesting followed (a guard against hostile input). */
export const maxDepth = 100;

/** A schema node's `properties` (or undefined). */
export function properties(s: JsonObject): JsonObject | undefined {
  return isJsonObject(s.properties) ? s.properties : undefined;
}

/** The schema of a field of an object node: a property, else `additionalProperties` when it is a schema. */
export function fieldSchema(s: JsonObject, key: string): JsonObject | undefined {
  const p = properties(s)?.[key];
  if (isJsonObject(p)) return p;
  return isJsonObject(s.additionalProperties) ? s.additionalProperties : undefined;
}

/** The items schema of an array node. */
export function itemsSchema(s: JsonObject): JsonObject | undefined {
  return isJsonObject(s.items) ? s.items : undefined;
}

/** True when unknown fields of this object node are kept. */
export function preservesUnknown(s: JsonObject): boolean {
  return s['x-kubernetes-preserve-unknown-fields'] === true;
}

/** True for `x-kubernetes-embedded-resource` (apiVersion/kind/metadata implied). */
export function embedded(s: JsonObject): boolean {
  return s['x-kubernetes-embedded-resource'] === true;
}

/** The JSON type name of a value, as go-openapi reports it (`integer` for whole numbers). */
export function jsonTypeOf(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** `path.key` (root keys without a leading dot). */
export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Finds the `openAPIV3Schema` of a version of a CRD object (or undefined). */
export function crdVersionSchema(crd: JsonObject | { [k: string]: unknown }, version: string): JsonObject | undefined {
  const spec = (crd as JsonObject).spec;
  if (!isJsonObject(spec)) return undefined;
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  for (const v of versions) {
    if (!isJsonObject(v) || v.name !== version) continue;
    const schema = isJsonObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
    return isJsonObject(schema) ? schema : undefined;
  }
  // apiextensions v1beta1 style: one top-level validation
  const validation = isJsonObject(spec.validation) ? spec.validation.openAPIV3Schema : undefined;
  return isJsonObject(validation) ? validation : undefined;
}
