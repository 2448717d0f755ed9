/**
 * The apply hot path: one walk over (live, applied configuration, schema) that
 *
 * - builds the merged object ({@link mergeValues}: granular maps per key, associative lists per item,
 *   the rest replaced; nulls unset): fresh, sharing nothing with either input, or (option `share`) with
 *   the subtrees it takes unchanged from an input shared rather than copied;
 * - records the comparison of live with the merged object ({@link compareValues}) only where the
 *   configuration reaches: elsewhere the result is a copy of live and cannot differ;
 * - validates the configuration ({@link fieldSetOf} with `strict`);
 * - checks its field set against the applier's previous one, without building it: the common re-apply
 *   applies the same fields again, and then the previous set is kept as it is. Otherwise the caller
 *   collects the set with {@link collectConfig}.
 *
 * It computes exactly what those separate walks compute (`walk.test.ts` checks that on tables and random
 * inputs). The rare shapes where the fused logic would get long — live lists with items that have no key
 * or share one, a live value whose shape differs from the configuration's — are handed to the separate
 * functions for that subtree. An invalid configuration throws {@link InvalidConfiguration} without
 * details: the caller re-validates with {@link fieldSetOf} to report the first problem exactly as before.
 */
import type { JsonObject, JsonValue } from '../../object.js';
import { isJsonObject } from '../../object.js';
import { FieldSet } from './fieldset.js';
import type { RawNode } from './rawset.js';
import { attachChild, markMember } from './rawset.js';
import type { Facts, FieldFact } from './facts.js';
import { configShapeBy, factsOf, itemElementBy, shapeBy } from './facts.js';
import type { Schema } from './shape.js';
import { ItemKeyError, LEAF, MAP, hasKeyWith, jsonCopy, jsonEqual, sameKeyWith, shapeOf } from './shape.js';
import type { Cmp, Comparison } from './typed.js';
import { FieldPathError, MAX_APPLY_DEPTH, cmpValue, compareValues, emptyOrNil, fieldSetOf, isEmptyObject, mergeValuesShared, typeMatches } from './typed.js';
import { isUntracked } from './untracked.js';

/** The configuration is invalid (re-validate it with `fieldSetOf(…, {strict: true})` for the error). */
export class InvalidConfiguration extends Error {}

/** Input of {@link applyWalk}. */
export interface ApplyWalkOptions {
  /** The live object without managedFields (`{}` on create). */
  live: JsonObject;
  applied: JsonObject;
  schema: Schema;
  /** The applier's previous field set (FieldsV1 form, canonical) and its size, to check the configuration's against. */
  previous?: { raw: RawNode; size: number };
  /**
   * Let `merged` share the subtrees it takes unchanged from an input (live values the configuration does
   * not reach, the configuration's leaves) instead of copying them. The maps and lists the walk builds are
   * still fresh, the root included. Default false: `merged` shares nothing with the inputs.
   */
  share?: boolean;
}

/** What {@link applyWalk} produces. */
export interface ApplyWalkResult {
  /** The merged object: fresh, or with `share` sharing unchanged subtrees with the inputs (its root is fresh). */
  merged: JsonObject;
  /** Live compared with `merged`. */
  comparison: Comparison;
  /**
   * True when `merged` differs from live in a way the comparison cannot show (list items reordered, or a
   * difference among list items that have no key): `!isSame(comparison) || reordered` is
   * `!jsonEqual(live, merged)`.
   */
  reordered: boolean;
  /** True when the configuration's field set, untracked fields left out, is exactly `previous`. */
  sameAsPrevious: boolean;
}

