/**
 * How server-side apply sees a value under a schema node: a leaf (scalar, atomic list or map, or a value
 * whose type does not match the schema), a granular map (struct or map), or an associative list (set or
 * list-map). `undefined` schema means untyped: maps granular, lists atomic (structured-merge-diff's
 * "deduced" type).
 */
import type { JsonObject, JsonValue } from '../../object.js';
import { isJsonObject } from '../../object.js';
import type { SchemaNode } from '../../schema/types.js';
import { keyElement, singleKeyElement, valueElement } from './pathelement.js';

export const LEAF = 0;
export const MAP = 1;
export const LIST = 2;
export type Shape = typeof LEAF | typeof MAP | typeof LIST;

/** A schema, or undefined for untyped. */
export type Schema = SchemaNode | undefined;

interface NodeInfo {
  fields: ReadonlySet<string>;
}
const infoCache = new WeakMap<SchemaNode, NodeInfo>();

function info(s: SchemaNode): NodeInfo {
  let i = infoCache.get(s);
  if (!i) {
    i = { fields: new Set(s.kind === 'struct' ? s.fieldNames() : []) };
    infoCache.set(s, i);
  }
  return i;
}

/** True when `name` is a declared field of a struct schema (not a map key or unknown field). */
export function isDeclaredField(s: Schema, name: string): boolean {
  return s !== undefined && s.kind === 'struct' && info(s).fields.has(name);
}

/** Schema of a field or map value; undefined (untyped) when unknown. */
export function childSchema(s: Schema, name: string): Schema {
  if (s === undefined || (s.kind !== 'struct' && s.kind !== 'map')) return undefined;
  const c = s.field(name);
  return c === undefined || c.kind === 'untyped' ? undefined : c;
}

/** Schema of list items; undefined (untyped) when unknown. */
export function itemSchema(s: Schema): Schema {
  if (s === undefined || s.kind !== 'list') return undefined;
  const c = s.items();
  return c === undefined || c.kind === 'untyped' ? undefined : c;
}

/** The shape of a value (null/undefined allowed: they take the schema's shape). */
export function shapeOf(s: Schema, v: JsonValue | undefined): Shape {
  if (s === undefined) return isJsonObject(v) ? MAP : LEAF;
  switch (s.kind) {
    case 'struct':
    case 'map':
      if (s.mapType === 'atomic') return LEAF;
      return v === null || v === undefined || isJsonObject(v) ? MAP : LEAF;
    case 'list':
      if (s.listType !== 'set' && s.listType !== 'map') return LEAF;
      return v === null || v === undefined || Array.isArray(v) ? LIST : LEAF;
    case 'untyped':
      return isJsonObject(v) ? MAP : LEAF;
    default:
      return LEAF;
  }
}

/**
 * Defaults of list-map key fields that the API server's schema carries (OpenAPI `default`) but the 1.21
 * definitions Lockstep ships lack: `protocol` of container and service ports defaults to TCP.
 */
const KEY_DEFAULTS: Readonly<Record<string, JsonValue>> = { protocol: 'TCP' };

function keyDefault(itemS: Schema, key: string): JsonValue | undefined {
  const field = itemS?.field(key) as (SchemaNode & { default?: JsonValue }) | undefined;
  if (field?.default !== undefined) return field.default;
  return KEY_DEFAULTS[key];
}

let memo: Map<JsonObject, string> | undefined;

/**
 * Runs `fn` with list-map item keys remembered by item object: one apply keys the same live, applied and
 * merged items several times (field set, merge, compare, prune). Only for the duration of `fn`, during
 * which the values walked must not be mutated.
 */
export function withItemKeyMemo<T>(fn: () => T): T {
  if (memo) return fn();
  memo = new Map();
  try {
    return fn();
  } finally {
    memo = undefined;
  }
}

/** Why an item has no path element. */
export class ItemKeyError extends Error {}

/**
 * The path element of an item of an associative list (`s` is the list schema): `k:{…}` for list-maps
 * (missing key fields take their default or are left out; at least one must be there), `v:…` for sets.
 */
export function itemElement(s: SchemaNode, item: JsonValue): string {
  if (s.listType === 'map') {
    if (!isJsonObject(item)) {
      throw new ItemKeyError(item === null ? 'associative list with keys may not have a null element' : 'associative list with keys may not have non-map elements');
    }
    if (!memo) return keyOf(s, item);
    let pe = memo.get(item);
    if (pe === undefined) {
      pe = keyOf(s, item);
      memo.set(item, pe);
    }
    return pe;
  }
  if (item === null) throw new ItemKeyError("associative list without keys has an element that's an explicit null");
  if (Array.isArray(item)) throw new ItemKeyError('not supported: associative list with lists as elements');
  if (isJsonObject(item)) throw new ItemKeyError("associative list without keys has an element that's a map type");
  return valueElement(item);
}

function keyOf(s: SchemaNode, item: JsonObject): string {
  const keys = s.listMapKeys ?? [];
  if (keys.length === 1) {
    const k = keys[0] as string;
    const v = item[k];
    if (v !== undefined) return singleKeyElement(k, v);
  }
  const fields: [string, JsonValue][] = [];
  for (const k of keys) {
    const v = item[k];
    if (v !== undefined) fields.push([k, v]);
    else {
      const d = keyDefault(itemSchema(s), k);
      if (d !== undefined) fields.push([k, d]);
    }
  }
  if (fields.length === 0) {
    throw new ItemKeyError(
      `associative list with keys has an element that omits all key fields ${JSON.stringify(keys)} (and doesn't have default values for any key fields)`,
    );
  }
  return keyElement(fields);
}

/** Deep equality of JSON values (object key order ignored). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  let n = 0;
  for (const k in a) {
    if (!(k in b) || !jsonEqual(a[k], b[k])) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

/** A deep copy of a JSON value. */
export function jsonCopy<T extends JsonValue>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(jsonCopy) as T;
  const out: JsonObject = {};
  for (const k in v) out[k] = jsonCopy(v[k] as JsonValue);
  return out as T;
}
