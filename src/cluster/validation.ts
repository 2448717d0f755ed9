/** Schema checks the core runs before admission: unknown fields for `fieldValidation`. */
import type { JsonValue } from '../kube/object.js';
import { isJsonObject } from '../kube/object.js';
import type { SchemaNode } from '../kube/schema/types.js';

const MAX_REPORTED = 50;

/**
 * Paths (`spec.foo`, `spec.containers[0].bar`) of fields the schema does not know. Maps, untyped nodes and
 * structs with `x-kubernetes-preserve-unknown-fields` accept anything; at most 50 paths are reported.
 */
export function unknownFieldPaths(obj: unknown, schema: SchemaNode): string[] {
  const out: string[] = [];
  walk(obj as JsonValue, schema, '', out);
  // managedFields are server-maintained (a patch result carries the stored ones, whose `subresource` the 1.21 schema lacks);
  // `x-kubernetes-*` schema extensions newer than the served schema (e.g. CRDs' x-kubernetes-validations) are accepted
  return out.filter((p) => !p.startsWith('metadata.managedFields') && !/(^|\.)x-kubernetes-[^.]*$/.test(p));
}

function walk(v: JsonValue, s: SchemaNode, path: string, out: string[]): void {
  if (out.length >= MAX_REPORTED || v === null) return;
  if (s.kind === 'list' && Array.isArray(v)) {
    const it = s.items();
    if (!it) return;
    v.forEach((x, i) => walk(x, it, `${path}[${i}]`, out));
    return;
  }
  if (!isJsonObject(v)) return;
  if (s.kind === 'map') {
    for (const [k, x] of Object.entries(v)) {
      const f = s.field(k);
      if (f) walk(x, f, path ? `${path}.${k}` : k, out);
    }
    return;
  }
  if (s.kind !== 'struct') return;
  for (const [k, x] of Object.entries(v)) {
    const p = path ? `${path}.${k}` : k;
    const f = s.field(k);
    if (!f) {
      if (!s.preserveUnknownFields) out.push(p);
      continue;
    }
    walk(x, f, p, out);
  }
}