interface State extends Cmp {
  /** Checking the configuration's fields against a previous set. */
  verify: boolean;
  /** The previous set's node at the current path (undefined: the previous set has nothing there). */
  cursor: RawNode | undefined;
  /** A configuration field that is not in the previous set was seen. */
  mismatch: boolean;
  /** Tracked configuration fields seen. */
  count: number;
  reordered: boolean;
  /** Set by {@link walkValue} on return: whether the value it walked was a leaf. */
  leaf: boolean;
  /** Set by {@link walkMap} on return: whether the configuration's map it walked was `{}`. */
  emptyMap: boolean;
  /** Set just before {@link mergeMap} is called: the number of keys of the configuration's map. */
  keys: number;
  /** How a subtree taken unchanged from an input enters the result: copied, or shared. */
  take: <T extends JsonValue>(v: T) => T;
  /**
   * Sharing: a live map or list the merge leaves as it was (same keys in the same order, every value the
   * same node) is itself the merged value, and is only copied once a difference is found.
   */
  share: boolean;
}

function shareValue<T extends JsonValue>(v: T): T {
  return v;
}

function keyCount(o: JsonObject): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}

/** `o[k]` when `o` has it as its own property (not a prototype member such as `constructor`). */
function ownValue(o: JsonObject, k: string): JsonValue | undefined {
  const v = o[k];
  if (v === undefined || typeof v === 'function' || (k === '__proto__' && !Object.hasOwn(o, k))) return undefined;
  return v;
}

/**
 * True when a node of the previous set is surely a member: empty, or `"."` first (as the API server and
 * this module write it). A member with `"."` elsewhere is reported as none: the set then counts as
 * changed and is compared the general way, so the answer stays exact.
 */
function isMemberNode(n: RawNode): boolean {
  for (const k in n) return k === '.';
  return true;
}

/**
 * Merges `applied` into `live`, compares live with the result and validates the configuration, in one
 * walk (see the module comment). Throws {@link InvalidConfiguration} for an invalid configuration. The
 * inputs are not mutated.
 */
export function applyWalk(opts: ApplyWalkOptions): ApplyWalkResult {
  const { live, applied, schema, previous } = opts;
  const take = opts.share === true ? shareValue : jsonCopy;
  if (!typeMatches(applied, schema)) throw new InvalidConfiguration();
  if (shapeOf(schema, applied) !== MAP || shapeOf(schema, live) !== MAP) return applyStaged(live, applied, schema);
  const w: State = {
    added: new FieldSet(),
    modified: new FieldSet(),
    removed: new FieldSet(),
    path: [],
    verify: previous !== undefined,
    cursor: previous?.raw,
    mismatch: false,
    count: 0,
    reordered: false,
    leaf: false,
    emptyMap: false,
    keys: 0,
    take,
    share: take === shareValue,
  };
  w.keys = keyCount(applied);
  let merged = mergeMap(live, applied, factsOf(schema), w) ?? {};
  // The root is always the result's own.
  if (merged === live) merged = { ...live };
  const sameAsPrevious = previous !== undefined && !w.mismatch && w.count === previous.size;
  return { merged, comparison: { added: w.added, modified: w.modified, removed: w.removed }, reordered: w.reordered, sameAsPrevious };
}

/** {@link applyWalk} by the separate functions (for an object whose schema makes it no granular map). */
function applyStaged(live: JsonObject, applied: JsonObject, schema: Schema): ApplyWalkResult {
  try {
    fieldSetOf(applied, schema, { strict: true });
  } catch (e) {
    if (e instanceof FieldPathError) throw new InvalidConfiguration();
    throw e;
  }
  const mergedValue = mergeValuesShared(live, applied, schema);
  const merged = isJsonObject(mergedValue) ? mergedValue : {};
  return { merged: jsonCopy(merged), comparison: compareValues(live, merged, schema), reordered: !jsonEqual(live, merged), sameAsPrevious: false };
}

/** Deep equality that also takes the order of object keys into account (the same JSON text). */
function sameJson(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i] as JsonValue, b[i] as JsonValue)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as string;
    if (k !== kb[i] || !sameJson(a[k] as JsonValue, b[k] as JsonValue)) return false;
  }
  return true;
}

/** The configuration has the field at the current path as a member. */
function member(w: State): void {
  if (!w.verify || (w.path.length <= 2 && isUntracked(w.path))) return;
  w.count++;
  if (w.mismatch) return;
  const n = w.cursor?.[w.path[w.path.length - 1] as string];
  if (n === undefined || !isMemberNode(n)) w.mismatch = true;
}

