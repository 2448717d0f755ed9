/**
 * Strategic merge patch, applied as Kubernetes applies it (`k8s.io/apimachinery/pkg/util/strategicpatch`,
 * the code behind `kubectl patch --type strategic` and the API server's
 * `application/strategic-merge-patch+json`).
 *
 * Semantics, with the schema's `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key`:
 * - maps merge key by key; `null` deletes; `$patch: delete` empties a map, `$patch: replace` replaces
 *   it with the rest of the patch map (taken verbatim); fields with strategy `replace` are replaced;
 * - lists with strategy `merge` merge by merge key (maps) or are unioned (primitives); list items may
 *   carry `$patch: delete` (remove the item with that key) or `$patch: replace` (replace the list);
 *   other lists are replaced by the patch list verbatim;
 * - `$deleteFromPrimitiveList/<field>: [...]` removes values from a primitive list;
 * - `$setElementOrder/<field>: [...]` fixes the order of a merged list;
 * - `$retainKeys: [...]` drops every key of the original map that is not listed.
 * Values the patch adds where the original has nothing are cleaned first: `null` members and maps
 * carrying `$patch` are dropped (items added to a merged list are, as in apimachinery, taken verbatim).
 * Element order of merged lists is exactly kubectl's (see `strategic-list.ts`).
 *
 * Fields the schema does not know are merged schema-less by default (kubectl errors when it must
 * merge into one; `unknownFields: 'error'` does the same): the built-in schemas are older than the
 * objects they describe.
 *
 * Where we are stricter than kubectl: with a schema, a patch value of the wrong structural type (a
 * list where the schema wants a map, a map for a string…) is a typeMismatch error; kubectl's local
 * patch replaces the value and the API server would then fail to decode the object.
 */
import { tryGvkOf } from '../identity.js';
import type { JsonObject, JsonValue } from '../object.js';
import { isJsonObject } from '../object.js';
import type { SchemaNode, SchemaRegistry } from '../schema/types.js';
import { MergeError, MergeErrorCode } from './errors.js';
import { cloneJson, jsonTypeOf, setMember } from './jsonpatch.js';
import { aliasedOriginal, aliasedPrimitiveOriginal, elementKind, mergeList, orderMerged, requireMergeKey } from './strategic-list.js';
import type { FieldMeta, StrategicMergeOptions } from './strategic-schema.js';
import { checkShallow, checkShape, childNode, defaultStrategicMergeOptions, joinPath, lookupField } from './strategic-schema.js';

export type { StrategicMergeOptions } from './strategic-schema.js';
export { defaultStrategicMergeOptions } from './strategic-schema.js';

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM = '$deleteFromPrimitiveList';
const SET_ORDER = '$setElementOrder';

/** Splits `<prefix>/<field>`; throws invalidDirective for a malformed key. */
function directiveField(key: string, prefix: string, path: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix || slash === key.length - 1) {
    throw new MergeError(MergeErrorCode.invalidDirective, joinPath(path, key), `malformed directive key "${key}", expected ${prefix}/<field>`);
  }
  return key.slice(slash + 1);
}

/** Drops `null` members of maps, recursively (list elements that are null stay). */
function discardNulls(v: JsonValue): void {
  if (Array.isArray(v)) v.forEach(discardNulls);
  else if (isJsonObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else discardNulls(x);
    }
  }
}

/** Drops every map that carries `$patch` (from its parent map or list); `undefined` when `v` itself is one. */
function removeDirectives(v: JsonValue): JsonValue | undefined {
  if (Array.isArray(v)) {
    const out: JsonValue[] = [];
    for (const x of v) {
      const y = removeDirectives(x);
      if (y !== undefined) out.push(y);
    }
    return out;
  }
  if (isJsonObject(v)) {
    if (Object.hasOwn(v, PATCH)) return undefined;
    for (const [k, x] of Object.entries(v)) {
      const y = removeDirectives(x);
      if (y === undefined) delete v[k];
      else setMember(v, k, y);
    }
  }
  return v;
}

