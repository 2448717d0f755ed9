/**
 * Schema-aware operations on JSON values that server-side apply is built from, following the behaviour
 * of structured-merge-diff's typed values: the field set of a value, the comparison of two values, the
 * merge of an apply configuration into a live object, and the removal of a field set from a value.
 */
import type { JsonObject, JsonValue } from '../../object.js';
import { isJsonObject } from '../../object.js';
import type { SchemaNode } from '../../schema/types.js';
import { MergeErrorCode } from '../errors.js';
import { FieldSet } from './fieldset.js';
import { elementToString, fieldElement, pathToString } from './pathelement.js';
import type { Schema } from './shape.js';
import { LEAF, LIST, MAP, ItemKeyError, childSchema, isDeclaredField, itemElement, itemSchema, jsonCopy, jsonEqual, shapeOf } from './shape.js';

/** An invalid value found while walking an apply configuration. */
export class FieldPathError extends Error {
  constructor(
    readonly code: MergeErrorCode,
    /** JSON pointer of the place. */
    readonly pointer: string,
    /** The path as the API server prints it (`.spec.replicas`). */
    readonly fieldPath: string,
    readonly detail: string,
  ) {
    super(`${fieldPath || '.'}: ${detail}`);
  }
}

/** True for `{}`. */
export function isEmptyObject(o: JsonObject): boolean {
  for (const _ in o) return false;
  return true;
}

function typeName(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (isJsonObject(v)) return 'map';
  return typeof v;
}

/** How deep an apply configuration may nest (deeper ones are refused before any recursion can overflow). */
export const MAX_APPLY_DEPTH = 200;

interface Walk {
  strict: boolean;
  named?: boolean;
  ptr: (string | number)[];
  pes: string[];
}

