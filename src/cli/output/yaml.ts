/**
 * Object output: YAML as the flux CLI prints it (sigs.k8s.io/yaml: keys sorted, sequences not indented
 * under their key, multi-line strings as literal blocks, each document after `---`) and JSON.
 */
import { Document, isScalar, visit } from 'yaml';
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

const yaml11NonString = [
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*)$/,
  /^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?$/,
];

/**
 * Whether go-yaml v2 (YAML 1.1 resolution) would read this plain string as something else (bool, null,
 * number, timestamp): such strings are double-quoted, as flux and kubectl print them (`"true"`, `"1"`).
 */
export function resolvesAsNonString(s: string): boolean {
  return yaml11NonString.some((r) => r.test(s));
}

/**
 * One YAML document (`---` line included) with sorted keys, quoted as go-yaml v2 quotes: strings that
 * YAML 1.1 would read as another type in double quotes, strings that cannot be plain (`>=1.0`) in single
 * quotes, multi-line strings as `|-` blocks.
 */
export function toFluxYaml(obj: JsonValue): string {
  const doc = new Document(sortKeysDeep(obj));
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && !node.value.includes('\n') && resolvesAsNonString(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return '---\n' + doc.toString({ indentSeq: false, lineWidth: 0, minContentWidth: 0, singleQuote: true });
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

/** Several YAML documents separated by `---` lines, the first without one (as `flux build` prints). */
export function yamlStream(objects: readonly JsonValue[]): string {
  return objects.map((o) => toFluxYaml(o)).join('').replace(/^---\n/, '');
}
