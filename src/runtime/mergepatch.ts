/** JSON merge patch (RFC 7386) creation and deep equality, for status and metadata patches. */
import type { JsonObject } from '../kube/object.js';
import { isJsonObject, jsonEqual } from '../kube/object.js';


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

