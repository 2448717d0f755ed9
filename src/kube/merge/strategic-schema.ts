/**
 * What strategic merge patch needs from a schema: the patch strategy and merge key of a field, and a
 * structural type check of patch values (a list where the schema wants a map and so on).
 *
 * Without a schema (unknown kind, `untyped` nodes, unknown fields of preserve-unknown-fields structs)
 * everything is "schema-less": maps merge key by key, lists are replaced, no types are checked.
 */
import type { JsonValue } from '../object.js';
import { isJsonObject } from '../object.js';
import type { SchemaNode } from '../schema/types.js';
import { MergeError, MergeErrorCode, pointerJoin } from './errors.js';
import { jsonTypeOf } from './jsonpatch.js';

/** `pointerJoin` without the escaping work for the usual token that needs none (hot path). */
export function joinPath(parent: string, token: string | number): string {
  if (typeof token === 'number') return `${parent}/${token}`;
  return token.includes('/') || token.includes('~') ? pointerJoin(parent, token) : `${parent}/${token}`;
}

/** Options of strategic merge patch. */
export interface StrategicMergeOptions {
  /**
   * What to do when the patch merges a map or list into an existing value of a field the schema does
   * not know (and the struct does not preserve unknown fields). `merge` (default) treats the field as
   * schema-less (maps merge, lists are replaced). `error` is what kubectl does ("unable to find api
   * field"). The default is lenient because the built-in schemas are Kubernetes 1.21 while objects use
   * newer fields (e.g. StatefulSet `persistentVolumeClaimRetentionPolicy`, Pod `os`), and a stored
   * object never holds truly unknown fields, so the strict error would only ever fire on stale schema.
   */
  unknownFields?: 'error' | 'merge';
  /** Maximum nesting depth of the documents (default 256); deeper input is rejected. */
  maxDepth?: number;
}

/** Defaults of {@link StrategicMergeOptions}. */
export function defaultStrategicMergeOptions(): Required<StrategicMergeOptions> {
  return { unknownFields: 'merge', maxDepth: 256 };
}

/** Patch metadata of one field: its schema node, patch strategy and merge key. */
export interface FieldMeta {
  /** Schema of the field's value (the list node for lists); undefined when schema-less. */
  node: SchemaNode | undefined;
  /** The non-retainKeys strategy: `merge`, `replace` or `''` (none). */
  strategy: '' | 'merge' | 'replace';
  /** `x-kubernetes-patch-merge-key`, `''` when none. */
  mergeKey: string;
}

const schemaless: FieldMeta = { node: undefined, strategy: '', mergeKey: '' };

/** True when a node carries real structure (not absent, not `untyped`). */
export function isTyped(node: SchemaNode | undefined): node is SchemaNode {
  return node !== undefined && node.kind !== 'untyped';
}

/** The schema of a field or map value, without any error for unknown fields (for type checks). */
export function childNode(node: SchemaNode | undefined, key: string): SchemaNode | undefined {
  if (!isTyped(node) || (node.kind !== 'struct' && node.kind !== 'map')) return undefined;
  return node.field(key);
}

/**
 * Patch metadata of field `key` of `node`, looked up when a map or list value is merged into an
 * existing one. A struct that does not know the field is an error unless `unknownFields` is `merge`
 * or the struct preserves unknown fields.
 */
export function lookupField(
  node: SchemaNode | undefined,
  key: string,
  path: string,
  opts: Required<StrategicMergeOptions>,
): FieldMeta {
  if (!isTyped(node) || (node.kind !== 'struct' && node.kind !== 'map')) return schemaless;
  const sub = node.field(key);
  if (sub === undefined) {
    if (node.kind === 'map' || node.preserveUnknownFields || opts.unknownFields === 'merge') return schemaless;
    const where = node.definition ? ` ${node.definition}` : '';
    throw new MergeError(MergeErrorCode.typeMismatch, path, `field "${key}" is not in the schema of${where || ' this object'}`);
  }
  return { node: sub, ...strategyOf(sub, path), mergeKey: sub.patchMergeKey ?? '' };
}

/** Splits `x-kubernetes-patch-strategy` as apimachinery does: at most one strategy besides retainKeys. */
function strategyOf(node: SchemaNode, path: string): Pick<FieldMeta, 'strategy'> {
  const all = (node.patchStrategies ?? []).filter((s) => s !== ('' as string));
  const other = all.filter((s) => s !== 'retainKeys');
  const hasRetain = all.length !== other.length;
  if (other.length > 1 || (all.length === 2 && !hasRetain) || all.length > 2) {
    throw new MergeError(MergeErrorCode.invalidPatch, path, `unexpected patch strategies ${JSON.stringify(all)}`);
  }
  const s = other[0];
  return { strategy: s === 'merge' || s === 'replace' ? s : '' };
}

function describe(node: SchemaNode): string {
  if (node.kind === 'struct' || node.kind === 'map') return 'a map';
  if (node.kind === 'list') return 'a list';
  return `a ${node.scalar ?? 'scalar'}`;
}

function shallowMismatch(v: JsonValue, node: SchemaNode): boolean {
  const t = jsonTypeOf(v);
  if (t === 'null') return false;
  switch (node.kind) {
    case 'struct':
    case 'map':
      return t !== 'object';
    case 'list':
      return t !== 'array';
    case 'scalar':
      return node.scalar !== 'any' && (t === 'object' || t === 'array');
    default:
      return false;
  }
}

/** Throws typeMismatch when `v` itself (not its children) has the wrong JSON type for `node`. */
export function checkShallow(v: JsonValue, node: SchemaNode | undefined, path: string): void {
  if (isTyped(node) && shallowMismatch(v, node)) {
    throw new MergeError(MergeErrorCode.typeMismatch, path, `expected ${describe(node)}, got ${jsonTypeOf(v)}`);
  }
}

/**
 * Throws typeMismatch when `v` or anything inside it has the wrong JSON type for the schema
 * (structure only: scalar types are not checked, since Kubernetes accepts e.g. numbers for
 * quantities). Directive keys (`$patch`, `$retainKeys`…) and unknown fields are skipped.
 */
export function checkShape(v: JsonValue, node: SchemaNode | undefined, path: string, depth = 0): void {
  if (!isTyped(node) || v === null) return;
  if (depth > 512) throw new MergeError(MergeErrorCode.invalidPatch, path, 'document nested too deeply');
  checkShallow(v, node, path);
  if (Array.isArray(v)) {
    const items = node.items();
    if (!isTyped(items)) return;
    v.forEach((x, i) => checkShape(x, items, joinPath(path, i), depth + 1));
  } else if (isJsonObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k.startsWith('$')) continue;
      checkShape(x, node.field(k), joinPath(path, k), depth + 1);
    }
  }
}
