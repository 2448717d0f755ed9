/**
 * Strategic merge patch of lists: merging by `patchMergeKey`, unions of primitive lists, `$patch`
 * items, `$deleteFromPrimitiveList` and the element order kubectl produces.
 *
 * Ordering follows apimachinery exactly: the items that the patch names keep the patch's order (or
 * the `$setElementOrder` order), the items only the original has keep the original's order, and the
 * two runs are interleaved by walking both and taking the original-only item first only when both
 * items are in the original and it came earlier there. New items therefore land before the original
 * items that follow them, e.g. original `[a, b]` + patch `[c, a]` gives `[c, a, b]`.
 */
import type { JsonObject, JsonValue } from '../object.js';
import { isJsonObject } from '../object.js';
import type { SchemaNode } from '../schema/types.js';
import { MergeError, MergeErrorCode } from './errors.js';
import { jsonTypeOf } from './jsonpatch.js';
import { joinPath } from './strategic-schema.js';

/** Element kind of a list as apimachinery distinguishes it (integers and floats differ there). */
export type ElementKind = 'object' | 'string' | 'integer' | 'float' | 'boolean';

function kindOf(v: JsonValue, path: string): ElementKind {
  const t = jsonTypeOf(v);
  if (t === 'null') throw new MergeError(MergeErrorCode.typeMismatch, path, 'null is not allowed in a merged list');
  if (t === 'array') throw new MergeError(MergeErrorCode.typeMismatch, path, 'lists of lists cannot be merged');
  if (t === 'number') return Number.isInteger(v) ? 'integer' : 'float';
  return t;
}

/**
 * The common element kind of the given lists; throws typeMismatch for mixed kinds, nulls or nested
 * lists, and invalidPatch when all lists are empty.
 */
export function elementKind(lists: readonly (readonly JsonValue[])[], path: string): ElementKind {
  let kind: ElementKind | undefined;
  for (const list of lists) {
    list.forEach((v, i) => {
      const k = kindOf(v, joinPath(path, i));
      if (kind !== undefined && k !== kind) {
        throw new MergeError(MergeErrorCode.typeMismatch, path, `list element types are not identical (${kind} and ${k})`);
      }
      kind = k;
    });
  }
  if (kind === undefined) throw new MergeError(MergeErrorCode.invalidPatch, path, 'no elements in any of the lists to order');
  return kind;
}

/** The merge-key value of an item, `null` when absent (apimachinery compares absent keys as nil). */
export function keyValue(item: JsonValue, mergeKey: string): JsonValue {
  if (!isJsonObject(item) || !Object.hasOwn(item, mergeKey)) return null;
  return item[mergeKey] as JsonValue;
}

/** Throws invalidMergeKey unless every item is a map holding `mergeKey`. */
export function requireMergeKey(items: readonly JsonValue[], mergeKey: string, path: string): void {
  items.forEach((item, i) => {
    if (!isJsonObject(item)) {
      throw new MergeError(MergeErrorCode.typeMismatch, joinPath(path, i), `expected a map in a list merged by "${mergeKey}"`);
    }
    if (!Object.hasOwn(item, mergeKey)) {
      throw new MergeError(MergeErrorCode.invalidMergeKey, joinPath(path, i), `map does not contain the merge key "${mergeKey}"`);
    }
    const kv = item[mergeKey] as JsonValue;
    if (kv !== null && typeof kv === 'object') {
      throw new MergeError(MergeErrorCode.invalidMergeKey, joinPath(path, i), `merge key "${mergeKey}" must be a scalar`);
    }
  });
}

/** Position of `v` in `list`, by merge key for maps and by value for primitives; -1 when absent. */
function indexIn(list: readonly JsonValue[], v: JsonValue, mergeKey: string, kind: ElementKind): number {
  if (kind === 'object') {
    const kv = keyValue(v, mergeKey);
    return list.findIndex((x) => keyValue(x, mergeKey) === kv);
  }
  return list.indexOf(v);
}

/**
 * Sorts `toSort` by position in `order`, stably, with apimachinery's comparator ("less" when both are
 * found and earlier, and also whenever either is missing) run through the same insertion sort Go uses
 * for short slices, so even odd inputs come out in kubectl's order. Items marked `$patch: delete` go last.
 */
function sortByOrder(toSort: JsonValue[], order: readonly JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  let items = toSort;
  let deleted: JsonValue[] = [];
  if (kind === 'object') {
    items = toSort.filter((x) => !(isJsonObject(x) && x['$patch'] === 'delete'));
    deleted = toSort.filter((x) => isJsonObject(x) && x['$patch'] === 'delete');
  }
  const keyed = items.map((v) => ({ v, i: indexIn(order, v, mergeKey, kind) }));
  const less = (a: { i: number }, b: { i: number }): boolean => (a.i >= 0 && b.i >= 0 ? a.i < b.i : true);
  for (let i = 1; i < keyed.length; i++) {
    for (let j = i; j > 0 && less(keyed[j] as { i: number }, keyed[j - 1] as { i: number }); j--) {
      const t = keyed[j] as (typeof keyed)[number];
      keyed[j] = keyed[j - 1] as (typeof keyed)[number];
      keyed[j - 1] = t;
    }
  }
  return [...keyed.map((x) => x.v), ...deleted];
}

