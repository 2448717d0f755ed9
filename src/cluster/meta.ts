/** Small helpers over object metadata used by the API server core. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { JsonObject, KubeObject } from '../kube/object.js';
import { isJsonObject, jsonEqual } from '../kube/object.js';
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

/**
 * A deep copy of a JSON-shaped value with a JSON round trip's result (undefined members dropped, undefined
 * array items null, `toJSON()` honoured), several times faster than `JSON.parse(JSON.stringify(o))`.
 */
export function clone<T>(o: T): T {
  return copyJson(o) as T;
}

function copyJson(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const a = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      a[i] = x === undefined ? null : copyJson(x);
    }
    return a;
  }
  const src = v as Record<string, unknown>;
  if (typeof src.toJSON === 'function') return copyJson(JSON.parse(JSON.stringify(v)));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src)) {
    const x = src[k];
    if (x !== undefined && typeof x !== 'function') out[k] = copyJson(x);
  }
  return out;
}

/** Members of two objects are equal, except those `skip` names. */
function membersEqual(a: Record<string, unknown>, b: Record<string, unknown>, skip: ReadonlySet<string> | undefined): boolean {
  let na = 0;
  for (const k of Object.keys(a)) {
    if (a[k] === undefined || skip?.has(k)) continue;
    na++;
    if (!jsonEqual(a[k], b[k])) return false;
  }
  let nb = 0;
  for (const k of Object.keys(b)) if (b[k] !== undefined && !skip?.has(k)) nb++;
  return na === nb;
}

const NOT_SPEC = new Set(['metadata', 'apiVersion', 'kind']);
const NOT_SPEC_NOR_STATUS = new Set(['metadata', 'apiVersion', 'kind', 'status']);

/**
 * True when the objects are equal without metadata (and without status when `dropStatus`): what the generation
 * tracks (a change of anything else bumps it).
 */
export function sameSpec(a: KubeObject, b: KubeObject, dropStatus: boolean): boolean {
  return membersEqual(a as unknown as Record<string, unknown>, b as unknown as Record<string, unknown>, dropStatus ? NOT_SPEC_NOR_STATUS : NOT_SPEC);
}

const VOLATILE_META = new Set(['resourceVersion', 'managedFields']);
const ENTRY_TIME = new Set(['time']);

/**
 * True when the objects are equal ignoring resourceVersion and the `time` of managedFields entries: a write
 * that changes nothing else is a no-op.
 */
export function sameIgnoringVolatile(a: KubeObject, b: KubeObject): boolean {
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  if (!membersEqual(ra, rb, NOT_SPEC) || a.apiVersion !== b.apiVersion || a.kind !== b.kind) return false;
  const ma = (a.metadata ?? {}) as Record<string, unknown>;
  const mb = (b.metadata ?? {}) as Record<string, unknown>;
  if (!membersEqual(ma, mb, VOLATILE_META)) return false;
  const fa = ma.managedFields;
  const fb = mb.managedFields;
  if (!Array.isArray(fa) || !Array.isArray(fb)) return jsonEqual(fa, fb);
  if (fa.length !== fb.length) return false;
  for (let i = 0; i < fa.length; i++) {
    const x: unknown = fa[i];
    const y: unknown = fb[i];
    if (isJsonObject(x as JsonObject) && isJsonObject(y as JsonObject)) {
      if (!membersEqual(x as Record<string, unknown>, y as Record<string, unknown>, ENTRY_TIME)) return false;
    } else if (!jsonEqual(x, y)) return false;
  }
  return true;
}