/** Moves the previous-set cursor below the current path element; returns the cursor to restore. */
function descend(w: State): RawNode | undefined {
  const saved = w.cursor;
  if (w.verify) w.cursor = saved?.[w.path[w.path.length - 1] as string];
  return saved;
}

/**
 * One value `r` of the configuration (not null) at `w.path`, merged into the live value `l`: returns the
 * merged value (undefined when the configuration unset everything of a map) and records the comparison
 * of `l` with it. The caller records the membership of the path itself.
 */
function walkValue(l: JsonValue | undefined, r: JsonValue, f: Facts, w: State): JsonValue | undefined {
  const shape = configShapeBy(f, r);
  if (shape < 0 || w.path.length > MAX_APPLY_DEPTH) throw new InvalidConfiguration();
  if (shape === LEAF) {
    w.leaf = true;
    if (typeof r === 'object') {
      // An atomic value (cmpValue would compare it as a leaf): live's own node when it is the same JSON.
      if (l === undefined) w.added.insert(w.path);
      else if (w.share && sameJson(l, r)) return l;
      else if (!jsonEqual(l, r)) w.modified.insert(w.path);
      return w.take(r);
    }
    // A scalar: added, or modified (a value of another type or shape is never equal to it).
    if (l !== r) (l === undefined ? w.added : w.modified).insert(w.path);
    return r;
  }
  let m: JsonValue | undefined;
  if (l !== undefined && shapeBy(f, l) !== shape) m = replaceWhole(l, r, f, w);
  else {
    // (After a throw the state is abandoned: no need to restore it.)
    const saved = descend(w);
    m = shape === MAP ? walkMap(l, r as JsonObject, f, w) : walkList(l, r as JsonValue[], f, w);
    w.cursor = saved;
  }
  w.leaf = false;
  return m;
}

/** A configuration map or list where live holds a value of another shape: it replaces it whole. */
function replaceWhole(l: JsonValue, r: JsonValue, f: Facts, w: State): JsonValue {
  collectOnly(r, f, w);
  cmpValue(l, r, f.schema, w);
  return w.take(r);
}

/** Walks a configuration value for validation and its fields only, recording no comparison. */
function collectOnly(r: JsonValue, f: Facts, w: State): void {
  const { added, modified, removed, reordered } = w;
  w.added = new FieldSet();
  w.modified = new FieldSet();
  w.removed = new FieldSet();
  walkValue(undefined, r, f, w);
  Object.assign(w, { added, modified, removed, reordered });
}

function walkMap(l: JsonValue | undefined, rm: JsonObject, f: Facts, w: State): JsonObject | undefined {
  const lm = isJsonObject(l) ? l : undefined;
  const keys = keyCount(rm);
  const empty = keys === 0;
  if (empty && emptyOrNil(lm)) {
    cmpValue(l, rm, f.schema, w);
    w.emptyMap = true;
    return w.share && lm !== undefined ? lm : {};
  }
  w.keys = keys;
  const m = mergeMap(lm, rm, f, w);
  if (m === undefined) cmpValue(l, undefined, f.schema, w);
  else if (l === undefined) w.added.insert(w.path);
  w.emptyMap = empty;
  return m;
}

/** The entries of `m` before key `stop`, in a new map. */
function entriesBefore(m: JsonObject, stop: string): JsonObject {
  const out: JsonObject = {};
  for (const k in m) {
    if (k === stop) break;
    out[k] = m[k] as JsonValue;
  }
  return out;
}

/**
 * Merges the maps: keys of live first, in their order, then the configuration's new ones. Sharing, live's
 * map itself when the merge leaves it as it was.
 */
