/**
 * Path elements of field sets, in the string form FieldsV1 uses as object keys:
 * `f:<field name>`, `k:<JSON object of the key fields>`, `v:<JSON value>` (set items), `i:<index>`.
 *
 * The string form is canonical (key fields sorted by name, compact JSON with Go's HTML escaping), so two
 * equal path elements always have the same string and sets can be keyed by it. Ordering follows
 * structured-merge-diff: field names < keys < values < indices; field names by code unit, keys field by
 * field (name, then value), values by type (numbers < strings < booleans < lists < maps < null) then value.
 */
import type { JsonObject, JsonValue } from '../../object.js';
import { isJsonObject } from '../../object.js';

const HTML_CHARS = /[<>&\u2028\u2029]/;
const HTML_CHARS_G = /[<>&\u2028\u2029]/g;

function escapeHtmlChar(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** JSON text as Go's encoding/json writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u00XX`. */
export function goJson(text: string): string {
  return HTML_CHARS.test(text) ? text.replace(HTML_CHARS_G, escapeHtmlChar) : text;
}

/** True when a string needs no escaping in JSON nor Go's HTML escaping (ASCII printable without " \\ < > &). */
function isPlain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) return false;
  }
  return true;
}

const QUOTE_CACHE_LIMIT = 50_000;
const quoteCache = new Map<string, string>();

/** A JSON string literal as Go writes it. */
export function goQuote(s: string): string {
  if (isPlain(s)) return `"${s}"`;
  return goJson(JSON.stringify(s));
}

/** {@link goQuote} for path element strings, which repeat a lot: cached. */
export function quoteElement(pe: string): string {
  let q = quoteCache.get(pe);
  if (q === undefined) {
    q = goQuote(pe);
    if (quoteCache.size >= QUOTE_CACHE_LIMIT) quoteCache.clear();
    quoteCache.set(pe, q);
  }
  return q;
}

/** Compact JSON of a value with object keys sorted, as Go writes a map. */
export function goValueJson(v: JsonValue): string {
  if (Array.isArray(v)) return `[${v.map(goValueJson).join(',')}]`;
  if (isJsonObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${goQuote(k)}:${goValueJson(v[k] as JsonValue)}`).join(',')}}`;
  }
  return typeof v === 'string' ? goQuote(v) : JSON.stringify(v);
}

/** The path element of a field. */
export function fieldElement(name: string): string {
  return `f:${name}`;
}

/** The path element of a list-map item with a single key field. */
export function singleKeyElement(name: string, value: JsonValue): string {
  return `k:{${quoteElement(name)}:${typeof value === 'string' ? goQuote(value) : goValueJson(value)}}`;
}

/** The path element of a list-map item from its key fields (any order; sorted here). */
export function keyElement(fields: readonly (readonly [string, JsonValue])[]): string {
  if (fields.length === 1) {
    const [name, value] = fields[0] as readonly [string, JsonValue];
    return singleKeyElement(name, value);
  }
  const sorted = [...fields].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `k:{${sorted.map(([n, v]) => `${goQuote(n)}:${goValueJson(v)}`).join(',')}}`;
}

/** The path element of a set item. */
export function valueElement(v: JsonValue): string {
  return `v:${goValueJson(v)}`;
}

/** The path element of a list index (atomic lists are never indexed in managed fields, but FieldsV1 allows it). */
export function indexElement(i: number): string {
  return `i:${i}`;
}

/** A parsed path element. */
export type ParsedElement =
  | { type: 'field'; name: string }
  | { type: 'key'; fields: [string, JsonValue][] }
  | { type: 'value'; value: JsonValue }
  | { type: 'index'; index: number };

const TYPE_RANK = { field: 0, key: 1, value: 2, index: 3 } as const;
const CACHE_LIMIT = 20_000;
const parsedCache = new Map<string, ParsedElement>();

/** Parses a path element string; throws an Error naming the element when malformed. */
export function parseElement(pe: string): ParsedElement {
  const hit = parsedCache.get(pe);
  if (hit) return hit;
  const parsed = parseUncached(pe);
  if (parsedCache.size >= CACHE_LIMIT) parsedCache.clear();
  parsedCache.set(pe, parsed);
  return parsed;
}

