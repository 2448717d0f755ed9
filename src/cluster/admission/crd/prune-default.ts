/**
 * Pruning and defaulting of custom resources against a structural schema, as the apiextensions server does on
 * every write: nulls in non-nullable fields without a default are dropped, `default:` values are filled in
 * (recursively, also inside defaults), and fields the schema does not specify are removed unless
 * `x-kubernetes-preserve-unknown-fields` is set. apiVersion, kind and metadata at the root (and in embedded
 * resources) are never pruned.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../kube/object.js';
import { embedded, fieldSchema, itemsSchema, join, maxDepth, preservesUnknown, properties } from './schema-walk.js';

const objectMetaKeys = new Set(['apiVersion', 'kind', 'metadata']);

function defaultValue(node: JsonObject, schema: JsonObject, depth: number): void {
  const props = properties(schema);
  if (props) {
    for (const [k, ps] of Object.entries(props)) {
      if (!isJsonObject(ps)) continue;
      const cur = node[k];
      if (cur === undefined && ps.default !== undefined) node[k] = structuredClone(ps.default);
      else if (cur === null && ps.nullable !== true) {
        if (ps.default !== undefined) node[k] = structuredClone(ps.default);
        else delete node[k];
      }
    }
  }
  for (const [k, v] of Object.entries(node)) {
    const s = fieldSchema(schema, k);
    if (s) applyDefaults(v, s, depth + 1);
  }
}

/** Fills in `default:` values in place (the value is mutated; scalars are left alone). */
export function applyDefaults(value: JsonValue, schema: JsonObject, depth = 0): void {
  if (depth > maxDepth) return;
  if (Array.isArray(value)) {
    const items = itemsSchema(schema);
    if (items) {
      for (let i = 0; i < value.length; i++) {
        if (value[i] === null && items.nullable !== true && items.default !== undefined) value[i] = structuredClone(items.default);
        applyDefaults(value[i] as JsonValue, items, depth + 1);
      }
    }
    return;
  }
  if (isJsonObject(value)) defaultValue(value, schema, depth);
}

function pruneObject(node: JsonObject, schema: JsonObject, ctx: { path: string; root: boolean; depth: number; pruned: string[] }): void {
  const keep = preservesUnknown(schema);
  const isEmbedded = ctx.root || embedded(schema);
  for (const k of Object.keys(node)) {
    const path = join(ctx.path, k);
    if (isEmbedded && objectMetaKeys.has(k)) {
      const s = properties(schema)?.[k];
      if (k !== 'metadata' && isJsonObject(s)) prune(node[k] as JsonValue, s, { ...ctx, path, root: false, depth: ctx.depth + 1 });
      continue;
    }
    const s = fieldSchema(schema, k);
    if (!s) {
      if (!keep) {
        delete node[k];
        ctx.pruned.push(path);
      }
      continue;
    }
    prune(node[k] as JsonValue, s, { ...ctx, path, root: false, depth: ctx.depth + 1 });
  }
}

function prune(value: JsonValue, schema: JsonObject, ctx: { path: string; root: boolean; depth: number; pruned: string[] }): void {
  if (ctx.depth > maxDepth) return;
  if (Array.isArray(value)) {
    const items = itemsSchema(schema);
    if (items) value.forEach((v, i) => prune(v, items, { ...ctx, path: `${ctx.path}[${i}]`, root: false, depth: ctx.depth + 1 }));
    return;
  }
  if (isJsonObject(value)) pruneObject(value, schema, ctx);
}

/**
 * Removes unspecified fields in place and returns their paths (`spec.foo`, `spec.list[0].bar`) in document
 * order, for `fieldValidation` Warn/Strict reporting.
 */
export function pruneUnknownFields(obj: JsonObject, schema: JsonObject): string[] {
  const pruned: string[] = [];
  prune(obj, schema, { path: '', root: true, depth: 0, pruned });
  return pruned;
}