/** What {@link orderMerged} needs. */
export interface OrderInput {
  /** The merged items, in any order. */
  merged: readonly JsonValue[];
  /** The order wanted for items the patch names (the patch list, or `$setElementOrder`). */
  patchOrder: readonly JsonValue[];
  /** The original list (after `$patch: delete` items were applied). */
  serverOrder: readonly JsonValue[];
  mergeKey: string;
  kind: ElementKind;
  path: string;
}

/** Splits the merged items into patch-named and original-only, orders both and interleaves them. */
export function orderMerged(input: OrderInput): JsonValue[] {
  const { merged, patchOrder, serverOrder, mergeKey, kind, path } = input;
  if (mergeKey !== '') requireMergeKey(merged, mergeKey, path);
  const inPatch = (v: JsonValue): boolean =>
    mergeKey === '' ? patchOrder.includes(v) : patchOrder.some((p) => keyValue(p, mergeKey) === keyValue(v, mergeKey));
  const patchItems = merged.filter((v) => inPatch(v));
  const serverOnly = merged.filter((v) => !inPatch(v));
  if (kind === 'object') {
    requireMergeKey(patchItems, mergeKey, path);
    requireMergeKey(patchOrder, mergeKey, path);
    requireMergeKey(serverOnly, mergeKey, path);
    requireMergeKey(serverOrder, mergeKey, path);
  }
  const right = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  return interleave(left, right, (v) => indexIn(serverOrder, v, mergeKey, kind));
}

/** Merges two sorted runs: a left (original-only) item goes first only when both are in the original and it is earlier. */
function interleave(left: JsonValue[], right: JsonValue[], pos: (v: JsonValue) => number): JsonValue[] {
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++] as JsonValue);
    else if (j >= right.length) out.push(left[i++] as JsonValue);
    else {
      const li = pos(left[i] as JsonValue);
      const ri = pos(right[j] as JsonValue);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++] as JsonValue);
      else out.push(right[j++] as JsonValue);
    }
  }
  return out;
}

/** Keeps the first occurrence of each primitive. */
function dedupe(list: readonly JsonValue[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const v of list) if (!out.includes(v)) out.push(v);
  return out;
}

/**
 * Capacity of a Go slice of n interface values built by appending one at a time, as Go's JSON decoder
 * builds lists: doubling up to 256, then growing by about 1.25 (exact up to 512 elements, close after).
 */
function goAppendCapacity(n: number): number {
  let cap = 0;
  while (cap < n) cap = cap === 0 ? 1 : cap < 256 ? cap * 2 : cap + Math.floor((cap + 768) / 4);
  return cap;
}

/**
 * The original primitive list as apimachinery sees it after a merge. Go appends the patch to the
 * original (in the original's backing array when its capacity allows) and de-duplicates in place by
 * moving the last element into each duplicate's slot, so the original, read again for ordering,
 * may have changed. Only observable when the original holds duplicates.
 */
export function aliasedPrimitiveOriginal(orig: readonly JsonValue[], patch: readonly JsonValue[]): JsonValue[] {
  if (orig.length + patch.length > goAppendCapacity(orig.length)) return [...orig];
  const s = [...orig, ...patch];
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length] as JsonValue;
        length--;
        j--;
      }
    }
  }
  return s.slice(0, orig.length);
}

/** Merges one map into another; supplied by the map merger (the two recurse into each other). */
export type MapMerger = (orig: JsonObject, patch: JsonObject, node: SchemaNode | undefined, path: string) => JsonObject;

/**
 * The original list as apimachinery's `$setElementOrder` handling sees it after merging. Go deletes
 * `$patch: delete` items by shifting the original slice in place and appends new items to it, all in
 * the original's backing array, and `$setElementOrder` then orders the original-only items by reading
 * the original through that array. Reproducing those writes makes our order match kubectl's when a
 * patch deletes and adds items in the same list (common in `kubectl apply` patches).
 */