function parseUncached(pe: string): ParsedElement {
  const prefix = pe.slice(0, 2);
  const rest = pe.slice(2);
  switch (prefix) {
    case 'f:':
      return { type: 'field', name: rest };
    case 'k:': {
      const obj = JSON.parse(rest) as unknown;
      if (!isJsonObject(obj)) throw new Error(`invalid key path element ${JSON.stringify(pe)}`);
      const fields = Object.entries(obj).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return { type: 'key', fields };
    }
    case 'v:':
      return { type: 'value', value: JSON.parse(rest) as JsonValue };
    case 'i:': {
      if (!/^-?\d+$/.test(rest)) throw new Error(`invalid index path element ${JSON.stringify(pe)}`);
      return { type: 'index', index: Number(rest) };
    }
    default:
      throw new Error(`unknown path element ${JSON.stringify(pe)}: must start with f:, k:, v: or i:`);
  }
}

const canonicalCache = new Map<string, string>();

/** The canonical string of a path element written by someone else (spacing, key order). */
export function canonicalElement(pe: string): string {
  if (pe.startsWith('f:')) return pe;
  let c = canonicalCache.get(pe);
  if (c === undefined) {
    c = canonicalUncached(pe);
    if (canonicalCache.size >= CACHE_LIMIT) canonicalCache.clear();
    canonicalCache.set(pe, c);
  }
  return c;
}

function canonicalUncached(pe: string): string {
  const p = parseElement(pe);
  switch (p.type) {
    case 'key':
      return keyElement(p.fields);
    case 'value':
      return valueElement(p.value);
    case 'index':
      return indexElement(p.index);
    default:
      return pe;
  }
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function valueRank(v: JsonValue): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (isJsonObject(v)) return 4;
  return 5;
}

/** Orders JSON values as structured-merge-diff does. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return cmpStr(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i] as JsonValue, b[i] as JsonValue);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (isJsonObject(a) && isJsonObject(b)) return compareFieldLists(sortedEntries(a), sortedEntries(b));
  return 0;
}

function sortedEntries(o: JsonObject): [string, JsonValue][] {
  return Object.entries(o).sort((x, y) => cmpStr(x[0], y[0]));
}

function compareFieldLists(a: readonly [string, JsonValue][], b: readonly [string, JsonValue][]): number {
  for (let i = 0; ; i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y) return x ? 1 : y ? -1 : 0;
    const c = cmpStr(x[0], y[0]) || compareValues(x[1], y[1]);
    if (c !== 0) return c;
  }
}

/** Orders path element strings as structured-merge-diff orders path elements. */
export function compareElements(a: string, b: string): number {
  if (a === b) return 0;
  const fa = a.startsWith('f:');
  const fb = b.startsWith('f:');
  if (fa && fb) return cmpStr(a, b);
  const pa = parseElement(a);
  const pb = parseElement(b);
  if (pa.type !== pb.type) return TYPE_RANK[pa.type] - TYPE_RANK[pb.type];
  if (pa.type === 'key' && pb.type === 'key') return compareFieldLists(pa.fields, pb.fields);
  if (pa.type === 'value' && pb.type === 'value') return compareValues(pa.value, pb.value);
  if (pa.type === 'index' && pb.type === 'index') return pa.index - pb.index;
  return 0;
}

/** A value as structured-merge-diff prints it in paths (`"app"`, `80`, `true`). */
function printValue(v: JsonValue): string {
  if (Array.isArray(v)) return `[${v.map(printValue).join(',')}]`;
  if (isJsonObject(v)) return sortedEntries(v).map(([k, x]) => `${k}=${printValue(x)}`).join('');
  return JSON.stringify(v);
}

/** One path element as the API server prints it in conflicts: `.image`, `[name="app"]`, `[="x"]`, `[0]`. */
export function elementToString(pe: string): string {
  if (pe.startsWith('f:')) return `.${pe.slice(2)}`;
  const p = parseElement(pe);
  switch (p.type) {
    case 'key':
      return `[${p.fields.map(([n, v]) => `${n}=${printValue(v)}`).join(',')}]`;
    case 'value':
      return `[=${printValue(p.value)}]`;
    case 'index':
      return `[${p.index}]`;
    default:
      return `.${p.name}`;
  }
}

/** A whole path as the API server prints it: `.spec.template.spec.containers[name="app"].image`. */
export function pathToString(path: readonly string[]): string {
  return path.map(elementToString).join('');
}