function mergeMap(lm: JsonObject | undefined, rm: JsonObject, f: Facts, w: State): JsonObject | undefined {
  // The number of keys of `rm`, which the caller counted.
  const rmKeys = w.keys;
  // Sharing, the map is only built from the first key whose value changes.
  let out: JsonObject | undefined = w.share && lm !== undefined ? undefined : {};
  const fields = f.fields;
  let dropped = false;
  let matched = 0;
  if (lm) {
    for (const k in lm) {
      const lv = lm[k] as JsonValue;
      const rv = ownValue(rm, k);
      if (rv === undefined) {
        if (out !== undefined) out[k] = w.take(lv);
        continue;
      }
      matched++;
      const mv = walkField(lv, rv, fields.get(k), w);
      if (out === undefined) {
        if (mv === lv) continue;
        out = entriesBefore(lm, k);
      }
      if (mv === undefined) dropped = true;
      else out[k] = mv;
    }
  }
  // Every configuration key was in live (the common re-apply): nothing left to add.
  if (matched > 0 && matched === rmKeys) {
    if (out === undefined) return lm;
    return dropped && isEmptyObject(out) ? undefined : out;
  }
  out ??= { ...lm };
  for (const k in rm) {
    if (lm !== undefined && ownValue(lm, k) !== undefined) continue;
    const mv = walkField(undefined, rm[k] as JsonValue, fields.get(k), w);
    if (mv === undefined) dropped = true;
    else out[k] = mv;
  }
  return dropped && isEmptyObject(out) ? undefined : out;
}

/** One entry of a configuration map (`rv` may be null: unset). */
function walkField(lv: JsonValue | undefined, rv: JsonValue, f: FieldFact, w: State): JsonValue | undefined {
  w.path.push(f.pe);
  let mv: JsonValue | undefined;
  if (rv === null) {
    if (w.path.length > MAX_APPLY_DEPTH) throw new InvalidConfiguration();
    member(w);
    if (lv !== undefined) cmpValue(lv, undefined, f.facts.schema, w);
  } else {
    mv = walkValue(lv, rv, f.facts, w);
    // (`emptyMap` is only looked at for maps: the value was walked by walkMap, last.)
    if (w.leaf || !f.declared || (w.emptyMap && isJsonObject(rv))) member(w);
  }
  w.path.pop();
  return mv;
}

/** Path elements of the configuration's items; throws for items without keys and for duplicates. */
function configElements(rl: readonly JsonValue[], f: Facts): string[] {
  const pes: string[] = new Array<string>(rl.length);
  const seen = rl.length > 8 ? new Set<string>() : undefined;
  for (let i = 0; i < rl.length; i++) {
    let pe: string;
    try {
      pe = itemElementBy(f, rl[i] as JsonValue);
    } catch (e) {
      if (e instanceof ItemKeyError) throw new InvalidConfiguration();
      throw e;
    }
    if (seen) {
      if (seen.has(pe)) throw new InvalidConfiguration();
      seen.add(pe);
    } else {
      for (let j = 0; j < i; j++) if (pes[j] === pe) throw new InvalidConfiguration();
    }
    pes[i] = pe;
  }
  return pes;
}

/** Lists this long or longer are matched through key strings rather than by comparing items pairwise. */
const PAIRWISE_LIMIT = 256;

/**
 * For each live item, the index of the configuration item with the same key (-1: none); undefined when
 * a live item has no key or shares one with another live item.
 */
function matchLive(ll: readonly JsonValue[], rl: readonly JsonValue[], f: Facts, rPEs: readonly string[]): number[] | undefined {
  const lInR = new Array<number>(ll.length);
  // The common re-apply: live holds the configuration's items in its order (their keys are distinct, as
  // the configuration's are).
  if (ll.length === rl.length) {
    let i = 0;
    while (i < ll.length && hasKey(f, ll[i] as JsonValue) && sameKey(f, ll[i] as JsonValue, rl[i] as JsonValue)) lInR[i] = i++;
    if (i === ll.length) return lInR;
  }
  if (ll.length * (ll.length + rl.length) >= PAIRWISE_LIMIT) {
    const rIndex = new Map<string, number>();
    for (let i = 0; i < rPEs.length; i++) rIndex.set(rPEs[i] as string, i);
    const seen = new Set<string>();
    for (let li = 0; li < ll.length; li++) {
      let pe: string;
      try {
        pe = itemElementBy(f, ll[li] as JsonValue);
      } catch (e) {
        if (e instanceof ItemKeyError) return undefined;
        throw e;
      }
      if (seen.has(pe)) return undefined;
      seen.add(pe);
      lInR[li] = rIndex.get(pe) ?? -1;
    }
    return lInR;
  }
  for (let li = 0; li < ll.length; li++) {
    const item = ll[li] as JsonValue;
    if (!hasKey(f, item)) return undefined;
    for (let lj = 0; lj < li; lj++) if (sameKey(f, item, ll[lj] as JsonValue)) return undefined;
    let found = -1;
    for (let ri = 0; ri < rl.length; ri++) {
      if (sameKey(f, item, rl[ri] as JsonValue)) {
        found = ri;
        break;
      }
    }
    lInR[li] = found;
  }
  return lInR;
}

