/**
 * How server-side apply sees a value under a schema node: a leaf (scalar, atomic list or map, or a value
 * whose type does not match the schema), a granular map (struct or map), or an associative list (set or
 * list-map). `undefined` schema means untyped: maps granular, lists atomic (structured-merge-diff's
 * "deduced" type).
 */
import type { JsonObject, JsonValue } from '../../object.js';
import { isJsonObject } from '../../object.js';
import type { SchemaNode } from '../../schema/types.js';
import { goQuote, goValueJson, valueElement } from './pathelement.js';

export const LEAF = 0;
export const MAP = 1;
export const LIST = 2;
export type Shape = typeof LEAF | typeof MAP | typeof LIST;

/** A schema, or undefined for untyped. */
export type Schema = SchemaNode | undefined;

/** What the apply walk needs to know of a field: its path element, its schema, whether the struct declares it. */
export interface FieldFacts {
  readonly pe: string;
  readonly schema: Schema;
  readonly declared: boolean;
}

/**
 * The fields of one schema node, for looking up many names: facts of declared struct fields are built
 * once per schema node and kept (they are schema-derived, so every call shares them); map keys and
 * unknown fields are data and are not kept.
 */
export class FieldTable {
  readonly #s: Schema;
  readonly #declared: ReadonlySet<string>;
  readonly #facts = new Map<string, FieldFacts>();
  /** The schema of every value of a map node (undefined for structs and untyped). */
  readonly #values: Schema;

  constructor(s: Schema, declared: ReadonlySet<string>) {
    this.#s = s;
    this.#declared = declared;
    this.#values = s !== undefined && s.kind === 'map' ? childSchema(s, '') : undefined;
  }

  /** {@link childSchema}, {@link isDeclaredField} and the field's path element in one lookup. */
  get(name: string): FieldFacts {
    const f = this.#facts.get(name);
    if (f !== undefined) return f;
    const s = this.#s;
    if (s === undefined || s.kind !== 'struct') return { pe: `f:${name}`, schema: s?.kind === 'map' ? this.#values : childSchema(s, name), declared: false };
    const declared = this.#declared.has(name);
    const facts = { pe: `f:${name}`, schema: childSchema(s, name), declared };
    if (declared) this.#facts.set(name, facts);
    return facts;
  }
}

interface NodeInfo {
  fields: ReadonlySet<string>;
  table?: FieldTable;
  /** Item schema of a list node, once looked up (null: untyped). */
  items?: Schema | null;
}
const infoCache = new WeakMap<SchemaNode, NodeInfo>();

function info(s: SchemaNode): NodeInfo {
  let i = infoCache.get(s);
  if (!i) {
    i = { fields: new Set(s.kind === 'struct' ? s.fieldNames() : []) };
    infoCache.set(s, i);
  }
  return i;
}

const UNTYPED_TABLE = new FieldTable(undefined, new Set());

/** The {@link FieldTable} of a schema node (shared per node). */
export function fieldTable(s: Schema): FieldTable {
  if (s === undefined) return UNTYPED_TABLE;
  const i = info(s);
  return (i.table ??= new FieldTable(s, i.fields));
}

/** {@link FieldTable.get} of one field. */
export function fieldFacts(s: Schema, name: string): FieldFacts {
  return fieldTable(s).get(name);
}

/** {@link itemSchema}, cached per schema node. */
export function itemSchemaCached(s: Schema): Schema {
  if (s === undefined || s.kind !== 'list') return undefined;
  const i = info(s);
  if (i.items === undefined) i.items = itemSchema(s) ?? null;
  return i.items ?? undefined;
}

/** True when `name` is a declared field of a struct schema (not a map key or unknown field). */
export function isDeclaredField(s: Schema, name: string): boolean {
  return s !== undefined && s.kind === 'struct' && info(s).fields.has(name);
}

/** Schema of a field or map value; undefined (untyped) when unknown. */
export function childSchema(s: Schema, name: string): Schema {
  if (s === undefined || (s.kind !== 'struct' && s.kind !== 'map')) return undefined;
  const c = s.field(name);
  return c === undefined || c.kind === 'untyped' ? undefined : c;
}

/** Schema of list items; undefined (untyped) when unknown. */
export function itemSchema(s: Schema): Schema {
  if (s === undefined || s.kind !== 'list') return undefined;
  const c = s.items();
  return c === undefined || c.kind === 'untyped' ? undefined : c;
}

/** The shape of a value (null/undefined allowed: they take the schema's shape). */
export function shapeOf(s: Schema, v: JsonValue | undefined): Shape {
  if (s === undefined) return isJsonObject(v) ? MAP : LEAF;
  switch (s.kind) {
    case 'struct':
    case 'map':
      if (s.mapType === 'atomic') return LEAF;
      return v === null || v === undefined || isJsonObject(v) ? MAP : LEAF;
    case 'list':
      if (s.listType !== 'set' && s.listType !== 'map') return LEAF;
      return v === null || v === undefined || Array.isArray(v) ? LIST : LEAF;
    case 'untyped':
      return isJsonObject(v) ? MAP : LEAF;
    default:
      return LEAF;
  }
}

/**
 * Defaults of list-map key fields that the API server's schema carries (OpenAPI `default`) but the 1.21
 * definitions Lockstep ships lack: `protocol` of container and service ports defaults to TCP.
 */
const KEY_DEFAULTS: Readonly<Record<string, JsonValue>> = { protocol: 'TCP' };

function keyDefault(itemS: Schema, key: string): JsonValue | undefined {
  const field = itemS?.field(key) as (SchemaNode & { default?: JsonValue }) | undefined;
  if (field?.default !== undefined) return field.default;
  return KEY_DEFAULTS[key];
}

/** The key fields of a list-map schema node, as item keys are built from them. */
export interface KeyFacts {
  keys: readonly string[];
  /** Default of each key field (undefined: none). */
  defaults: readonly (JsonValue | undefined)[];
  /** Indices of `keys` in path element order (by name). */
  order: readonly number[];
  /** Each key name as a JSON string. */
  quoted: readonly string[];
}
const keyFactsCache = new WeakMap<SchemaNode, KeyFacts>();

/** The {@link KeyFacts} of a list schema node (cached per node). */
export function keyFacts(s: SchemaNode): KeyFacts {
  let f = keyFactsCache.get(s);
  if (!f) {
    const keys = s.listMapKeys ?? [];
    const itemS = itemSchema(s);
    const order = keys.map((_, i) => i).sort((a, b) => ((keys[a] as string) < (keys[b] as string) ? -1 : (keys[a] as string) > (keys[b] as string) ? 1 : 0));
    f = { keys, defaults: keys.map((k) => keyDefault(itemS, k)), order, quoted: keys.map((k) => goQuote(k)) };
    keyFactsCache.set(s, f);
  }
  return f;
}

/** True when an item of an associative list (`s` the list schema) has a path element ({@link itemElement} would not throw). */
export function hasItemKey(s: SchemaNode, item: JsonValue): boolean {
  return s.listType === 'map' ? hasKeyWith(keyFacts(s), item) : item !== null && typeof item !== 'object';
}

/** {@link hasItemKey} of a list-map item, given the list's key facts. */
export function hasKeyWith(kf: KeyFacts, item: JsonValue): boolean {
  if (!isJsonObject(item)) return false;
  const { keys, defaults } = kf;
  for (let i = 0; i < keys.length; i++) if (item[keys[i] as string] !== undefined || defaults[i] !== undefined) return true;
  return false;
}

function sameKeyValue(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return goValueJson(a) === goValueJson(b);
}

/**
 * True when two items that have path elements ({@link hasItemKey}) have the same one, without building
 * the strings: key fields (or their defaults) compared by value.
 */
export function sameItemKey(s: SchemaNode, a: JsonValue, b: JsonValue): boolean {
  return s.listType === 'map' ? sameKeyWith(keyFacts(s), a, b) : a === b;
}

/** {@link sameItemKey} of two list-map items, given the list's key facts. */
export function sameKeyWith(kf: KeyFacts, a: JsonValue, b: JsonValue): boolean {
  const { keys, defaults } = kf;
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const d = defaults[i];
    // A null key value is a value (only a missing one takes the default).
    const av = ao[k] !== undefined ? ao[k] : d;
    const bv = bo[k] !== undefined ? bo[k] : d;
    if (!sameKeyValue(av, bv)) return false;
  }
  return true;
}