function fail(w: Walk, code: MergeErrorCode, detail: string): never {
  const pointer = w.ptr.map((t) => `/${String(t).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  throw new FieldPathError(code, pointer, pathToString(w.pes), detail);
}

function scalarProblem(s: SchemaNode, v: JsonValue): string | undefined {
  switch (s.scalar) {
    case 'string':
      return typeof v === 'string' ? undefined : `expected string, got ${typeName(v)}`;
    case 'integer':
    case 'number':
      return typeof v === 'number' ? undefined : `expected numeric (int or float), got ${typeName(v)}`;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `expected boolean, got ${typeName(v)}`;
    case 'int-or-string':
      return typeof v === 'number' || typeof v === 'string' ? undefined : `expected string or number, got ${typeName(v)}`;
    default:
      return typeof v === 'object' ? `expected scalar, got ${typeName(v)}` : undefined;
  }
}

function typeProblem(v: JsonValue, s: Schema): string | undefined {
  if (s === undefined || v === null) return undefined;
  if (s.kind === 'struct' || s.kind === 'map') return isJsonObject(v) ? undefined : `expected map, got ${typeName(v)}`;
  if (s.kind === 'list') return Array.isArray(v) ? undefined : `expected list, got ${typeName(v)}`;
  if (s.kind === 'scalar') return scalarProblem(s, v);
  return undefined;
}

/**
 * {@link shapeOf} of a non-null configuration value, or -1 when its type is not the one its schema asks
 * for ({@link typeMatches}): the two checks in one.
 */
export function configShape(v: JsonValue, s: Schema): number {
  if (s === undefined) return isJsonObject(v) ? MAP : LEAF;
  switch (s.kind) {
    case 'struct':
    case 'map':
      if (!isJsonObject(v)) return -1;
      return s.mapType === 'atomic' ? LEAF : MAP;
    case 'list':
      if (!Array.isArray(v)) return -1;
      return s.listType === 'set' || s.listType === 'map' ? LIST : LEAF;
    case 'scalar':
      return scalarProblem(s, v) === undefined ? LEAF : -1;
    case 'untyped':
      return isJsonObject(v) ? MAP : LEAF;
    default:
      return LEAF;
  }
}

/** True when a value of an apply configuration has the type its schema asks for (null always does). */
export function typeMatches(v: JsonValue, s: Schema): boolean {
  return typeProblem(v, s) === undefined;
}

function checkType(v: JsonValue, s: Schema, w: Walk): void {
  const problem = typeProblem(v, s);
  if (problem) fail(w, MergeErrorCode.typeMismatch, problem);
}

// ---------------------------------------------------------------------------------------------------
// Field sets

/** Options of {@link fieldSetOf}. */
export interface FieldSetOptions {
  /**
   * Validate as an apply configuration: wrong types, list-map items without keys and duplicate keys throw
   * a {@link FieldPathError}. Otherwise such places are tolerated (duplicates are owned as whole items).
   */
  strict?: boolean;
  /**
   * Also make declared struct fields that have children members: the set {@link ensureNamedFieldsAreMembers}
   * would make of the result, built in the same walk.
   */
  named?: boolean;
}

/**
 * The fields a value sets: every scalar, atomic list and atomic map; every associative list item; map
 * entries that are null, empty or not declared fields of a struct. Struct fields holding non-empty
 * values are implied by their children and not members themselves.
 */
export function fieldSetOf(value: JsonValue, schema: Schema, opts: FieldSetOptions = {}): FieldSet {
  const w: Walk = { strict: opts.strict ?? false, named: opts.named ?? false, ptr: [], pes: [] };
  const out = new FieldSet();
  if (w.strict) checkType(value, schema, w);
  const shape = shapeOf(schema, value);
  if (shape === MAP && isJsonObject(value)) collectMap(value, schema, out, w);
  else if (shape === LIST && Array.isArray(value)) collectList(value, schema as SchemaNode, out, w);
  return out;
}

/** Adds the field set of `v` (at path element `pe` below `parent`) to `parent`. */
function visit(v: JsonValue, s: Schema, at: { parent: FieldSet; pe: string }, w: Walk): void {
  const { parent, pe } = at;
  if (w.strict) {
    if (w.pes.length > MAX_APPLY_DEPTH) fail(w, MergeErrorCode.invalidPatch, `nested deeper than ${MAX_APPLY_DEPTH} levels`);
    checkType(v, s, w);
  }
  const shape = shapeOf(s, v);
  if (shape === LEAF) {
    parent.members.add(pe);
    return;
  }
  if (v === null) return;
  const child = new FieldSet();
  if (shape === MAP) collectMap(v as JsonObject, s, child, w);
  else collectList(v as JsonValue[], s as SchemaNode, child, w);
  if (!child.isEmpty()) parent.children.set(pe, child);
}

function collectMap(m: JsonObject, s: Schema, out: FieldSet, w: Walk): void {
  for (const k in m) {
    const v = m[k] as JsonValue;
    const pe = fieldElement(k);
    if (w.strict) {
      w.ptr.push(k);
      w.pes.push(pe);
    }
    visit(v, childSchema(s, k), { parent: out, pe }, w);
    if (v === null || (isJsonObject(v) && isEmptyObject(v)) || !isDeclaredField(s, k) || (w.named === true && out.children.has(pe))) out.members.add(pe);
    if (w.strict) {
      w.ptr.pop();
      w.pes.pop();
    }
  }
}

function elementsOf(list: readonly JsonValue[], s: SchemaNode, w: Walk): (string | undefined)[] {
  const pes: (string | undefined)[] = [];
  for (let i = 0; i < list.length; i++) {
    try {
      pes.push(itemElement(s, list[i] as JsonValue));
    } catch (e) {
      if (!(e instanceof ItemKeyError) || !w.strict) {
        if (e instanceof ItemKeyError) pes.push(undefined);
        else throw e;
        continue;
      }
      fail(w, MergeErrorCode.invalidMergeKey, `element ${i}: ${e.message}`);
    }
  }
  return pes;
}

function collectList(list: JsonValue[], s: SchemaNode, out: FieldSet, w: Walk): void {
  const pes = elementsOf(list, s, w);
  const seen = new Set<string>();
  let dups: Set<string> | undefined;
  for (const pe of pes) {
    if (pe === undefined) continue;
    if (!seen.has(pe)) seen.add(pe);
    else {
      if (w.strict) fail(w, MergeErrorCode.invalidMergeKey, `duplicate entries for key ${elementToString(pe)}`);
      (dups ??= new Set()).add(pe);
    }
  }
  const itemS = itemSchema(s);
  for (let i = 0; i < list.length; i++) {
    const pe = pes[i];
    if (pe === undefined) continue;
    if (dups?.has(pe)) {
      out.members.add(pe);
      continue;
    }
    if (w.strict) {
      w.ptr.push(i);
      w.pes.push(pe);
    }
    visit(list[i] as JsonValue, itemS, { parent: out, pe }, w);
    out.members.add(pe);
    if (w.strict) {
      w.ptr.pop();
      w.pes.pop();
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Comparison

/** What changed from one value to another. No path is in more than one set. */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** A comparison being recorded: paths are inserted at `path` (the current path elements). */
export interface Cmp extends Comparison {
  path: string[];
}

/** True when a comparison found no change. */
export function isSame(c: Comparison): boolean {
  return c.added.isEmpty() && c.modified.isEmpty() && c.removed.isEmpty();
}

/**
 * Compares two values: leaves (scalars, atomic lists/maps, empty containers) added, removed or changed,
 * and granular maps, list items and fields that appear or disappear as a whole.
 */
export function compareValues(lhs: JsonValue | undefined, rhs: JsonValue | undefined, schema: Schema): Comparison {
  const c: Cmp = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet(), path: [] };
  if (lhs !== undefined || rhs !== undefined) cmpValue(lhs, rhs, schema, c);
  return { added: c.added, modified: c.modified, removed: c.removed };
}

function cmpLeaf(l: JsonValue | undefined, r: JsonValue | undefined, c: Cmp): void {
  if (l === undefined) c.added.insert(c.path);
  else if (r === undefined) c.removed.insert(c.path);
  else if (!jsonEqual(l, r)) c.modified.insert(c.path);
}

function shapeOfPair(s: Schema, l: JsonValue | undefined, r: JsonValue | undefined): number {
  if (l === undefined) return shapeOf(s, r);
  if (r === undefined) return shapeOf(s, l);
  const a = shapeOf(s, l);
  return a === shapeOf(s, r) ? a : LEAF;
}

/** True for undefined, `{}` and `[]`. */
export function emptyOrNil(v: JsonObject | JsonValue[] | undefined): boolean {
  if (v === undefined) return true;
  return Array.isArray(v) ? v.length === 0 : isEmptyObject(v);
}

/** Records the comparison of `l` and `r` (at `c.path`) into `c`: what {@link compareValues} does below the root. */
export function cmpValue(l: JsonValue | undefined, r: JsonValue | undefined, s: Schema, c: Cmp): void {
  // The same object on both sides (a subtree the merge left alone) cannot hold a change.
  if (l === r) return;
  const shape = shapeOfPair(s, l, r);
  if (shape === MAP) {
    const lm = isJsonObject(l) ? l : undefined;
    const rm = isJsonObject(r) ? r : undefined;
    if (emptyOrNil(lm) && emptyOrNil(rm)) return cmpLeaf(l, r, c);
    cmpMap(lm, rm, s, c);
  } else if (shape === LIST) {
    const ll = Array.isArray(l) ? l : undefined;
    const rl = Array.isArray(r) ? r : undefined;
    if (emptyOrNil(ll) && emptyOrNil(rl)) return cmpLeaf(l, r, c);
    cmpList(ll, rl, s as SchemaNode, c);
  } else {
    return cmpLeaf(l, r, c);
  }
  if (l === undefined) c.added.insert(c.path);
  else if (r === undefined) c.removed.insert(c.path);
}

function cmpMap(lm: JsonObject | undefined, rm: JsonObject | undefined, s: Schema, c: Cmp): void {
  if (lm) {
    for (const k in lm) {
      c.path.push(fieldElement(k));
      cmpValue(lm[k], rm?.[k], childSchema(s, k), c);
      c.path.pop();
    }
  }
  if (rm) {
    for (const k in rm) {
      if (lm && k in lm) continue;
      c.path.push(fieldElement(k));
      cmpValue(undefined, rm[k], childSchema(s, k), c);
      c.path.pop();
    }
  }
}

const NO_WALK: Walk = { strict: false, ptr: [], pes: [] };

function indexItems(list: readonly JsonValue[] | undefined, s: SchemaNode, order: string[], seen: Set<string> | undefined): Map<string, JsonValue[]> {
  const m = new Map<string, JsonValue[]>();
  if (!list) return m;
  const pes = elementsOf(list, s, NO_WALK);
  for (let i = 0; i < list.length; i++) {
    const pe = pes[i];
    if (pe === undefined) continue;
    const prev = m.get(pe);
    if (prev) prev.push(list[i] as JsonValue);
    else {
      m.set(pe, [list[i] as JsonValue]);
      if (!seen?.has(pe)) order.push(pe);
    }
  }
  return m;
}

function cmpList(ll: JsonValue[] | undefined, rl: JsonValue[] | undefined, s: SchemaNode, c: Cmp): void {
  const order: string[] = [];
  const lv = indexItems(ll, s, order, undefined);
  const rv = indexItems(rl, s, order, new Set(lv.keys()));
  const itemS = itemSchema(s);
  for (const pe of order) {
    const a = lv.get(pe) ?? [];
    const b = rv.get(pe) ?? [];
    c.path.push(pe);
    if (a.length <= 1 && b.length <= 1) cmpValue(a[0], b[0], itemS, c);
    else if (a.length >= 2 && b.length >= 2) {
      if (!jsonEqual(a, b)) c.modified.insert(c.path);
    } else if (a.length >= 2) {
      if (b.length > 0) cmpValue(undefined, b[0], itemS, c);
      c.removed.insert(c.path);
    } else {
      if (a.length > 0) cmpValue(a[0], undefined, itemS, c);
      c.added.insert(c.path);
    }
    c.path.pop();
  }
}

// ---------------------------------------------------------------------------------------------------
// Merge

/**
 * Merges `rhs` (an apply configuration, already validated with `fieldSetOf(…, {strict: true})`) into
 * `lhs`: granular maps per key, associative lists per item (items only in `lhs` keep their place, items
 * of `rhs` follow `rhs`'s order), everything else replaced by `rhs`. A null in `rhs` means "unset": the
 * field is left out of the result. The result shares nothing with the inputs. Returns undefined only when
 * `rhs` unset everything a map held.
 */
export function mergeValues(lhs: JsonValue | undefined, rhs: JsonValue, schema: Schema): JsonValue | undefined {
  const merged = mergeValue(lhs, rhs, schema);
  return merged === undefined ? undefined : jsonCopy(merged);
}

/**
 * {@link mergeValues} without the final copy: subtrees of the inputs that the merge does not change are
 * shared with the result (which lets {@link compareValues} skip them by identity). Copy before handing out.
 */
export function mergeValuesShared(lhs: JsonValue | undefined, rhs: JsonValue, schema: Schema): JsonValue | undefined {
  return mergeValue(lhs, rhs, schema);
}

function mergeValue(l: JsonValue | undefined, r: JsonValue, s: Schema): JsonValue | undefined {
  const shape = shapeOfPair(s, l, r);
  if (shape === MAP) {
    const lm = isJsonObject(l) ? l : undefined;
    const rm = isJsonObject(r) ? r : undefined;
    if (emptyOrNil(lm) && emptyOrNil(rm)) return r;
    return mergeMap(lm, rm, s);
  }
  if (shape === LIST) {
    const ll = Array.isArray(l) ? l : undefined;
    const rl = Array.isArray(r) ? r : undefined;
    if (emptyOrNil(ll) && emptyOrNil(rl)) return r;
    return mergeList(ll ?? [], rl ?? [], s as SchemaNode);
  }
  return r;
}

function mergeMap(lm: JsonObject | undefined, rm: JsonObject | undefined, s: Schema): JsonObject | undefined {
  const out: JsonObject = {};
  let dropped = false;
  if (lm) {
    for (const k in lm) {
      const rv = rm?.[k];
      if (rv === undefined) {
        out[k] = lm[k] as JsonValue;
        continue;
      }
      if (rv === null) {
        dropped = true;
        continue;
      }
      const mv = mergeValue(lm[k], rv, childSchema(s, k));
      if (mv === undefined) dropped = true;
      else out[k] = mv;
    }
  }
  if (rm) {
    for (const k in rm) {
      if (lm && k in lm) continue;
      const rv = rm[k] as JsonValue;
      if (rv === null) {
        dropped = true;
        continue;
      }
      const mv = mergeValue(undefined, rv, childSchema(s, k));
      if (mv === undefined) dropped = true;
      else out[k] = mv;
    }
  }
  return dropped && isEmptyObject(out) ? undefined : out;
}

function mergeList(ll: JsonValue[], rl: JsonValue[], s: SchemaNode): JsonValue[] {
  const itemS = itemSchema(s);
  const lPEs = elementsOf(ll, s, NO_WALK);
  const rPEs = elementsOf(rl, s, NO_WALK) as string[];
  const lMap = new Map<string, JsonValue>();
  for (let i = 0; i < ll.length; i++) {
    const pe = lPEs[i];
    if (pe !== undefined && !lMap.has(pe)) lMap.set(pe, ll[i] as JsonValue);
  }
  const rMap = new Map<string, JsonValue>();
  for (let i = 0; i < rl.length; i++) rMap.set(rPEs[i] as string, rl[i] as JsonValue);
  // Shared items are placed in rhs order; lhs-only items stay where they were relative to them.
  const shared = rPEs.filter((pe) => lMap.has(pe));
  let si = 0;
  const merged = new Set<string>();
  const out: JsonValue[] = [];
  const emit = (pe: string): void => {
    merged.add(pe);
    const v = mergeValue(lMap.get(pe), rMap.get(pe) as JsonValue, itemS);
    if (v !== undefined) out.push(v);
  };
  let li = 0;
  let ri = 0;
  while (li < ll.length || ri < rl.length) {
    if (li < ll.length && ri < rl.length) {
      const pe = lPEs[li];
      if (pe !== undefined && pe === rPEs[ri]) {
        emit(pe);
        li++;
        ri++;
        si++;
        continue;
      }
      if (pe !== undefined && rMap.has(pe) && si < shared.length && shared[si] !== pe) {
        li++;
        continue;
      }
    }
    if (li < ll.length) {
      const pe = lPEs[li];
      if (pe === undefined || !rMap.has(pe)) {
        out.push(ll[li] as JsonValue);
        li++;
        continue;
      }
      if (merged.has(pe) || ri >= rl.length) li++;
    }
    if (ri < rl.length) {
      const pe = rPEs[ri] as string;
      emit(pe);
      ri++;
      if (si < shared.length && shared[si] === pe) si++;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Removal and named fields

/**
 * The value without the paths of `set` (a member removes the whole subtree). Maps and lists emptied by
 * the removal are left out (returns undefined for them). Unchanged subtrees are shared with the input.
 */
export function removeItems(value: JsonValue, set: FieldSet, schema: Schema): JsonValue | undefined {
  if (set.isEmpty()) return value;
  return removeValue(value, set, schema);
}

function removeValue(v: JsonValue, set: FieldSet, s: Schema): JsonValue | undefined {
  const shape = shapeOf(s, v);
  if (shape === MAP && isJsonObject(v)) return removeFromMap(v, set, s);
  if (shape === LIST && Array.isArray(v) && v.length > 0) return removeFromList(v, set, s as SchemaNode);
  return v;
}

function removeFromMap(m: JsonObject, set: FieldSet, s: Schema): JsonObject | undefined {
  if (isEmptyObject(m)) return m;
  const out: JsonObject = {};
  let changed = false;
  let n = 0;
  for (const k in m) {
    const pe = fieldElement(k);
    const val = m[k] as JsonValue;
    if (set.members.has(pe)) {
      changed = true;
      continue;
    }
    const sub = set.children.get(pe);
    const nv = sub ? removeValue(val, sub, childSchema(s, k)) : val;
    if (nv !== val) changed = true;
    if (nv === undefined) continue;
    out[k] = nv;
    n++;
  }
  if (!changed) return m;
  return n === 0 ? undefined : out;
}

function removeFromList(list: JsonValue[], set: FieldSet, s: SchemaNode): JsonValue[] | undefined {
  const pes = elementsOf(list, s, NO_WALK);
  const itemS = itemSchema(s);
  const out: JsonValue[] = [];
  let changed = false;
  for (let i = 0; i < list.length; i++) {
    const item = list[i] as JsonValue;
    const pe = pes[i];
    if (pe === undefined) {
      out.push(item);
      continue;
    }
    if (set.members.has(pe)) {
      changed = true;
      continue;
    }
    const sub = set.children.get(pe);
    const nv = sub ? (removeValue(item, sub, itemS) ?? {}) : item;
    if (nv !== item) changed = true;
    out.push(nv);
  }
  if (!changed) return list;
  return out.length === 0 ? undefined : out;
}

/**
 * The set plus, at every level, the declared struct fields that have children: removing such a set
 * from a value removes the struct fields too (structured-merge-diff's EnsureNamedFieldsAreMembers).
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, schema: Schema): FieldSet {
  if (set.children.size === 0) return set;
  const members = new Set(set.members);
  const children = new Map<string, FieldSet>();
  for (const [pe, child] of set.children) {
    let cs: Schema;
    if (pe.startsWith('f:')) {
      const name = pe.slice(2);
      if (isDeclaredField(schema, name)) members.add(pe);
      cs = childSchema(schema, name);
    } else if (pe.startsWith('k:')) {
      cs = itemSchema(schema);
    }
    children.set(pe, ensureNamedFieldsAreMembers(child, cs));
  }
  return new FieldSet(members, children);
}