/** {@link hasItemKey} by the list's facts. */
function hasKey(f: Facts, item: JsonValue): boolean {
  return f.keyed ? hasKeyWith(f.keys, item) : item !== null && typeof item !== 'object';
}

/** {@link sameItemKey} by the list's facts. */
function sameKey(f: Facts, a: JsonValue, b: JsonValue): boolean {
  return f.keyed ? sameKeyWith(f.keys, a, b) : a === b;
}

function walkList(l: JsonValue | undefined, rl: JsonValue[], f: Facts, w: State): JsonValue[] {
  const ll = Array.isArray(l) ? l : undefined;
  if (emptyOrNil(ll) && rl.length === 0) {
    cmpValue(l, rl, f.schema, w);
    return [];
  }
  const rPEs = configElements(rl, f);
  const lInR = ll ? matchLive(ll, rl, f, rPEs) : [];
  if (lInR === undefined) return listFallback(l as JsonValue[], rl, f, w);
  const m = mergeList({ ll: ll ?? [], rl, lInR, rPEs }, f, w);
  // Every item unset: compared as an empty list, a leaf (`null` → `[]` is then a modification).
  if (m.length === 0 && emptyOrNil(ll)) cmpValue(l, m, f.schema, w);
  else if (l === undefined) w.added.insert(w.path);
  return m;
}

/** A live list with items that have no key or share one: merged and compared by the general functions. */
function listFallback(ll: JsonValue[], rl: JsonValue[], f: Facts, w: State): JsonValue[] {
  // The cursor is already below the list: walk the items as the list's children.
  const { added, modified, removed, reordered } = w;
  w.added = new FieldSet();
  w.modified = new FieldSet();
  w.removed = new FieldSet();
  mergeList({ ll: [], rl, lInR: [], rPEs: configElements(rl, f) }, f, w);
  Object.assign(w, { added, modified, removed, reordered });
  const m = mergeValuesShared(ll, rl, f.schema) as JsonValue[];
  cmpValue(ll, m, f.schema, w);
  if (!jsonEqual(ll, m)) w.reordered = true;
  return w.take(m);
}

/** True when live has no items, or exactly the configuration's keys in the configuration's order. */
function isAligned(p: ListPair): boolean {
  if (p.ll.length === 0) return true;
  if (p.ll.length !== p.rl.length) return false;
  for (let i = 0; i < p.lInR.length; i++) if (p.lInR[i] !== i) return false;
  return true;
}

/** {@link mergeList} of aligned lists: item by item, nothing to place and nothing reordered. */
function mergeAligned(p: ListPair, itemS: Facts, w: State): JsonValue[] {
  const { ll, rl, rPEs } = p;
  // Sharing, live's list itself while every item merges into live's own item.
  let out: JsonValue[] | undefined = w.share && ll.length === rl.length ? undefined : [];
  for (let i = 0; i < rl.length; i++) {
    w.path.push(rPEs[i] as string);
    const v = walkValue(ll[i], rl[i] as JsonValue, itemS, w);
    member(w);
    w.path.pop();
    if (out === undefined) {
      if (v === ll[i]) continue;
      out = ll.slice(0, i);
    }
    if (v !== undefined) out.push(v);
  }
  return out ?? (ll as JsonValue[]);
}

interface ListPair {
  ll: readonly JsonValue[];
  rl: readonly JsonValue[];
  /** For each live item, the index of its configuration item, or -1. */
  lInR: readonly number[];
  rPEs: readonly string[];
}

