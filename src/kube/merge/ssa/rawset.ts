/**
 * Field sets in their FieldsV1 form, as plain objects, for the apply hot path: building the applied set
 * while walking the configuration costs one small object per path element (a {@link FieldSet} costs an
 * object, a Set and a Map), and the result is already what `metadata.managedFields` stores.
 *
 * A node maps canonical path element strings to child nodes; a child is a member of the set when it is
 * empty or has a `"."` key, and has children when it has any other key. Children attached here are
 * never empty. Nodes built here are owned by their builder: they are mutated while building and handed
 * out (not copied) once done.
 */
import type { JsonObject } from '../../object.js';
import { canonicalElement, compareElements } from './pathelement.js';

/** A FieldsV1 node: path element → node. */
export interface RawNode {
  [pe: string]: RawNode;
}

const SELF = '.';

function hasChildren(n: RawNode): boolean {
  for (const k in n) if (k !== SELF) return true;
  return false;
}

function isMember(n: RawNode): boolean {
  if (SELF in n) return true;
  for (const _ in n) return false;
  return true;
}

/** Marks `pe` a member of `node`; returns 1 when it was not one yet, else 0 (for counting paths). */
export function markMember(node: RawNode, pe: string): number {
  const cur = node[pe];
  if (cur === undefined) {
    node[pe] = {};
    return 1;
  }
  if (isMember(cur)) return 0;
  cur[SELF] = {};
  return 1;
}

/** Attaches a non-empty `child` below `pe` (keeping membership of `pe` if it was a member already). */
export function attachChild(node: RawNode, pe: string, child: RawNode): void {
  const cur = node[pe];
  if (cur !== undefined) {
    if (isMember(cur)) child[SELF] = {};
    for (const k in cur) if (k !== SELF) child[k] = cur[k] as RawNode;
  }
  node[pe] = child;
}

/** Number of paths in a node. */
export function rawSize(n: RawNode): number {
  let size = 0;
  for (const k in n) {
    if (k === SELF) continue;
    const v = n[k] as RawNode;
    let member = false;
    let children = false;
    for (const kk in v) {
      if (kk === SELF) member = true;
      else children = true;
    }
    if (!children) size++;
    else size += (member ? 1 : 0) + rawSize(v);
  }
  return size;
}

/** The number of paths of `a` when they are all in `b`, else -1. */
export function rawSubsetSize(a: RawNode, b: RawNode): number {
  let size = 0;
  for (const k in a) {
    if (k === SELF) continue;
    const v = a[k] as RawNode;
    const o = b[k];
    if (o === undefined) return -1;
    let member = false;
    let children = false;
    for (const kk in v) {
      if (kk === SELF) member = true;
      else children = true;
    }
    if (!children) member = true;
    if (member) {
      if (!isMember(o)) return -1;
      size++;
    }
    if (children) {
      const c = rawSubsetSize(v, o);
      if (c < 0) return -1;
      size += c;
    }
  }
  return size;
}

/**
 * Removes the membership of `path` (a member's children stay), dropping nodes left empty on the way
 * back up. Returns 1 when the path was a member, else 0. Mutates `n`.
 */
export function removeMember(n: RawNode, path: readonly string[], at = 0): number {
  const pe = path[at] as string;
  const cur = n[pe];
  if (cur === undefined) return 0;
  if (at < path.length - 1) {
    const removed = removeMember(cur, path, at + 1);
    if (removed && !hasChildren(cur) && !(SELF in cur)) delete n[pe];
    return removed;
  }
  if (!isMember(cur)) return 0;
  if (SELF in cur) delete cur[SELF];
  else delete n[pe];
  return 1;
}

/**
 * A copy of `n` with every level's keys in FieldsV1 order: `"."` first, then path elements ordered as
 * structured-merge-diff orders them (plain code-unit order when all are field names).
 */
export function sortedCopy(n: RawNode): RawNode {
  const keys = Object.keys(n);
  let fieldsOnly = true;
  let self = false;
  let w = 0;
  for (const k of keys) {
    if (k === SELF) {
      self = true;
      continue;
    }
    if (k.charCodeAt(0) !== 102 /* f */) fieldsOnly = false;
    keys[w++] = k;
  }
  keys.length = w;
  if (fieldsOnly) keys.sort();
  else keys.sort(compareElements);
  const out: RawNode = {};
  if (self) out[SELF] = {};
  for (const k of keys) out[k] = sortedCopy(n[k] as RawNode);
  return out;
}

/** True for `f:`, `k:`, `v:` and `i:` (char codes: f 102, k 107, v 118, i 105, colon 58). */
function hasElementPrefix(k: string): boolean {
  if (k.charCodeAt(1) !== 58) return false;
  const c = k.charCodeAt(0);
  return c === 102 || c === 107 || c === 118 || c === 105;
}

/** A copy of a `"."` value (whose content is not looked at), as {@link FieldSet} copies it. */
function plainCopy(o: JsonObject): RawNode {
  const out: RawNode = {};
  for (const k in o) out[k] = plainCopy(o[k] as JsonObject);
  return out;
}

/**
 * Checks the structure of a FieldsV1 object read from outside and copies it in the same walk, counting
 * its paths. Returns the copy, or undefined when some key element is not in canonical form (the caller
 * then decodes it the slow way, which canonicalises). Throws an Error naming the offending key when it
 * is malformed.
 */
export function checkedCopy(o: JsonObject, depth: number): { raw: RawNode; size: number } | undefined {
  const st: CopyState = { size: 0, canonical: true, member: false };
  const raw = copyChecked(o, depth, st);
  return st.canonical ? { raw, size: st.size } : undefined;
}

interface CopyState {
  size: number;
  canonical: boolean;
  /** Whether the node copied last is a member (set by {@link copyChecked} on return). */
  member: boolean;
}

function copyChecked(o: JsonObject, depth: number, st: CopyState): RawNode {
  if (depth <= 0) throw new Error('fieldsV1 nested too deeply');
  const out: RawNode = {};
  let self = false;
  let children = false;
  for (const k in o) {
    const v = o[k];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`fieldsV1 value of ${JSON.stringify(k)} must be an object`);
    if (k === SELF) {
      out[SELF] = plainCopy(v);
      self = true;
      continue;
    }
    if (!hasElementPrefix(k)) throw new Error(`unknown path element ${JSON.stringify(k)}: must start with f:, k:, v: or i:`);
    if (k.charCodeAt(0) !== 102 && canonicalElement(k) !== k) st.canonical = false;
    children = true;
    out[k] = copyChecked(v, depth - 1, st);
    if (st.member) st.size++;
  }
  st.member = self || !children;
  return out;
}