export function aliasedOriginal(orig: readonly JsonValue[], patch: readonly JsonValue[], mergeKey: string): JsonValue[] {
  const isDirective = (v: JsonValue, d?: string): boolean => isJsonObject(v) && Object.hasOwn(v, '$patch') && (d === undefined || v['$patch'] === d);
  if (patch.some((v) => isDirective(v, 'replace'))) return [...orig];
  const backing = [...orig];
  let len = backing.length;
  const find = (kv: JsonValue): number => {
    for (let i = 0; i < len; i++) {
      const x = backing[i] as JsonValue;
      if (isJsonObject(x) && Object.hasOwn(x, mergeKey) && x[mergeKey] === kv) return i;
    }
    return -1;
  };
  for (const v of patch) {
    if (!isDirective(v, 'delete')) continue;
    const kv = keyValue(v, mergeKey);
    for (let i = find(kv); i >= 0; i = find(kv)) {
      for (let j = i; j < len - 1; j++) backing[j] = backing[j + 1] as JsonValue;
      len--;
    }
  }
  for (const v of patch) {
    if (isDirective(v) || find(keyValue(v, mergeKey)) >= 0) continue;
    if (len < backing.length) backing[len] = v;
    len++;
  }
  return backing;
}

/** What {@link mergeList} needs. */
export interface ListMergeInput {
  orig: JsonValue[];
  patch: JsonValue[];
  /** Schema of the list's items. */
  items: SchemaNode | undefined;
  mergeKey: string;
  /** The patch value came from `$deleteFromPrimitiveList/<field>`. */
  isDeleteList: boolean;
  /** JSON pointer of the list in the patch. */
  path: string;
  mergeMap: MapMerger;
}

/** Handles `$patch` items of a list of maps: returns the original after deletions and the plain patch items. */
function applySpecialItems(
  orig: JsonValue[],
  patch: JsonValue[],
  mergeKey: string,
  path: string,
): { orig: JsonValue[]; patch: JsonValue[] } {
  const plain: JsonValue[] = [];
  let out = orig;
  let replace = false;
  patch.forEach((item, i) => {
    const m = item as JsonObject;
    if (!Object.hasOwn(m, '$patch')) {
      plain.push(item);
      return;
    }
    const d = m['$patch'];
    const at = joinPath(joinPath(path, i), '$patch');
    if (d === 'delete') {
      if (!Object.hasOwn(m, mergeKey)) {
        throw new MergeError(MergeErrorCode.invalidMergeKey, joinPath(path, i), `$patch: delete item lacks the merge key "${mergeKey}"`);
      }
      const kv = m[mergeKey] as JsonValue;
      out = out.filter((x) => !(isJsonObject(x) && Object.hasOwn(x, mergeKey) && x[mergeKey] === kv));
    } else if (d === 'replace') {
      replace = true;
    } else if (d === 'merge') {
      throw new MergeError(MergeErrorCode.invalidDirective, at, '$patch: merge is not supported for list items');
    } else {
      throw new MergeError(MergeErrorCode.invalidDirective, at, `unknown $patch value ${JSON.stringify(d)}`);
    }
  });
  return replace ? { orig: plain, patch: [] } : { orig: out, patch: plain };
}

/**
 * Merges a patch list into an original list whose field has patch strategy `merge` (or is a
 * `$deleteFromPrimitiveList`): primitives are unioned (or removed), maps are merged by merge key,
 * `$patch: delete|replace` items are honoured, and the result is ordered as kubectl orders it.
 * New items are taken verbatim from the patch, as apimachinery does.
 */
export function mergeList(input: ListMergeInput): JsonValue[] {
  const { orig, patch, mergeKey, isDeleteList, path } = input;
  if (orig.length === 0 && patch.length === 0) return orig;
  const kind = elementKind([orig, patch], path);
  let merged: JsonValue[];
  let serverOrder = orig;
  let patchList = patch;
  if (kind !== 'object') {
    if (isDeleteList) return orig.filter((v) => !patch.includes(v));
    merged = dedupe([...orig, ...patch]);
    serverOrder = aliasedPrimitiveOriginal(orig, patch);
  } else {
    if (mergeKey === '') {
      throw new MergeError(MergeErrorCode.invalidMergeKey, path, 'cannot merge a list of maps without a patch merge key');
    }
    ({ orig: serverOrder, patch: patchList } = applySpecialItems(orig, patch, mergeKey, path));
    merged = [...serverOrder];
    patchList.forEach((item, i) => {
      const m = item as JsonObject;
      if (!Object.hasOwn(m, mergeKey)) {
        throw new MergeError(MergeErrorCode.invalidMergeKey, joinPath(path, i), `map does not contain the merge key "${mergeKey}"`);
      }
      const kv = m[mergeKey] as JsonValue;
      const at = merged.findIndex((x) => isJsonObject(x) && Object.hasOwn(x, mergeKey) && x[mergeKey] === kv);
      if (at >= 0) merged[at] = input.mergeMap(merged[at] as JsonObject, m, input.items, joinPath(path, i));
      else merged.push(m);
    });
  }
  return orderMerged({ merged, patchOrder: patchList, serverOrder, mergeKey, kind, path });
}
