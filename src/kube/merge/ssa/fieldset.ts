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
import { canonicalElement, compareElements, goQuote, pathToString } from './pathelement.js';

const EMPTY_MEMBERS: ReadonlySet<string> = new Set();

/** A set of field paths. */
export class FieldSet {
  readonly members: Set<string>;
  readonly children: Map<string, FieldSet>;

  constructor(members?: Set<string>, children?: Map<string, FieldSet>) {
    this.members = members ?? new Set();
    this.children = children ?? new Map();
  }

  /** A set holding the given paths. */
  static of(paths: readonly (readonly string[])[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** True when the set holds no path. */
  isEmpty(): boolean {
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

  /** True when both sets hold the same paths. */
  equals(other: FieldSet): boolean {
    if (this === other) return true;
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
    return `{${this.emitV1(false)}}`;
  }

  /** The FieldsV1 value as a JSON object (key order as in {@link toFieldsV1Json}). */
  toFieldsV1(): JsonObject {
    return this.buildV1(false);
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
      parts.push(c ? `${goQuote(pe)}:{${c.emitV1(this.members.has(pe))}}` : `${goQuote(pe)}:{}`);
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