let memo: Map<JsonObject, string> | undefined;

/**
 * Runs `fn` with list-map item keys remembered by item object: one apply keys the same live, applied and
 * merged items several times (field set, merge, compare, prune). Only for the duration of `fn`, during
 * which the values walked must not be mutated.
 */
export function withItemKeyMemo<T>(fn: () => T): T {
  if (memo) return fn();
  memo = new Map();
  try {
    return fn();
  } finally {
    memo = undefined;
  }
}

/** Why an item has no path element. */
export class ItemKeyError extends Error {}

/**
 * The path element of an item of an associative list (`s` is the list schema): `k:{…}` for list-maps
 * (missing key fields take their default or are left out; at least one must be there), `v:…` for sets.
 */
export function itemElement(s: SchemaNode, item: JsonValue): string {
  if (s.listType === 'map') {
    if (!isJsonObject(item)) {
      throw new ItemKeyError(item === null ? 'associative list with keys may not have a null element' : 'associative list with keys may not have non-map elements');
    }
    if (!memo) return keyOf(keyFacts(s), item);
    let pe = memo.get(item);
    if (pe === undefined) {
      pe = keyOf(keyFacts(s), item);
      memo.set(item, pe);
    }
    return pe;
  }
  if (item === null) throw new ItemKeyError("associative list without keys has an element that's an explicit null");
  if (Array.isArray(item)) throw new ItemKeyError('not supported: associative list with lists as elements');
  if (isJsonObject(item)) throw new ItemKeyError("associative list without keys has an element that's a map type");
  return valueElement(item);
}

/** `k:{…}` of a list-map item: key fields (or their defaults) by name, as {@link keyElement} writes them. */
export function keyOf(kf: KeyFacts, item: JsonObject): string {
  const { keys, defaults, order, quoted } = kf;
  let fields = '';
  for (const i of order) {
    let v = item[keys[i] as string];
    if (v === undefined) v = defaults[i];
    if (v === undefined) continue;
    fields += `${fields === '' ? '' : ','}${quoted[i] as string}:${typeof v === 'string' ? goQuote(v) : goValueJson(v)}`;
  }
  if (fields === '') {
    throw new ItemKeyError(
      `associative list with keys has an element that omits all key fields ${JSON.stringify(keys)} (and doesn't have default values for any key fields)`,
    );
  }
  return `k:{${fields}}`;
}

/** Deep equality of JSON values: the project's one (`src/kube/object.ts`), re-exported for this engine. */
export { jsonEqual } from '../../object.js';

/** A deep copy of a JSON value. */
export function jsonCopy<T extends JsonValue>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(jsonCopy) as T;
  const out: JsonObject = {};
  for (const k in v) out[k] = jsonCopy(v[k] as JsonValue);
  return out as T;
}
