/**
 * What the apply walk asks of a schema node, worked out once per node: the shape and type check of each
 * kind of value, the fields of a struct or map, the facts of list items and list-map keys.
 *
 * Schema nodes are objects of many hidden classes (optional facts are absent, not undefined), so every
 * `s.kind` / `s.listType` read in a hot loop is a megamorphic property load, and every cache keyed by
 * node is a WeakMap lookup. {@link Facts} objects all have one class, and a node's facts reach its
 * children's facts by plain fields: after the first apply to a kind, walking an object costs no schema
 * lookups at all. Everything here is derived from the schema alone (never from data), so it is shared by
 * every call, like the schema itself.
 */
import type { JsonObject, JsonValue } from '../../object.js';
import { isJsonObject } from '../../object.js';
import type { SchemaNode } from '../../schema/types.js';
import type { KeyFacts, Schema, Shape } from './shape.js';
import { ItemKeyError, LEAF, LIST, MAP, childSchema, itemElement, itemSchema, keyFacts, keyOf } from './shape.js';

/** {@link configShape}'s answer for a value of the wrong type. */
export const BAD = -1;

/** Facts of one schema node (or of "untyped": no schema). */
export class Facts {
  readonly schema: Schema;
  /** {@link shapeOf} of a null or missing value, of an array, of a map, of a scalar. */
  readonly nilShape: Shape;
  readonly arrShape: Shape;
  readonly objShape: Shape;
  /** {@link configShape} of an array, a map, a string, a number, a boolean ({@link BAD}: wrong type). */
  readonly arrConfig: number;
  readonly objConfig: number;
  readonly strConfig: number;
  readonly numConfig: number;
  readonly boolConfig: number;
  /** A list-map (items keyed by fields) rather than a set (items are their value). */
  readonly keyed: boolean;
  /** The node is a struct: declared fields are not members when they hold non-empty values. */
  readonly struct: boolean;
  #fields?: FieldIndex;
  #items?: Facts;
  #keys?: KeyFacts;
  /** Path elements of list-map items by the values of their key fields (see {@link Facts.keyedElement}). */
  #itemPEs?: Map<string | number, string>;

  constructor(s: Schema) {
    this.schema = s;
    const kind = s?.kind;
    const shapes = shapesOf(s);
    this.nilShape = shapes.nil;
    this.arrShape = shapes.arr;
    this.objShape = shapes.obj;
    this.arrConfig = kind === 'struct' || kind === 'map' || kind === 'scalar' ? BAD : shapes.arr;
    this.objConfig = kind === 'list' || kind === 'scalar' ? BAD : shapes.obj;
    const scalars = scalarConfigs(s);
    this.strConfig = scalars.str;
    this.numConfig = scalars.num;
    this.boolConfig = scalars.bool;
    this.keyed = kind === 'list' && s?.listType === 'map';
    this.struct = kind === 'struct';
  }

