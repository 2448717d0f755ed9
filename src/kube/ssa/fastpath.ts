/**
 * The no-op fast path: decide "unchanged" from the live object alone, without a dry-run request, when
 * that is certain. Conservative: any doubt returns false and the caller dry-runs.
 */
import type { KubeObject } from '../object.js';
import { decodeManagedFields, type FieldSet } from '../merge/ssa/index.js';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every value of `want` is in `have` (objects: keys subset; arrays: same length, items subset by index). */
export function isSubset(want: unknown, have: unknown): boolean {
  if (want === null) return false; // a null in an apply body deletes: let the server decide
  if (Array.isArray(want)) return Array.isArray(have) && want.length === have.length && want.every((w, i) => isSubset(w, have[i]));
  if (isRec(want)) return isRec(have) && Object.entries(want).every(([k, w]) => w === undefined || (k in have && isSubset(w, have[k])));
  return want === have;
}

function matchesKey(item: unknown, key: Rec): boolean {
  return isRec(item) && Object.entries(key).every(([k, v]) => item[k] === v);
}

/** The child of `value` that a managedFields path element names, or `undefined` when absent. */
function child(value: unknown, element: string): { found: boolean; value: unknown } {
  if (element === '.') return { found: true, value };
  const kind = element.slice(0, 2);
  const rest = element.slice(2);
  if (kind === 'f:') return isRec(value) && rest in value ? { found: true, value: value[rest] } : { found: false, value: undefined };
  if (!Array.isArray(value)) return { found: false, value: undefined };
  try {
    if (kind === 'k:') {
      const key: unknown = JSON.parse(rest);
      const hit = isRec(key) ? value.find((it) => matchesKey(it, key)) : undefined;
      return { found: hit !== undefined, value: hit };
    }
    if (kind === 'v:') {
      const want: unknown = JSON.parse(rest);
      const hit = value.find((it) => JSON.stringify(it) === JSON.stringify(want));
      return { found: hit !== undefined, value: hit };
    }
    if (kind === 'i:') {
      const i = Number(rest);
      return { found: Number.isInteger(i) && i >= 0 && i < value.length, value: value[i] };
    }
  } catch {
    return { found: false, value: undefined };
  }
  return { found: false, value: undefined };
}

/**
 * The index of the item of `live` (an array) that a managedFields element names. Items are matched in
 * the live list, whose items carry the server's defaults (a Service port's `protocol` is part of its
 * key but rarely in the manifest); `desired` is aligned with `live` by index ({@link isSubset} checked it).
 */
function liveIndex(live: unknown[], element: string): number {
  const kind = element.slice(0, 2);
  try {
    if (kind === 'k:') {
      const key: unknown = JSON.parse(element.slice(2));
      return isRec(key) ? live.findIndex((it) => matchesKey(it, key)) : -1;
    }
    if (kind === 'v:') {
      const want = JSON.stringify(JSON.parse(element.slice(2)));
      return live.findIndex((it) => JSON.stringify(it) === want);
    }
    if (kind === 'i:') {
      const i = Number(element.slice(2));
      return Number.isInteger(i) && i >= 0 && i < live.length ? i : -1;
    }
  } catch {
    return -1;
  }
  return -1;
}

/** The child of `value` (with its live counterpart) that a managedFields path element names. */
function childOf(value: unknown, live: unknown, element: string): { found: boolean; value: unknown; live: unknown } {
  if (element === '.') return { found: true, value, live };
  if (element.startsWith('f:')) {
    const k = element.slice(2);
    return isRec(value) && k in value ? { found: true, value: value[k], live: isRec(live) ? live[k] : undefined } : { found: false, value: undefined, live: undefined };
  }
  if (Array.isArray(value) && Array.isArray(live)) {
    const i = liveIndex(live, element);
    if (i >= 0 && i < value.length) return { found: true, value: value[i], live: live[i] };
    return { found: false, value: undefined, live: undefined };
  }
  const c = child(value, element);
  return { ...c, live: undefined };
}

/** True when every path of `fields` exists in `value` (list items located through `live`). */
function pathsExist(fields: FieldSet, value: unknown, live: unknown): boolean {
  for (const m of fields.members) if (!childOf(value, live, m).found) return false;
  for (const [el, sub] of fields.children) {
    const c = childOf(value, live, el);
    if (!c.found || !pathsExist(sub, c.value, c.live)) return false;
  }
  return true;
}

/** The element of a managedFields node that names this list item (matched on its live counterpart), or `undefined`. */
function itemElement(node: FieldSet, item: unknown, index: number): string | undefined {
  for (const el of [...node.children.keys(), ...node.members]) {
    const kind = el.slice(0, 2);
    try {
      if (kind === 'k:' && isRec(item)) {
        const key: unknown = JSON.parse(el.slice(2));
        if (isRec(key) && matchesKey(item, key)) return el;
      } else if (kind === 'v:' && JSON.stringify(JSON.parse(el.slice(2))) === JSON.stringify(item)) return el;
      else if (kind === 'i:' && Number(el.slice(2)) === index) return el;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * True when `node` owns every field of `value` (a member owns a whole subtree: scalars and atomic
 * values). List items are identified by their `live` counterpart at the same index, which carries the
 * server's defaults that may be part of the key.
 */
function ownsAll(value: unknown, node: FieldSet, live: unknown): boolean {
  if (isRec(value)) {
    return Object.entries(value).every(([k, v]) => {
      if (v === undefined || node.members.has(`f:${k}`)) return true;
      const sub = node.children.get(`f:${k}`);
      return sub !== undefined && ownsAll(v, sub, isRec(live) ? live[k] : undefined);
    });
  }
  if (Array.isArray(value)) {
    const liveList = Array.isArray(live) ? live : [];
    return value.every((item, i) => {
      const el = itemElement(node, liveList[i] ?? item, i);
      if (el === undefined) return false;
      const sub = node.children.get(el);
      return sub === undefined || ownsAll(item, sub, liveList[i]);
    });
  }
  return true;
}

/** The parts of an apply body that field ownership covers (not apiVersion, kind, name, namespace…). */
function ownedPart(desired: KubeObject): Rec {
  const { apiVersion: _a, kind: _k, metadata, ...rest } = desired;
  const meta: Rec = { ...metadata };
  for (const k of ['name', 'namespace', 'generateName', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields']) delete meta[k];
  return Object.keys(meta).length > 0 ? { ...rest, metadata: meta } : rest;
}

/**
 * True when applying `desired` as `manager` certainly changes nothing, so no dry-run is needed: the live
 * object has our Apply entry at the same apiVersion; that entry owns exactly the fields of `desired`
 * (every field of `desired` is ours — an edit by another manager takes the field away from us — and
 * every field we own is still in `desired`, so nothing would be removed); and every value of `desired`
 * is already in the live object. A `null` in `desired` or undecodable managedFields mean "not certain".
 */
export function isCertainNoOp(desired: KubeObject, live: KubeObject, manager: string): boolean {
  let managed;
  try {
    managed = decodeManagedFields(live);
  } catch {
    return false;
  }
  const ours = [...managed.values()].find((e) => !e.subresource && e.manager === manager && e.operation === 'Apply');
  if (!ours || ours.apiVersion !== desired.apiVersion) return false;
  const body = ownedPart(desired);
  if (!isSubset(body, live)) return false;
  return ownsAll(body, ours.fields, live) && pathsExist(ours.fields, body, live);
}
