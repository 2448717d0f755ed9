/**
 * Object output: YAML as the flux CLI prints it (sigs.k8s.io/yaml: keys sorted, sequences not indented
 * under their key, multi-line strings as literal blocks, each document after `---`) and JSON.
 */
import { stringify } from 'yaml';
import type { JsonValue } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';

/** A deep copy with object keys in code-unit order (Go's JSON→YAML round trip sorts them). */
export function sortKeysDeep(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (isJsonObject(v)) {
    const out: Record<string, JsonValue> = {};
    for (const k of Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = sortKeysDeep(v[k] as JsonValue);
    return out;
  }
  return v;
}

/** One YAML document (`---` line included) with sorted keys. */
export function toFluxYaml(obj: JsonValue): string {
  return '---\n' + stringify(sortKeysDeep(obj), { indentSeq: false, lineWidth: 0, minContentWidth: 0, singleQuote: true });
}

/** Output formats of `-o`. */
export const OutputFormat = { yaml: 'yaml', json: 'json' } as const;
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];

/** Parses `-o`; undefined means a table. Throws on anything else. */
export function parseOutputFormat(v: unknown): OutputFormat | undefined {
  if (v === undefined || v === '' || v === 'table') return undefined;
  if (v === 'yaml' || v === 'json') return v;
  throw new Error(`unsupported output format "${String(v)}": use yaml or json`);
}

/** Objects as YAML documents, or as JSON (one object alone, several as a `v1` `List`). */
export function formatObjects(objects: readonly JsonValue[], format: OutputFormat, opts: { single?: boolean } = {}): string {
  if (format === 'yaml') return objects.map((o) => toFluxYaml(o)).join('');
  const body: JsonValue = opts.single && objects.length === 1 ? (objects[0] as JsonValue) : { apiVersion: 'v1', kind: 'List', items: [...objects] };
  return JSON.stringify(body, null, 2) + '\n';
}