class Merger {
  constructor(private readonly opts: Required<StrategicMergeOptions>) {}

  private depthCheck(path: string): void {
    let depth = 0;
    for (const c of path) if (c === '/') depth++;
    if (depth > this.opts.maxDepth) throw new MergeError(MergeErrorCode.invalidPatch, path, `documents nested deeper than ${this.opts.maxDepth}`);
  }

  /** Merges `patch` into `orig` (both private copies, mutated) and returns the result. */
  readonly mergeMap = (orig: JsonObject, patch: JsonObject, node: SchemaNode | undefined, path: string): JsonObject => {
    this.depthCheck(path);
    if (Object.hasOwn(patch, PATCH)) return this.mapDirective(patch, node, path);
    this.retainKeys(orig, patch, path);
    this.setElementOrders(orig, patch, node, path);
    for (const key of Object.keys(patch)) this.mergeKey(orig, key, patch[key] as JsonValue, { node, path });
    return orig;
  };

  private mapDirective(patch: JsonObject, node: SchemaNode | undefined, path: string): JsonObject {
    const d = patch[PATCH];
    if (d === 'replace') {
      delete patch[PATCH];
      checkShape(patch, node, path);
      return patch;
    }
    if (d === 'delete') return {};
    throw new MergeError(MergeErrorCode.invalidDirective, joinPath(path, PATCH), `unknown $patch value ${JSON.stringify(d)} in a map`);
  }

