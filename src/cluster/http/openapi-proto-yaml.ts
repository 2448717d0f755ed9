/**
 * Block-style YAML for the `Any.yaml` values of the OpenAPI v2 protobuf (vendor extensions, defaults, enums,
 * examples), as gnostic writes them when it compiles a JSON document. The readers are Go YAML 1.1 parsers
 * (kube-openapi and kubectl read `x-kubernetes-*` extensions with `yaml.v2`), so a string is written plain only
 * when YAML 1.1 cannot read it as anything else (not `yes`/`on`/`null`/a number…); otherwise it is
 * double-quoted with JSON escapes, which YAML double-quoted scalars share. Multi-line strings are quoted too
 * (gnostic would use a literal block; both read back the same).
 */
import type { JsonValue } from '../../kube/object.js';

const PLAIN = /^[A-Za-z][A-Za-z0-9_./,-]*$/;
/** `e5`-like strings, which some YAML 1.1 readers take for floats with no mantissa. */
const EXPONENT = /^[eE][-+]?[0-9]/;
/** Words YAML 1.1 reads as booleans or null. */
const RESERVED = new Set(['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null']);

function scalarText(v: null | boolean | number | string): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  return PLAIN.test(v) && !RESERVED.has(v.toLowerCase()) && !EXPONENT.test(v) ? v : JSON.stringify(v);
}

function isEmptyCollection(v: JsonValue): boolean {
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && v !== null && Object.keys(v).length === 0;
}

/** The text after `key:` or `-` for a value that fits on one line, or undefined for a nested block. */
function inline(v: JsonValue): string | undefined {
  if (Array.isArray(v)) return v.length === 0 ? '[]' : undefined;
  if (typeof v === 'object' && v !== null) return isEmptyCollection(v) ? '{}' : undefined;
  return scalarText(v);
}

function emit(v: JsonValue, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      const one = inline(item);
      if (one !== undefined) out.push(`${indent}- ${one}`);
      else if (Array.isArray(item)) {
        out.push(`${indent}-`);
        emit(item, `${indent}  `, out);
      } else {
        // A mapping item starts on the dash's line: "- key: value" then its other keys two spaces in.
        const first = out.length;
        emit(item, `${indent}  `, out);
        out[first] = `${indent}- ${(out[first] ?? '').slice(indent.length + 2)}`;
      }
    }
    return;
  }
  if (typeof v !== 'object' || v === null) {
    out.push(`${indent}${scalarText(v)}`);
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    const key = scalarText(k);
    const one = inline(x);
    if (one !== undefined) out.push(`${indent}${key}: ${one}`);
    else {
      out.push(`${indent}${key}:`);
      emit(x, `${indent}  `, out);
    }
  }
}

/** `v` as block YAML ending in a newline (`{}`/`[]` for empty collections). */
export function toYaml(v: JsonValue): string {
  const one = inline(v);
  if (one !== undefined) return `${one}\n`;
  const out: string[] = [];
  emit(v, '', out);
  return `${out.join('\n')}\n`;
}
