/**
 * A set of field paths, the unit of ownership in server-side apply, with the FieldsV1 encoding the API
 * server stores in `metadata.managedFields[].fieldsV1`.
 *
 * A set is a tree: at each level `members` holds the path elements that are themselves in the set and
 * `children` the sets below a path element. A path element can be both (FieldsV1 marks that with a `"."`
 * key). Children are never empty. Path elements are the canonical strings of `pathelement.ts`.
 *
 * Operations never mutate their operands except `insert` (and `addMember`/`attachChild` used while
 * building); results may share unchanged subtrees with operands, so treat sets as immutable once built.
 */
import type { JsonObject, JsonValue } from '../../object.js';
import { isJsonObject } from '../../object.js';
import { canonicalElement, compareElements, goJson, pathToString, quoteElement } from './pathelement.js';
import type { RawNode } from './rawset.js';
import { rawSubsetSize as rawSubsetSizeRaw } from './rawset.js';

const EMPTY_MEMBERS: ReadonlySet<string> = new Set();
/** Placeholders a lazy set is constructed with (replaced at once: never read). */
const LAZY_MEMBERS = new Set<string>();
const LAZY_CHILDREN = new Map<string, FieldSet>();

/** A set of field paths. */
export class FieldSet {
  private m?: Set<string>;
  private c?: Map<string, FieldSet>;
  /** The FieldsV1 object this set was read from, until it is decoded (see {@link FieldSet.lazy}). */
  private raw?: JsonObject;
  /** True while `raw` belongs to this set alone and may be handed out once (see {@link FieldSet.takeFieldsV1}). */
  private owned = false;
  /** The number of paths of `raw`, when known. */
  private rawSize?: number;

  constructor(members?: Set<string>, children?: Map<string, FieldSet>) {
    this.m = members ?? new Set();
    this.c = children ?? new Map();
  }

  /**
   * A set over a FieldsV1 object that is only decoded when its members are needed: intersections with
   * small sets, subset tests, emptiness and re-encoding work on the object directly. The object must be
   * canonical (as this module writes it) and is not copied: do not mutate it. Malformed content throws
   * when the set is first decoded. `owned`: the object belongs to the set, which may hand it out once
   * ({@link FieldSet.takeFieldsV1}); `size`: its number of paths, when the caller counted them.
   */
  static lazy(raw: JsonObject, opts: { owned?: boolean; size?: number } = {}): FieldSet {
    const s = new FieldSet(LAZY_MEMBERS, LAZY_CHILDREN);
    s.m = undefined;
    s.c = undefined;
    s.raw = raw;
    s.owned = opts.owned ?? false;
    s.rawSize = opts.size;
    return s;
  }

  private decode(): void {
    const raw = this.raw as JsonObject;
    this.m = new Set();
    this.c = new Map();
    decodeInto(raw, this, 64);
    this.raw = undefined;
    this.owned = false;
  }

  /** Path elements that are themselves in the set, at this level. */
  get members(): Set<string> {
    if (this.m === undefined) this.decode();
    return this.m as Set<string>;
  }

  /** Sets below path elements, at this level (never empty). */
  get children(): Map<string, FieldSet> {
    if (this.c === undefined) this.decode();
    return this.c as Map<string, FieldSet>;
  }