  /** `$retainKeys`: every non-null patch key must be listed; original keys not listed are dropped. */
  private retainKeys(orig: JsonObject, patch: JsonObject, path: string): void {
    if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
    const list = patch[RETAIN_KEYS] as JsonValue;
    delete patch[RETAIN_KEYS];
    const at = joinPath(path, RETAIN_KEYS);
    if (!Array.isArray(list)) throw new MergeError(MergeErrorCode.invalidDirective, at, '$retainKeys must be a list');
    if (list.some((x) => x !== null && typeof x === 'object')) {
      throw new MergeError(MergeErrorCode.invalidDirective, at, '$retainKeys must list field names');
    }
    const keep = new Set(list.filter((x): x is string => typeof x === 'string'));
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || k.startsWith(DELETE_FROM) || k.startsWith(SET_ORDER)) continue;
      if (!keep.has(k)) throw new MergeError(MergeErrorCode.invalidDirective, at, `patch field "${k}" is not listed in $retainKeys`);
    }
    for (const k of Object.keys(orig)) if (!keep.has(k)) delete orig[k];
  }

  /** Processes every `$setElementOrder/<field>` of this map together with the field's patch list. */
  private setElementOrders(orig: JsonObject, patch: JsonObject, node: SchemaNode | undefined, path: string): void {
    for (const key of Object.keys(patch)) {
      if (!key.startsWith(SET_ORDER)) continue;
      const order = patch[key] as JsonValue;
      delete patch[key];
      if (!Array.isArray(order)) throw new MergeError(MergeErrorCode.invalidDirective, joinPath(path, key), '$setElementOrder must be a list');
      const field = directiveField(key, SET_ORDER, path);
      const at = joinPath(path, field);
      const origList = this.listAt(orig, field, at);
      const patchList = this.listAt(patch, field, at);
      const meta = lookupField(node, field, at, this.opts);
      if (meta.node !== undefined && meta.node.kind !== 'list' && meta.node.kind !== 'untyped') {
        throw new MergeError(MergeErrorCode.typeMismatch, at, '$setElementOrder names a field that is not a list');
      }
      validateOrder(patchList ?? [], order, meta.mergeKey, joinPath(path, key));
      let merged: JsonValue[];
      if (origList && patchList) merged = this.mergeSlice(origList, patchList, meta, { isDeleteList: false, path: at });
      else if (origList) merged = origList;
      else if (patchList) {
        checkShape(patchList, meta.node, at);
        merged = removeDirectives(patchList) as JsonValue[];
      } else continue;
      const kind = elementKind([origList ?? [], patchList ?? []], at);
      let serverOrder = origList ?? [];
      if (origList && patchList && meta.strategy === 'merge') {
        serverOrder = kind === 'object' ? aliasedOriginal(origList, patchList, meta.mergeKey) : aliasedPrimitiveOriginal(origList, patchList);
      }
      setMember(orig, field, orderMerged({ merged, patchOrder: order, serverOrder, mergeKey: meta.mergeKey, kind, path: at }));
      delete patch[field];
    }
  }

  private listAt(m: JsonObject, field: string, path: string): JsonValue[] | undefined {
    if (!Object.hasOwn(m, field)) return undefined;
    const v = m[field] as JsonValue;
    if (!Array.isArray(v)) throw new MergeError(MergeErrorCode.typeMismatch, path, `$setElementOrder needs a list here, got ${jsonTypeOf(v)}`);
    return v;
  }

  /** Merges one patch member into the original map. */
  private mergeKey(orig: JsonObject, rawKey: string, pv: JsonValue, at: { node: SchemaNode | undefined; path: string }): void {
    let key = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_FROM)) {
      key = directiveField(rawKey, DELETE_FROM, at.path);
      isDeleteList = true;
    }
    const path = joinPath(at.path, rawKey);
    if (pv === null) {
      delete orig[key];
      return;
    }
    checkShallow(pv, childNode(at.node, key), path);
    if (!Object.hasOwn(orig, key) || jsonTypeOf(orig[key] as JsonValue) !== jsonTypeOf(pv)) {
      if (!isDeleteList) this.adopt(orig, key, pv, { node: childNode(at.node, key), path });
      return;
    }
    const ov = orig[key] as JsonValue;
    if (isJsonObject(ov)) {
      const meta = lookupField(at.node, key, path, this.opts);
      if (meta.strategy === 'replace') {
        checkShape(pv, meta.node, path);
        setMember(orig, key, pv);
      } else setMember(orig, key, this.mergeMap(ov, pv as JsonObject, meta.node, path));
    } else if (Array.isArray(ov)) {
      const meta = lookupField(at.node, key, path, this.opts);
      setMember(orig, key, this.mergeSlice(ov, pv as JsonValue[], meta, { isDeleteList, path }));
    } else setMember(orig, key, pv);
  }

  /** Takes a patch value where the original has nothing comparable: nulls and `$patch` maps dropped. */
  private adopt(orig: JsonObject, key: string, pv: JsonValue, at: { node: SchemaNode | undefined; path: string }): void {
    checkShape(pv, at.node, at.path);
    discardNulls(pv);
    const v = removeDirectives(pv);
    if (v === undefined) delete orig[key];
    else setMember(orig, key, v);
  }

  private mergeSlice(orig: JsonValue[], patch: JsonValue[], meta: FieldMeta, o: { isDeleteList: boolean; path: string }): JsonValue[] {
    if (meta.strategy !== 'merge' && !o.isDeleteList) {
      checkShape(patch, meta.node, o.path);
      return patch;
    }
    const items = meta.node?.kind === 'list' ? meta.node.items() : undefined;
    if (!o.isDeleteList) {
      patch.forEach((item, i) => {
        if (!(isJsonObject(item) && Object.hasOwn(item, PATCH))) checkShape(item, items, joinPath(o.path, i));
      });
    }
    return mergeList({
      orig,
      patch,
      items,
      mergeKey: meta.mergeKey,
      isDeleteList: o.isDeleteList,
      path: o.path,
      mergeMap: this.mergeMap,
    });
  }
}

/**
 * Checks that the patch list's items appear in the `$setElementOrder` list in the same relative order
 * (deletions and other directive items are skipped), as apimachinery does.
 */
