/** JSON merge patch (RFC 7386) creation and deep equality, for status and metadata patches. */
import type { JsonObject } from '../kube/object.js';
import { isJsonObject } from '../kube/object.js';

/** Deep equality of JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isJsonObject(a) && isJsonObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * The merge patch turning `from` into `to`: changed keys set, removed keys `null`, objects recursed,
 * arrays replaced whole. `undefined` when they are equal.
 */
export function createMergePatch(from: JsonObject, to: JsonObject): JsonObject | undefined {
  const patch: JsonObject = {};
  for (const k of Object.keys(from)) {
    if (from[k] !== undefined && to[k] === undefined) patch[k] = null;
  }
  for (const [k, v] of Object.entries(to)) {
    if (v === undefined) continue;
    const old = from[k];
    if (jsonEqual(old, v)) continue;
    if (isJsonObject(old) && isJsonObject(v)) {
      const sub = createMergePatch(old, v);
      if (sub) patch[k] = sub;
    } else {
      patch[k] = v;
    }
  }
  return Object.keys(patch).length ? patch : undefined;
}

/** A deep copy of a JSON value (drops `undefined`). */
export function cloneJson<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** `v` as a JSON object, or an empty one. */
export function asObject(v: unknown): JsonObject {
  return isJsonObject(v) ? v : {};
}

