/**
 * Removing what an applier stopped applying, as structured-merge-diff's Updater prunes after an apply:
 * everything the applier applied last time is removed, then what any manager still owns is added back,
 * then what went only because its parent went, unless the applier had applied it itself. Struct fields
 * that have children count as members throughout (EnsureNamedFieldsAreMembers).
 *
 * The Updater compares the field sets of whole intermediate values; here each intermediate value is the
 * merged one with subtrees removed (sharing the rest), so what a removal lost is found by walking the two
 * side by side and skipping the subtrees they share, and "what nobody owns" is looked up in each manager's
 * set where it is needed instead of in their union. `prune.test.ts` checks the result against the
 * Updater's steps on random values and sets.
 */
import type { JsonObject, JsonValue } from '../../object.js';
import { isJsonObject } from '../../object.js';
import type { SchemaNode } from '../../schema/types.js';
import { FieldSet } from './fieldset.js';
import type { RawNode } from './rawset.js';
import type { Schema } from './shape.js';
import { ItemKeyError, LEAF, LIST, MAP, childSchema, isDeclaredField, itemElement, itemSchema, shapeOf } from './shape.js';
import { fieldSetOf, isEmptyObject, removeItems } from './typed.js';

/** Input of {@link prune}. */
export interface PruneOptions {
  /** The field sets of every manager after the apply (the applier's is its new configuration's set). */
  sets: readonly FieldSet[];
  /** The applier's set before the apply. */
  lastSet: FieldSet;
  schema: SchemaNode | undefined;
}

/**
 * The merged object pruned of what the applier applied before and no longer applies (see the module
 * comment). Unchanged subtrees are shared with `merged`, which is not mutated. List-map item keys are
 * computed many times: run it inside `withItemKeyMemo`.
 */
export function prune(merged: JsonObject, opts: PruneOptions): JsonObject {
  const { schema } = opts;
  const last = cursorOf(opts.lastSet);
  if (last === undefined) return merged;
  // 1. Everything the applier applied last time goes (its set with named struct fields as members).
  const pruned = removeNamed(merged, last, schema) ?? {};
  // 2. What that lost, unless a manager owns it: named(merged) − (named(pruned) ∪ named(owned)).
  const owners: Cursor[] = [];
  for (const s of opts.sets) {
    const c = cursorOf(s);
    if (c !== undefined) owners.push(c);
  }
  const withOwned = removeItems(merged, lostUnowned(merged, pruned, { s: schema, owners }), schema) ?? {};
  // 3. What step 2 lost that the applier had applied: named(merged) − named(withOwned), within named(last).
  const result = removeItems(merged, lostWithin(merged, withOwned, { s: schema, last }), schema) ?? {};
  return isJsonObject(result) ? result : {};
}

// ---------------------------------------------------------------------------------------------------
// What a removal lost
// (lost, lostUnowned and lostWithin walk alike and differ only in which paths they keep and where they descend;
// they stay three plain walks rather than one with a filter object because each runs on every pruning apply.)

/** The named field set of a value (the paths below it). */
function named(v: JsonValue, s: Schema): FieldSet {
  return fieldSetOf(v, s, { named: true });
}

/** The named field set of `v` is not empty (stops at the first path). */
function hasPaths(v: JsonValue, s: Schema): boolean {
  const shape = shapeOf(s, v);
  if (shape === MAP && isJsonObject(v)) {
    for (const k in v) if (isMemberOf(k, v[k] as JsonValue, s)) return true;
    return false;
  }
  if (shape === LIST && Array.isArray(v)) return v.some((item) => elementOf(s as SchemaNode, item) !== undefined);
  return false;
}

/** Whether the entry `k` of a map (schema `s`) is in the named field set of the map. */
function isMemberOf(k: string, v: JsonValue, s: Schema): boolean {
  if (v === null || !isDeclaredField(s, k)) return true;
  if (isJsonObject(v) && isEmptyObject(v)) return true;
  const cs = childSchema(s, k);
  return shapeOf(cs, v) === LEAF || hasPaths(v, cs);
}