function validateOrder(patchList: JsonValue[], order: JsonValue[], mergeKey: string, path: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey !== '') {
    patchList.forEach((x, i) => {
      if (!isJsonObject(x)) throw new MergeError(MergeErrorCode.typeMismatch, joinPath(path, i), 'expected a map');
    });
    items = patchList.filter((x) => (x as JsonObject)[PATCH] !== 'delete');
  }
  let pi = 0;
  let si = 0;
  while (pi < items.length && si < order.length) {
    const item = items[pi] as JsonValue;
    if (isJsonObject(item) && Object.hasOwn(item, PATCH)) {
      pi++;
      continue;
    }
    if (sameElement(item, order[si] as JsonValue, mergeKey, path)) pi++;
    si++;
  }
  if (pi < items.length) {
    throw new MergeError(MergeErrorCode.invalidDirective, path, 'the order of the patch list does not match the $setElementOrder list');
  }
}

function sameElement(a: JsonValue, b: JsonValue, mergeKey: string, path: string): boolean {
  if (mergeKey === '') return a === b;
  requireMergeKey([a, b], mergeKey, path);
  return (a as JsonObject)[mergeKey] === (b as JsonObject)[mergeKey];
}

/**
 * Applies a strategic merge patch to `original` as Kubernetes does and returns the result; the inputs
 * are never mutated. `schema` is the schema of the whole object (from a SchemaRegistry); with
 * `undefined` (unknown kind) every list is replaced and maps merge, while `$patch`, `$retainKeys`,
 * `$setElementOrder` and `$deleteFromPrimitiveList` are still honoured where apimachinery honours them
 * without type information. Throws MergeError: invalidPatch (patch not a map, too deep),
 * invalidDirective (unknown `$patch`, malformed directive), invalidMergeKey (merge key missing),
 * typeMismatch (wrong structural type, unknown field with `unknownFields: 'error'`), each with the
 * JSON pointer of the offending place in the patch.
 */
export function applyStrategicMergePatch(
  original: JsonObject,
  patch: JsonObject,
  schema: SchemaNode | undefined,
  options: StrategicMergeOptions = {},
): JsonObject {
  if (!isJsonObject(original)) throw new MergeError(MergeErrorCode.typeMismatch, '', 'the original document must be a map');
  if (!isJsonObject(patch)) throw new MergeError(MergeErrorCode.invalidPatch, '', 'a strategic merge patch must be a map');
  const merger = new Merger({ ...defaultStrategicMergeOptions(), ...options });
  return merger.mergeMap(cloneJson(original), cloneJson(patch), schema, '');
}

/** Options of {@link strategicMergeObject}. */
export interface StrategicMergeObjectOptions extends StrategicMergeOptions {
  /**
   * What to do when the registry does not know the kind: `schemaless` (default) merges without a
   * schema; `error` throws invalidPatch, as the API server refuses strategic merge patches for
   * custom resources.
   */
  unknownKind?: 'schemaless' | 'error';
}

/**
 * Applies a strategic merge patch to a whole Kubernetes object, looking its schema up in `registry`
 * by the object's apiVersion and kind. See {@link applyStrategicMergePatch}.
 */
export function strategicMergeObject(
  obj: JsonObject,
  patch: JsonObject,
  registry: SchemaRegistry | undefined,
  options: StrategicMergeObjectOptions = {},
): JsonObject {
  // An object without a readable apiVersion/kind has no schema: it merges schema-less (or is refused below).
  const gvk = tryGvkOf(obj);
  const schema = gvk === undefined ? undefined : registry?.forKind(gvk);
  if (schema === undefined && options.unknownKind === 'error') {
    const gv = typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : '';
    const kind = typeof obj['kind'] === 'string' ? obj['kind'] : '';
    throw new MergeError(MergeErrorCode.invalidPatch, '', `strategic merge patch is not supported for ${gv}, Kind=${kind}: no schema`);
  }
  const { unknownKind: _unused, ...rest } = options;
  return applyStrategicMergePatch(obj, patch, schema, rest);
}