  /** The fields of a struct or map node (an empty index for other nodes). */
  get fields(): FieldIndex {
    return (this.#fields ??= new FieldIndex(this));
  }

  /** Facts of the items of a list node (untyped for other nodes). */
  get items(): Facts {
    return (this.#items ??= factsOf(itemSchema(this.schema)));
  }

  /** Key facts of a list-map node. */
  get keys(): KeyFacts {
    return (this.#keys ??= keyFacts(this.schema as SchemaNode));
  }

  /**
   * The path element of a list-map item, remembered by the values of its key fields when they are all
   * strings or numbers (internalized, so that looking it up in a field set needs no string-table lookup):
   * the same names (containers, env variables, ports, volumes) come back on every apply. Undefined when
   * some key field is missing or of another type.
   */
  keyedElement(item: JsonObject): string | undefined {
    const kf = this.keys;
    const keys = kf.keys;
    let id: string | number;
    if (keys.length === 1) {
      const v = item[keys[0] as string];
      if (typeof v !== 'string' && typeof v !== 'number') return undefined;
      id = v;
    } else {
      // Each value tagged with its type (80 and "80" differ); strings by length, so ids cannot collide.
      id = '';
      for (const k of keys) {
        const v = item[k];
        if (typeof v === 'string') id += `s${v.length}:${v}`;
        else if (typeof v === 'number') id += `n${v};`;
        else return undefined;
      }
    }
    const cache = (this.#itemPEs ??= new Map());
    let pe = cache.get(id);
    if (pe === undefined) {
      pe = internalized(keyOf(kf, item));
      if (cache.size >= INTERN_LIMIT) cache.clear();
      cache.set(id, pe);
    }
    return pe;
  }
}

/** {@link shapeOf} of a null or missing value, an array and a map under a schema. */
function shapesOf(s: Schema): { nil: Shape; arr: Shape; obj: Shape } {
  const kind = s?.kind;
  if (kind === undefined || kind === 'untyped') return { nil: LEAF, arr: LEAF, obj: MAP };
  if (kind === 'struct' || kind === 'map') {
    const granular = s?.mapType !== 'atomic';
    return { nil: granular ? MAP : LEAF, arr: LEAF, obj: granular ? MAP : LEAF };
  }
  const associative = kind === 'list' && (s?.listType === 'set' || s?.listType === 'map');
  return { nil: associative ? LIST : LEAF, arr: associative ? LIST : LEAF, obj: LEAF };
}

/** {@link configShape} of a string, a number and a boolean under a schema. */
function scalarConfigs(s: Schema): { str: number; num: number; bool: number } {
  const kind = s?.kind;
  if (kind === undefined || kind === 'untyped') return { str: LEAF, num: LEAF, bool: LEAF };
  if (kind !== 'scalar') return { str: BAD, num: BAD, bool: BAD };
  const t = s?.scalar;
  const any = t === undefined || t === 'any';
  return {
    str: any || t === 'string' || t === 'int-or-string' ? LEAF : BAD,
    num: any || t === 'integer' || t === 'number' || t === 'int-or-string' ? LEAF : BAD,
    bool: any || t === 'boolean' ? LEAF : BAD,
  };
}

/** A field of a map as the walk sees it. */
export interface FieldFact {
  /** Path element, `f:<name>`. */
  readonly pe: string;
  readonly facts: Facts;
  /** A declared field of a struct (not a map key or unknown field). */
  readonly declared: boolean;
}

/** How many data-derived path elements (map keys, list item keys) one schema node remembers. */
const INTERN_LIMIT = 512;

/** The same string, internalized: property lookups with it then need no string-table lookup. */
function internalized(s: string): string {
  return Object.keys({ [s]: 0 })[0] as string;
}

/**
 * The fields of one node, by name: facts of declared struct fields (schema-derived) and of map keys and
 * unknown fields (data, but the same keys come back on every apply) are built on first use and kept, at
 * most {@link INTERN_LIMIT} plus the declared fields (all dropped and rebuilt on demand beyond that).
 */
export class FieldIndex {
  readonly #owner: Facts;
  readonly #facts = new Map<string, FieldFact>();
  readonly #names: ReadonlySet<string>;
  /** Facts of every value of a map node, of unknown fields of a struct. */
  #other?: Facts;

  constructor(owner: Facts) {
    this.#owner = owner;
    const s = owner.schema;
    this.#names = new Set(s !== undefined && s.kind === 'struct' ? s.fieldNames() : []);
  }

  get(name: string): FieldFact {
    let f = this.#facts.get(name);
    if (f !== undefined) return f;
    const s = this.#owner.schema;
    const declared = s !== undefined && s.kind === 'struct' && this.#names.has(name);
    f = { pe: internalized(`f:${name}`), facts: declared ? factsOf(childSchema(s, name)) : this.other(name), declared };
    if (this.#facts.size >= INTERN_LIMIT + this.#names.size) this.#facts.clear();
    this.#facts.set(name, f);
    return f;
  }

  private other(name: string): Facts {
    const s = this.#owner.schema;
    if (s === undefined || s.kind !== 'map') return s === undefined ? UNTYPED : factsOf(childSchema(s, name));
    return (this.#other ??= factsOf(childSchema(s, '')));
  }
}

const cache = new WeakMap<SchemaNode, Facts>();
const UNTYPED = new Facts(undefined);

/** The facts of a schema node (shared per node; {@link UNTYPED} for none). */
export function factsOf(s: Schema): Facts {
  if (s === undefined) return UNTYPED;
  let f = cache.get(s);
  if (f === undefined) {
    f = new Facts(s);
    cache.set(s, f);
  }
  return f;
}

/** {@link shapeOf} by facts. */
export function shapeBy(f: Facts, v: JsonValue | undefined): Shape {
  if (v === null || v === undefined) return f.nilShape;
  if (typeof v !== 'object') return LEAF;
  return Array.isArray(v) ? f.arrShape : f.objShape;
}

/** {@link configShape} by facts, for a value that is not null. */
export function configShapeBy(f: Facts, v: JsonValue): number {
  switch (typeof v) {
    case 'string':
      return f.strConfig;
    case 'number':
      return f.numConfig;
    case 'boolean':
      return f.boolConfig;
    default:
      return Array.isArray(v) ? f.arrConfig : f.objConfig;
  }
}

/** {@link itemElement} by facts (`f`: the list's). */
export function itemElementBy(f: Facts, item: JsonValue): string {
  if (!f.keyed) return itemElement(f.schema as SchemaNode, item);
  if (!isJsonObject(item)) {
    throw new ItemKeyError(item === null ? 'associative list with keys may not have a null element' : 'associative list with keys may not have non-map elements');
  }
  return f.keyedElement(item) ?? keyOf(f.keys, item);
}
