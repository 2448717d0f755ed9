/**
 * A small builder for OpenAPI v3 (structural) schemas, the source of truth for Lockstep's API types:
 * the CRD generator emits these as `openAPIV3Schema`, and defaults live beside them.
 */
import type { JsonObject, JsonValue } from '../kube/object.js';

/** An OpenAPI v3 schema node as JSON. */
export type Schema = JsonObject;

interface Common {
  description?: string;
  default?: JsonValue;
}

function withCommon(base: Schema, o: Common = {}): Schema {
  const out: Schema = {};
  if (o.description !== undefined) out.description = o.description;
  if (o.default !== undefined) out.default = o.default;
  return { ...out, ...base };
}

/** Schema builders. */
export const s = {
  /** A string, optionally with pattern, enum, format and length bounds. */
  string(o: Common & { pattern?: string; enum?: string[]; format?: string; minLength?: number; maxLength?: number } = {}): Schema {
    const sc: Schema = { type: 'string' };
    if (o.enum) sc.enum = o.enum;
    if (o.format) sc.format = o.format;
    if (o.pattern) sc.pattern = o.pattern;
    if (o.minLength !== undefined) sc.minLength = o.minLength;
    if (o.maxLength !== undefined) sc.maxLength = o.maxLength;
    return withCommon(sc, o);
  },
  /** An integer (format int32/int64), optionally with a minimum. */
  integer(o: Common & { format?: 'int32' | 'int64'; minimum?: number } = {}): Schema {
    const sc: Schema = { type: 'integer' };
    if (o.format) sc.format = o.format;
    if (o.minimum !== undefined) sc.minimum = o.minimum;
    return withCommon(sc, o);
  },
  boolean(o: Common = {}): Schema {
    return withCommon({ type: 'boolean' }, o);
  },
  /** An object with known properties. */
  object(
    properties: Record<string, Schema>,
    o: Common & { required?: string[]; validations?: Array<{ rule: string; message: string }>; preserveUnknownFields?: boolean } = {},
  ): Schema {
    const sc: Schema = { type: 'object' };
    if (Object.keys(properties).length > 0) sc.properties = properties;
    if (o.required && o.required.length > 0) sc.required = o.required;
    if (o.validations) sc['x-kubernetes-validations'] = o.validations.map((v) => ({ message: v.message, rule: v.rule }));
    if (o.preserveUnknownFields) sc['x-kubernetes-preserve-unknown-fields'] = true;
    return withCommon(sc, o);
  },
  /** A map with string keys and values of one schema. */
  map(values: Schema, o: Common = {}): Schema {
    return withCommon({ type: 'object', additionalProperties: values }, o);
  },
  /** An array. */
  array(items: Schema, o: Common & { listType?: 'atomic' | 'set' | 'map'; listMapKeys?: string[] } = {}): Schema {
    const sc: Schema = { type: 'array', items };
    if (o.listType) sc['x-kubernetes-list-type'] = o.listType;
    if (o.listMapKeys) sc['x-kubernetes-list-map-keys'] = o.listMapKeys;
    return withCommon(sc, o);
  },
};

/** A copy of a schema without `description` fields anywhere (for structural comparisons). */
export function stripDescriptions(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(stripDescriptions);
  if (v === null || typeof v !== 'object') return v;
  const out: JsonObject = {};
  for (const [k, val] of Object.entries(v)) if (k !== 'description') out[k] = stripDescriptions(val);
  return out;
}
