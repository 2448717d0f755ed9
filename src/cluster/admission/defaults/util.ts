/** Small helpers for defaulting decoded JSON in place. */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../kube/object.js';

/** Sets `o[key] = value` when the key is absent or null. */
export function setDefault(o: JsonObject, key: string, value: JsonValue): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** The object at `o[key]`, or undefined when absent or not an object. */
export function child(o: JsonObject | undefined, key: string): JsonObject | undefined {
  const v = o?.[key];
  return isJsonObject(v) ? v : undefined;
}

/** The object at `o[key]`, created (empty) when absent or null. Returns undefined when it holds a non-object. */
export function ensure(o: JsonObject, key: string): JsonObject | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    const n: JsonObject = {};
    o[key] = n;
    return n;
  }
  return isJsonObject(v) ? v : undefined;
}

/** The object items of a list at `o[key]` (non-objects skipped). */
export function objectItems(o: JsonObject | undefined, key: string): JsonObject[] {
  const v = o?.[key];
  return Array.isArray(v) ? v.filter(isJsonObject) : [];
}

/** The string at `o[key]` or undefined. */
export function str(o: JsonObject | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** The number at `o[key]` or undefined. */
export function num(o: JsonObject | undefined, key: string): number | undefined {
  const v = o?.[key];
  return typeof v === 'number' ? v : undefined;
}