/** The path element of a list item; undefined for an item without one (not in any field set). */
function elementOf(s: SchemaNode, item: JsonValue): string | undefined {
  try {
    return itemElement(s, item);
  } catch (e) {
    if (e instanceof ItemKeyError) return undefined;
    throw e;
  }
}

/**
 * named(m) − named(x), for `x` = `m` with items removed (removeItems: subtrees either shared with `m`,
 * reduced, or gone).
 */
function lost(m: JsonValue, x: JsonValue | undefined, s: Schema): FieldSet {
  if (x === m) return new FieldSet();
  if (x === undefined) return named(m, s);
  const shape = shapeOf(s, m);
  if (shape === MAP && isJsonObject(m) && isJsonObject(x)) return lostInMap(m, x, s);
  if (shape === LIST && Array.isArray(m) && Array.isArray(x)) return lostInList(m, x, s as SchemaNode);
  return new FieldSet();
}

function lostInMap(m: JsonObject, x: JsonObject, s: Schema): FieldSet {
  const out = new FieldSet();
  for (const k in m) {
    const mv = m[k] as JsonValue;
    const xv = Object.hasOwn(x, k) ? x[k] : undefined;
    if (xv === mv) continue;
    const pe = `f:${k}`;
    if (isMemberOf(k, mv, s) && (xv === undefined || !isMemberOf(k, xv, s))) out.members.add(pe);
    if (mv === null) continue;
    const cs = childSchema(s, k);
    const below = lost(mv, xv, cs);
    if (!below.isEmpty()) out.children.set(pe, below);
  }
  return out;
}