  /** A set holding the given paths. */
  static of(paths: readonly (readonly string[])[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** True when the set holds no path. */
  isEmpty(): boolean {
    if (this.raw) {
      for (const k in this.raw) if (k !== '.') return false;
      return true;
    }
    return this.members.size === 0 && this.children.size === 0;
  }

  /** Adds a path (the empty path, the whole object, is never tracked and is ignored). */
  insert(path: readonly string[]): void {
    if (path.length === 0) return;
    let node = this as FieldSet;
    for (let i = 0; i < path.length - 1; i++) {
      const pe = path[i] as string;
      let next = node.children.get(pe);
      if (!next) {
        next = new FieldSet();
        node.children.set(pe, next);
      }
      node = next;
    }
    node.members.add(path[path.length - 1] as string);
  }

  /** True when the exact path is in the set. */
  has(path: readonly string[]): boolean {
    if (path.length === 0) return false;
    let node = this as FieldSet | undefined;
    for (let i = 0; i < path.length - 1 && node; i++) node = node.children.get(path[i] as string);
    return node?.members.has(path[path.length - 1] as string) ?? false;
  }

  /** The set below one path element (paths relative to it); empty when none. */
  withPrefix(pe: string): FieldSet {
    return this.children.get(pe) ?? EMPTY;
  }

  /** Paths in either set. */
  union(other: FieldSet): FieldSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    const members = new Set(this.members);
    for (const m of other.members) members.add(m);
    const children = new Map(this.children);
    for (const [pe, c] of other.children) {
      const mine = children.get(pe);
      children.set(pe, mine ? mine.union(c) : c);
    }
    return new FieldSet(members, children);
  }

  /** Paths in this set and not in `other` (a member of `other` does not remove what lies below it). */
  difference(other: FieldSet): FieldSet {
    if (other.isEmpty() || this.isEmpty()) return this;
    let members: Set<string> = this.members;
    if (other.members.size > 0) {
      members = new Set();
      for (const m of this.members) if (!other.members.has(m)) members.add(m);
    }
    const children = new Map<string, FieldSet>();
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      const d = o ? c.difference(o) : c;
      if (!d.isEmpty()) children.set(pe, d);
    }
    return new FieldSet(members === this.members ? new Set(members) : members, children);
  }