/**
 * Merges associative lists whose live items all have distinct keys: items only in live keep their place,
 * the configuration's items follow its order (the placement of `mergeValues`).
 */
function mergeList(p: ListPair, f: Facts, w: State): JsonValue[] {
  const { ll, rl, lInR, rPEs } = p;
  const itemS = f.items;
  if (isAligned(p)) return mergeAligned(p, itemS, w);
  const rInL = new Array<number>(rl.length).fill(-1);
  for (let li = 0; li < ll.length; li++) if ((lInR[li] as number) >= 0) rInL[lInR[li] as number] = li;
  const shared: number[] = [];
  for (let ri = 0; ri < rl.length; ri++) if ((rInL[ri] as number) >= 0) shared.push(ri);
  const done = new Array<boolean>(rl.length).fill(false);
  const out: JsonValue[] = [];
  /** Live index of each output item (-1: new). */
  const from: number[] = [];
  const emit = (ri: number): void => {
    done[ri] = true;
    const li = rInL[ri] as number;
    w.path.push(rPEs[ri] as string);
    const v = walkValue(li >= 0 ? ll[li] : undefined, rl[ri] as JsonValue, itemS, w);
    member(w);
    w.path.pop();
    if (v !== undefined) {
      out.push(v);
      from.push(li);
    }
  };
  let li = 0;
  let ri = 0;
  let si = 0;
  while (li < ll.length || ri < rl.length) {
    if (li < ll.length && ri < rl.length) {
      const lr = lInR[li] as number;
      if (lr === ri) {
        emit(ri);
        li++;
        ri++;
        si++;
        continue;
      }
      if (lr >= 0 && si < shared.length && shared[si] !== lr) {
        li++;
        continue;
      }
    }
    if (li < ll.length) {
      const lr = lInR[li] as number;
      if (lr < 0) {
        out.push(w.take(ll[li] as JsonValue));
        from.push(li);
        li++;
        continue;
      }
      if (done[lr] || ri >= rl.length) li++;
    }
    if (ri < rl.length) {
      emit(ri);
      if (si < shared.length && shared[si] === ri) si++;
      ri++;
    }
  }
  if (out.length === ll.length) {
    for (let i = 0; i < from.length; i++) {
      if (from[i] !== i) {
        w.reordered = true;
        break;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Collecting the configuration's field set (when it is not the previous one)

/**
 * The field set of a configuration already validated by {@link applyWalk}, in FieldsV1 form (keys in no
 * particular order, owned by the caller) with its number of paths: {@link fieldSetOf} without the
 * FieldSet trees.
 */
export function collectConfig(applied: JsonObject, schema: Schema): { raw: RawNode; size: number } {
  const raw: RawNode = {};
  const f = factsOf(schema);
  const size = shapeBy(f, applied) === MAP ? collectInto(applied, f, raw) : 0;
  return { raw, size };
}

function collectInto(v: JsonObject | JsonValue[], s: Facts, node: RawNode): number {
  let n = 0;
  if (Array.isArray(v)) {
    const itemS = s.items;
    for (const item of v) {
      const pe = itemElementBy(s, item);
      n += collectBelow(item, itemS, node, pe);
      n += markMember(node, pe);
    }
    return n;
  }
  const fields = s.fields;
  for (const k in v) {
    const cv = v[k] as JsonValue;
    const f = fields.get(k);
    n += collectBelow(cv, f.facts, node, f.pe);
    if (cv === null || !f.declared || (isJsonObject(cv) && isEmptyObject(cv)) || shapeBy(f.facts, cv) === LEAF) n += markMember(node, f.pe);
  }
  return n;
}

function collectBelow(v: JsonValue, s: Facts, node: RawNode, pe: string): number {
  if (v === null || shapeBy(s, v) === LEAF) return 0;
  const child: RawNode = {};
  const n = collectInto(v as JsonObject | JsonValue[], s, child);
  for (const _ in child) {
    attachChild(node, pe, child);
    break;
  }
  return n;
}