function lostInList(m: JsonValue[], x: JsonValue[], s: SchemaNode): FieldSet {
  const out = new FieldSet();
  const itemS = itemSchema(s);
  const { inX, pes, seen } = indexItems(m, x, s);
  for (let i = 0; i < m.length; i++) {
    const pe = pes[i];
    if (pe === undefined) continue;
    const xi = inX.get(pe);
    // Items that share a key are members without children, kept or removed together.
    if ((seen.get(pe) as number) > 1) {
      if (xi === undefined) out.members.add(pe);
      continue;
    }
    if (xi === undefined) out.members.add(pe);
    const below = lost(m[i] as JsonValue, xi, itemS);
    if (!below.isEmpty()) out.children.set(pe, below);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// What nobody owns

/** A position in a manager's set: a decoded set, or a FieldsV1 node of a set not decoded (canonical). */
type Cursor = FieldSet | RawNode;

function cursorOf(s: FieldSet): Cursor | undefined {
  if (s.isEmpty()) return undefined;
  return (s.undecodedFieldsV1() as RawNode | undefined) ?? s;
}

function rawHasChildren(n: RawNode): boolean {
  for (const k in n) if (k !== '.') return true;
  return false;
}

// (A path element always starts with `f:`, `k:`, `v:` or `i:`: no prototype member has such a name, so a
// FieldsV1 node is indexed with it directly.)

/** `pe` is a member at the cursor. */
function memberAt(c: Cursor, pe: string): boolean {
  if (c instanceof FieldSet) return c.members.has(pe);
  const n = c[pe];
  if (n === undefined) return false;
  if ('.' in n) return true;
  for (const _ in n) return false;
  return true;
}

/** The cursor below `pe` when the set has paths there. */
function childAt(c: Cursor, pe: string): Cursor | undefined {
  if (c instanceof FieldSet) return c.children.get(pe);
  const n = c[pe];
  return n !== undefined && rawHasChildren(n) ? n : undefined;
}

/** Owned by some manager, as ensureNamedFieldsAreMembers(union of their sets) has it (`s`: the schema at `pe`'s level). */
function ownedAt(owners: readonly Cursor[], pe: string, s: Schema): boolean {
  for (const o of owners) if (memberAt(o, pe)) return true;
  if (!pe.startsWith('f:') || !isDeclaredField(s, pe.slice(2))) return false;
  for (const o of owners) if (childAt(o, pe) !== undefined) return true;
  return false;
}

function below(owners: readonly Cursor[], pe: string): Cursor[] {
  const out: Cursor[] = [];
  for (const o of owners) {
    const b = childAt(o, pe);
    if (b !== undefined) out.push(b);
  }
  return out;
}

/** Where {@link lostUnowned} is: the schema and the owners' sets at that level. */
interface Level {
  s: Schema;
  owners: readonly Cursor[];
}

/**
 * {@link lost}, less what some manager owns (as ensureNamedFieldsAreMembers(union of their sets) has it),
 * without building either set whole: only the paths it returns are allocated.
 */
function lostUnowned(m: JsonValue, x: JsonValue | undefined, at: Level): FieldSet {
  if (x === m) return new FieldSet();
  if (at.owners.length === 0) return lost(m, x, at.s);
  const shape = shapeOf(at.s, m);
  if (shape === MAP && isJsonObject(m) && (x === undefined || isJsonObject(x))) return lostUnownedInMap(m, x, at);
  if (shape === LIST && Array.isArray(m) && (x === undefined || Array.isArray(x))) return lostUnownedInList(m, x, at);
  return new FieldSet();
}

function lostUnownedInMap(m: JsonObject, x: JsonObject | undefined, at: Level): FieldSet {
  const { s, owners } = at;
  const out = new FieldSet();
  for (const k in m) {
    const mv = m[k] as JsonValue;
    const xv = x !== undefined && Object.hasOwn(x, k) ? x[k] : undefined;
    if (xv === mv) continue;
    const pe = `f:${k}`;
    // (Ownership first: it is a few lookups, and most paths are owned.)
    if (!ownedAt(owners, pe, s) && isMemberOf(k, mv, s) && (xv === undefined || !isMemberOf(k, xv, s))) out.members.add(pe);
    if (mv === null) continue;
    const sub = lostUnowned(mv, xv, { s: childSchema(s, k), owners: below(owners, pe) });
    if (!sub.isEmpty()) out.children.set(pe, sub);
  }
  return out;
}

/**
 * The path elements of a merged list's items (`pes`, undefined for an item without one), how often each occurs
 * (`seen`: items sharing a key are members without children), and the first item of the reduced list per element.
 */
function indexItems(m: JsonValue[], x: JsonValue[] | undefined, s: SchemaNode): { inX: Map<string, JsonValue>; pes: (string | undefined)[]; seen: Map<string, number> } {
  const inX = new Map<string, JsonValue>();
  for (const item of x ?? []) {
    const pe = elementOf(s, item);
    if (pe !== undefined && !inX.has(pe)) inX.set(pe, item);
  }
  const pes = m.map((item) => elementOf(s, item));
  const seen = new Map<string, number>();
  for (const pe of pes) if (pe !== undefined) seen.set(pe, (seen.get(pe) ?? 0) + 1);
  return { inX, pes, seen };
}

function lostUnownedInList(m: JsonValue[], x: JsonValue[] | undefined, at: Level): FieldSet {
  const s = at.s as SchemaNode;
  const out = new FieldSet();
  const itemS = itemSchema(s);
  const { inX, pes, seen } = indexItems(m, x, s);
  for (let i = 0; i < m.length; i++) {
    const pe = pes[i];
    if (pe === undefined) continue;
    const xi = inX.get(pe);
    if (xi === undefined && !ownedAt(at.owners, pe, s)) out.members.add(pe);
    // Items that share a key are members without children.
    if ((seen.get(pe) as number) > 1) continue;
    const sub = lostUnowned(m[i] as JsonValue, xi, { s: itemS, owners: below(at.owners, pe) });
    if (!sub.isEmpty()) out.children.set(pe, sub);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// The applier's last set, with named struct fields as members (ensureNamedFieldsAreMembers), read in place

/** `pe` is in ensureNamedFieldsAreMembers(set) at the cursor (`s`: the schema at `pe`'s level). */
function namedMemberAt(c: Cursor, pe: string, s: Schema): boolean {
  if (memberAt(c, pe)) return true;
  return pe.startsWith('f:') && isDeclaredField(s, pe.slice(2)) && childAt(c, pe) !== undefined;
}

/** removeItems(v, ensureNamedFieldsAreMembers(the set at cursor `c`)): unchanged subtrees shared. */
function removeNamed(v: JsonValue, c: Cursor, s: Schema): JsonValue | undefined {
  const shape = shapeOf(s, v);
  if (shape === MAP && isJsonObject(v)) return removeNamedFromMap(v, c, s);
  if (shape === LIST && Array.isArray(v) && v.length > 0) return removeNamedFromList(v, c, s as SchemaNode);
  return v;
}

function removeNamedFromMap(m: JsonObject, c: Cursor, s: Schema): JsonObject | undefined {
  if (isEmptyObject(m)) return m;
  const out: JsonObject = {};
  let changed = false;
  let n = 0;
  for (const k in m) {
    const pe = `f:${k}`;
    const val = m[k] as JsonValue;
    if (namedMemberAt(c, pe, s)) {
      changed = true;
      continue;
    }
    const sub = childAt(c, pe);
    const nv = sub ? removeNamed(val, sub, childSchema(s, k)) : val;
    if (nv !== val) changed = true;
    if (nv === undefined) continue;
    out[k] = nv;
    n++;
  }
  if (!changed) return m;
  return n === 0 ? undefined : out;
}

function removeNamedFromList(list: JsonValue[], c: Cursor, s: SchemaNode): JsonValue[] | undefined {
  const itemS = itemSchema(s);
  const out: JsonValue[] = [];
  let changed = false;
  for (const item of list) {
    const pe = elementOf(s, item);
    if (pe === undefined) {
      out.push(item);
      continue;
    }
    if (namedMemberAt(c, pe, s)) {
      changed = true;
      continue;
    }
    const sub = childAt(c, pe);
    const nv = sub ? (removeNamed(item, sub, itemS) ?? {}) : item;
    if (nv !== item) changed = true;
    out.push(nv);
  }
  if (!changed) return list;
  return out.length === 0 ? undefined : out;
}

/** Where {@link lostWithin} is: the schema and the applier's last set at that level. */
interface LastLevel {
  s: Schema;
  last: Cursor;
}

/**
 * {@link lost} ∩ ensureNamedFieldsAreMembers(the applier's last set), walking only where that set has
 * paths: only the paths it returns are allocated.
 */
function lostWithin(m: JsonValue, x: JsonValue | undefined, at: LastLevel): FieldSet {
  if (x === m) return new FieldSet();
  const shape = shapeOf(at.s, m);
  if (shape === MAP && isJsonObject(m) && (x === undefined || isJsonObject(x))) return lostWithinMap(m, x, at);
  if (shape === LIST && Array.isArray(m) && (x === undefined || Array.isArray(x))) return lostWithinList(m, x, at);
  return new FieldSet();
}

function lostWithinMap(m: JsonObject, x: JsonObject | undefined, at: LastLevel): FieldSet {
  const { s, last } = at;
  const out = new FieldSet();
  for (const k in m) {
    const mv = m[k] as JsonValue;
    const xv = x !== undefined && Object.hasOwn(x, k) ? x[k] : undefined;
    if (xv === mv) continue;
    const pe = `f:${k}`;
    if (namedMemberAt(last, pe, s) && isMemberOf(k, mv, s) && (xv === undefined || !isMemberOf(k, xv, s))) out.members.add(pe);
    if (mv === null) continue;
    const next = childAt(last, pe);
    if (next === undefined) continue;
    const sub = lostWithin(mv, xv, { s: childSchema(s, k), last: next });
    if (!sub.isEmpty()) out.children.set(pe, sub);
  }
  return out;
}

function lostWithinList(m: JsonValue[], x: JsonValue[] | undefined, at: LastLevel): FieldSet {
  const s = at.s as SchemaNode;
  const out = new FieldSet();
  const itemS = itemSchema(s);
  const { inX, pes, seen } = indexItems(m, x, s);
  for (let i = 0; i < m.length; i++) {
    const pe = pes[i];
    if (pe === undefined) continue;
    const xi = inX.get(pe);
    if (xi === undefined && namedMemberAt(at.last, pe, s)) out.members.add(pe);
    // Items that share a key are members without children.
    if ((seen.get(pe) as number) > 1) continue;
    const next = childAt(at.last, pe);
    if (next === undefined) continue;
    const sub = lostWithin(m[i] as JsonValue, xi, { s: itemS, last: next });
    if (!sub.isEmpty()) out.children.set(pe, sub);
  }
  return out;
}