  /** Paths in both sets. */
  intersection(other: FieldSet): FieldSet {
    if (other.raw) return this.raw ? intersectRaw(this.decoded(), other.raw) : intersectRaw(this, other.raw);
    if (this.raw) return intersectRaw(other, this.raw);
    const members = new Set<string>();
    const small = this.members.size <= other.members.size ? this.members : other.members;
    const big = small === this.members ? other.members : this.members;
    for (const m of small) if (big.has(m)) members.add(m);
    const children = new Map<string, FieldSet>();
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      if (!o) continue;
      const i = c.intersection(o);
      if (!i.isEmpty()) children.set(pe, i);
    }
    return new FieldSet(members, children);
  }

  /** The number of paths of this set when all are in `other`, else -1 (one walk for subset and size). */
  subsetSize(other: FieldSet): number {
    if (this.raw) return rawSubsetSize(this.raw, other);
    return this.isSubsetOf(other) ? this.size() : -1;
  }

  /** True when every path of this set is in `other`. */
  isSubsetOf(other: FieldSet): boolean {
    if (this.raw) return rawSubsetOf(this.raw, other);
    for (const m of this.members) if (!other.members.has(m)) return false;
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      if (!o || !c.isSubsetOf(o)) return false;
    }
    return true;
  }

  /** True when both sets hold the same paths. */
  equals(other: FieldSet): boolean {
    if (this === other) return true;
    if (this.raw || other.raw) return this.isSubsetOf(other) && this.size() === other.size();
    if (this.members.size !== other.members.size || this.children.size !== other.children.size) return false;
    for (const m of this.members) if (!other.members.has(m)) return false;
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      if (!o || !c.equals(o)) return false;
    }
    return true;
  }

  /** Every path, in the API server's order (at each level members first, then children, each sorted). */
  paths(): string[][] {
    const out: string[][] = [];
    this.collectPaths([], out);
    return out;
  }

  private collectPaths(prefix: string[], out: string[][]): void {
    for (const m of [...this.members].sort(compareElements)) out.push([...prefix, m]);
    for (const pe of [...this.children.keys()].sort(compareElements)) {
      (this.children.get(pe) as FieldSet).collectPaths([...prefix, pe], out);
    }
  }

  /** Number of paths in the set. */
  size(): number {
    if (this.raw) return (this.rawSize ??= rawSize(this.raw));
    let n = this.members.size;
    for (const c of this.children.values()) n += c.size();
    return n;
  }

  /** Paths printed the API server's way (`.spec.replicas`), one per entry. */
  toStrings(): string[] {
    return this.paths().map(pathToString);
  }

  /**
   * The FieldsV1 JSON text, byte for byte as the API server writes it: keys sorted by path element
   * order, `"."` first where a path element is both a member and a parent, Go's HTML escaping.
   */
  toFieldsV1Json(): string {
    if (this.raw) return goJson(JSON.stringify(this.raw));
    return `{${this.emitV1(false)}}`;
  }

  /** The FieldsV1 value as a JSON object (key order as in {@link toFieldsV1Json}). */
  toFieldsV1(): JsonObject {
    if (this.raw) return copyRaw(this.raw);
    return this.buildV1(false);
  }

  /**
   * {@link toFieldsV1}, except that a lazy set built over an object it owns (`FieldSet.lazy(raw, {owned:
   * true})`) hands that object out instead of a copy, the first time only. The set must not be used after
   * the object it handed out is changed.
   */
  takeFieldsV1(): JsonObject {
    if (this.raw && this.owned) {
      this.owned = false;
      return this.raw;
    }
    return this.toFieldsV1();
  }

  /**
   * {@link toFieldsV1}, except that a lazy set not yet decoded hands out the object it is over (its own or
   * the caller's, see {@link FieldSet.lazy}) instead of a copy: the result may be shared with the input the
   * set was read from, and neither may be mutated afterwards.
   */
  sharedFieldsV1(): JsonObject {
    if (this.raw) {
      this.owned = false;
      return this.raw;
    }
    return this.buildV1(false);
  }

  /** The FieldsV1 object a lazy set is over while it is not decoded (canonical; do not mutate it). */
  undecodedFieldsV1(): JsonObject | undefined {
    return this.raw;
  }

  /** {@link subsetSize} against a FieldsV1 object (canonical, as this module writes it) instead of a set. */
  subsetSizeIn(raw: JsonObject): number {
    if (this.raw) return rawSubsetSizeRaw(this.raw as unknown as RawNode, raw as unknown as RawNode);
    let n = 0;
    for (const m of this.members) {
      const v = raw[m];
      if (!isJsonObject(v) || !rawIsMember(v)) return -1;
      n++;
    }
    for (const [pe, c] of this.children) {
      const v = raw[pe];
      if (!isJsonObject(v)) return -1;
      const k = c.subsetSizeIn(v);
      if (k < 0) return -1;
      n += k;
    }
    return n;
  }

  private decoded(): FieldSet {
    if (this.raw) this.decode();
    return this;
  }

  private sortedElements(): string[] {
    const all = [...this.members];
    for (const pe of this.children.keys()) if (!this.members.has(pe)) all.push(pe);
    return all.sort(compareElements);
  }

  private emitV1(includeSelf: boolean): string {
    const parts: string[] = includeSelf ? ['".":{}'] : [];
    for (const pe of this.sortedElements()) {
      const c = this.children.get(pe);
      parts.push(c ? `${quoteElement(pe)}:{${c.emitV1(this.members.has(pe))}}` : `${quoteElement(pe)}:{}`);
    }
    return parts.join(',');
  }

  private buildV1(includeSelf: boolean): JsonObject {
    const out: JsonObject = {};
    if (includeSelf) out['.'] = {};
    for (const pe of this.sortedElements()) {
      const c = this.children.get(pe);
      out[pe] = c ? c.buildV1(this.members.has(pe)) : {};
    }
    return out;
  }

  /**
   * Decodes a FieldsV1 value (the JSON object, or its text). Throws an Error naming the offending key
   * when it is malformed. Key path elements written with other spacing or key order are canonicalised.
   */
  static fromFieldsV1(v: JsonValue | string, limits: { maxDepth?: number } = {}): FieldSet {
    const obj = typeof v === 'string' ? (JSON.parse(v) as JsonValue) : v;
    if (!isJsonObject(obj)) throw new Error('fieldsV1 must be a JSON object');
    const s = new FieldSet();
    decodeInto(obj, s, limits.maxDepth ?? 64);
    return s;
  }
}

