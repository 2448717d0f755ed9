/**
 * The "empty object" the API server compares against when an object is created (and before the first
 * apply to an untracked object). For built-in kinds it is the Go zero value of the type, in which value
 * (non-pointer) structs and required fields are present: their paths are therefore never "added" and do
 * not appear as members (`"."`) in the creating manager's fields, exactly as on a real cluster
 * (`f:spec` has no `"."`, but `f:labels` and `f:rollingUpdate` do). For custom resources it is empty.
 *
 * Which Go struct fields are values rather than pointers is not in the OpenAPI definitions; the names in
 * {@link VALUE_STRUCT_FIELDS} cover the built-in types (an approximation for rarer ones).
 */
import type { JsonObject, JsonValue } from '../../object.js';
import type { SchemaNode } from '../../schema/types.js';

/** Struct fields that are Go value structs in the built-in API types. */
export const VALUE_STRUCT_FIELDS: ReadonlySet<string> = new Set([
  'metadata',
  'spec',
  'status',
  'template',
  'strategy',
  'updateStrategy',
  'jobTemplate',
  'resources',
  'loadBalancer',
]);

const MAX_DEPTH = 8;
const cache = new WeakMap<SchemaNode, JsonObject>();

/** True for schemas of built-in kinds (from Kubernetes' OpenAPI definitions). */
export function isBuiltinSchema(s: SchemaNode | undefined): boolean {
  return s?.definition?.startsWith('io.k8s.') ?? false;
}

function zeroStruct(s: SchemaNode, depth: number): JsonObject {
  const out: JsonObject = {};
  if (depth >= MAX_DEPTH) return out;
  const required = new Set((s as SchemaNode & { required?: readonly string[] }).required ?? []);
  for (const name of s.fieldNames()) {
    if (name === 'apiVersion' || name === 'kind') continue;
    const f = s.field(name);
    if (!f) continue;
    let v: JsonValue | undefined;
    if (f.kind === 'struct' && VALUE_STRUCT_FIELDS.has(name)) v = zeroStruct(f, depth + 1);
    else if (required.has(name) && (f.kind === 'list' || f.kind === 'map' || f.kind === 'struct')) v = null;
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** A fresh copy of the zero object of a kind (see the module comment). */
export function zeroObject(schema: SchemaNode | undefined, apiVersion: string, kind: string): JsonObject {
  let base: JsonObject = {};
  if (schema && isBuiltinSchema(schema) && schema.kind === 'struct') {
    let cached = cache.get(schema);
    if (!cached) {
      cached = zeroStruct(schema, 0);
      cache.set(schema, cached);
    }
    base = structuredClone(cached);
  }
  return { apiVersion, kind, ...base };
}
