/** Small helpers over object metadata used by the API server core. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { JsonObject, KubeObject } from '../kube/object.js';
import { isJsonObject } from '../kube/object.js';
import type { ResourceInfo } from '../kube/schema/types.js';

/** RFC 3339 with seconds precision, as the API server writes timestamps. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `group/version` or `version` for the core group. */
export function groupVersion(r: Pick<ResourceInfo, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** A new UID. */
export function newUid(): string {
  return randomUUID();
}

const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';

/** The 5-character random suffix generateName gets (the API server's alphabet: no vowels, no confusables). */
export function randomSuffix(): string {
  const b = randomBytes(5);
  let s = '';
  for (const x of b) s += ALNUM[x % ALNUM.length];
  return s;
}

/** The object's finalizers (metadata.finalizers), or an empty list. */
export function finalizersOf(o: KubeObject): string[] {
  const f = o.metadata.finalizers;
  return Array.isArray(f) ? f.filter((x): x is string => typeof x === 'string') : [];
}

/** A deep copy of a JSON-shaped object. */
export function clone<T>(o: T): T {
  return JSON.parse(JSON.stringify(o)) as T;
}

/** The object without metadata (and without status when `dropStatus`): what the generation tracks. */
export function specPart(o: KubeObject, dropStatus: boolean): string {
  const rest: Record<string, unknown> = { ...o };
  delete rest.metadata;
  delete rest.apiVersion;
  delete rest.kind;
  if (dropStatus) delete rest.status;
  return JSON.stringify(rest);
}

/** JSON of an object ignoring resourceVersion and the `time` of managedFields entries (no-op detection). */
export function comparableJson(o: KubeObject): string {
  const meta: Record<string, unknown> = { ...o.metadata };
  delete meta.resourceVersion;
  if (Array.isArray(meta.managedFields)) {
    meta.managedFields = meta.managedFields.map((e) => {
      if (!isJsonObject(e)) return e;
      const c: JsonObject = { ...e };
      delete c.time;
      return c;
    });
  }
  return JSON.stringify({ ...o, metadata: meta });
}