const EMPTY = new FieldSet(EMPTY_MEMBERS as Set<string>);

function copyRaw(o: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k in o) out[k] = copyRaw(o[k] as JsonObject);
  return out;
}

/** Whether a FieldsV1 value marks its own path as a member: `{}` or a `"."` key. */
function rawIsMember(v: JsonObject): boolean {
  if ('.' in v) return true;
  for (const _ in v) return false;
  return true;
}

function rawHasChildren(v: JsonObject): boolean {
  for (const k in v) if (k !== '.') return true;
  return false;
}

function rawSize(o: JsonObject): number {
  let n = 0;
  for (const k in o) {
    if (k === '.') continue;
    const v = o[k] as JsonObject;
    if (rawIsMember(v)) n++;
    if (rawHasChildren(v)) n += rawSize(v);
  }
  return n;
}

function rawSubsetSize(raw: JsonObject, other: FieldSet): number {
  let n = 0;
  for (const k in raw) {
    if (k === '.') continue;
    const v = raw[k] as JsonObject;
    let member = false;
    let children = false;
    for (const kk in v) {
      if (kk === '.') member = true;
      else children = true;
    }
    if (!children) member = true;
    if (member) {
      if (!other.members.has(k)) return -1;
      n++;
    }
    if (children) {
      const o = other.children.get(k);
      if (!o) return -1;
      const c = rawSubsetSize(v, o);
      if (c < 0) return -1;
      n += c;
    }
  }
  return n;
}

function rawSubsetOf(raw: JsonObject, other: FieldSet): boolean {
  for (const k in raw) {
    if (k === '.') continue;
    const v = raw[k] as JsonObject;
    if (rawIsMember(v) && !other.members.has(k)) return false;
    if (rawHasChildren(v)) {
      const o = other.children.get(k);
      if (!o || !rawSubsetOf(v, o)) return false;
    }
  }
  return true;
}

/** The paths of `s` that the FieldsV1 object `raw` also holds (walks `s`, so cheap for small `s`). */
function intersectRaw(s: FieldSet, raw: JsonObject): FieldSet {
  const members = new Set<string>();
  for (const m of s.members) {
    const v = raw[m];
    if (isJsonObject(v) && rawIsMember(v)) members.add(m);
  }
  const children = new Map<string, FieldSet>();
  for (const [pe, c] of s.children) {
    const v = raw[pe];
    if (!isJsonObject(v) || !rawHasChildren(v)) continue;
    const i = intersectRaw(c, v);
    if (!i.isEmpty()) children.set(pe, i);
  }
  return new FieldSet(members, children);
}

function decodeInto(obj: JsonObject, into: FieldSet, depth: number): void {
  if (depth <= 0) throw new Error('fieldsV1 nested too deeply');
  for (const key of Object.keys(obj)) {
    if (key === '.') continue;
    const val = obj[key];
    if (!isJsonObject(val)) throw new Error(`fieldsV1 value of ${JSON.stringify(key)} must be an object`);
    const pe = canonicalElement(key);
    let nonEmpty = false;
    for (const k in val) {
      if (k !== '.') {
        nonEmpty = true;
        break;
      }
    }
    if (!nonEmpty) {
      into.members.add(pe);
      continue;
    }
    const child = new FieldSet();
    decodeInto(val, child, depth - 1);
    if ('.' in val) into.members.add(pe);
    into.children.set(pe, child);
  }
}
