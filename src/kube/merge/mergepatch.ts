/**
 * JSON Merge Patch (RFC 7386): apply, and compute one from two documents.
 *
 * A non-object patch replaces the target whole; in an object patch `null` deletes a member and
 * objects merge recursively; arrays are replaced, never merged. Inputs are never mutated and the
 * result shares no structure with them.
 */
import type { JsonObject, JsonValue } from '../object.js';
import { isJsonObject, jsonEqual } from '../object.js';
import { cloneJson, setMember } from './jsonpatch.js';

/**
 * Applies a JSON Merge Patch (RFC 7386) to `doc` and returns the result. Members of the patch that
 * are `null` delete the member from the target (and are never added, even inside new objects).
 */
export function applyMergePatch(doc: JsonValue, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const out: JsonObject = isJsonObject(doc) ? cloneShallow(doc) : {};
  for (const [k, pv] of Object.entries(patch)) {
    if (pv === null) {
      delete out[k];
      continue;
    }
    const cur = Object.hasOwn(out, k) ? (out[k] as JsonValue) : null;
    setMember(out, k, applyMergePatch(cur, pv));
  }
  // Members the patch did not touch still point into `doc`: copy them so nothing is shared.
  for (const k of Object.keys(out)) if (!Object.hasOwn(patch, k)) setMember(out, k, cloneJson(out[k] as JsonValue));
  return out;
}

function cloneShallow(o: JsonObject): JsonObject {
  return { ...o };
}

/**
 * Computes a merge patch that turns `from` into `to`: `applyMergePatch(from, createMergePatch(from,
 * to))` equals `to`, provided `to` holds no `null` member values (RFC 7386 cannot set a member to
 * null). Unchanged members are left out; arrays that differ are sent whole.
 */
export function createMergePatch(from: JsonValue, to: JsonValue): JsonValue {
  if (!isJsonObject(from) || !isJsonObject(to)) return cloneJson(to);
  const patch: JsonObject = {};
  for (const k of Object.keys(from)) if (!Object.hasOwn(to, k)) setMember(patch, k, null);
  for (const [k, tv] of Object.entries(to)) {
    if (!Object.hasOwn(from, k)) {
      setMember(patch, k, cloneJson(tv));
      continue;
    }
    const fv = from[k] as JsonValue;
    if (jsonEqual(fv, tv)) continue;
    setMember(patch, k, isJsonObject(fv) && isJsonObject(tv) ? createMergePatch(fv, tv) : cloneJson(tv));
  }
  return patch;
}
