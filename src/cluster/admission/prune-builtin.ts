/**
 * Dropping fields of built-in objects that the served schema does not know, as the API server's decoding into
 * its Go types does: unknown fields never reach storage (under fieldValidation Strict the server core has
 * already refused them). This also keeps fields a controller writes for a newer Kubernetes (e.g. status
 * fields the served schema lacks) out of stored objects, so later strict patches of them stay valid.
 * `metadata` is left alone (the server maintains it).
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../kube/object.js';
import type { SchemaNode } from '../../kube/schema/types.js';

const maxDepth = 100;

interface Walk {
  path: string;
  out: string[];
  depth: number;
}

function prune(v: JsonValue, s: SchemaNode, w: Walk): void {
  const { path, out, depth } = w;
  if (depth > maxDepth || v === null || s.kind === 'untyped' || s.kind === 'scalar') return;
  if (s.kind === 'list') {
    const it = s.items();
    if (it && Array.isArray(v)) v.forEach((x, i) => prune(x, it, { path: `${path}[${i}]`, out, depth: depth + 1 }));
    return;
  }
  if (!isJsonObject(v)) return;
  for (const k of Object.keys(v)) {
    const p = path ? `${path}.${k}` : k;
    if (depth === 0 && (k === 'metadata' || k === 'apiVersion' || k === 'kind')) continue;
    const f = s.field(k);
    // schema vendor extensions newer than the served schema (CRDs' x-kubernetes-validations…) are kept
    if (!f && k.startsWith('x-kubernetes-')) continue;
    if (!f) {
      if (s.kind === 'struct' && !s.preserveUnknownFields) {
        delete v[k];
        out.push(p);
      }
      continue;
    }
    prune(v[k] as JsonValue, f, { path: p, out, depth: depth + 1 });
  }
}

/** Removes unknown fields in place; returns their paths. */
export function pruneBuiltinUnknownFields(obj: JsonObject, schema: SchemaNode): string[] {
  const out: string[] = [];
  prune(obj, schema, { path: '', out, depth: 0 });
  return out;
}
