/**
 * JSON Patch (RFC 6902) over JSON values, plus the small JSON helpers the other patch flavours share
 * (`cloneJson`, `jsonTypeOf`).
 *
 * By default behaviour follows the RFC strictly: array indices are `0` or digits without a leading
 * zero, `-` appends (only for `add`, and as the target of `move`/`copy`), `test` compares
 * structurally, `move` into its own child is rejected. kubectl and the API server are laxer in several
 * ways (see `compat: 'kubernetes'`, which reproduces them, checked against kubectl).
 *
 * The input document and the operations are never mutated; the result shares no structure with them.
 * On any error nothing partial is returned: a {@link JsonPatchError} (a MergeError) is thrown naming
 * the operation index and the path.
 */
import type { JsonObject, JsonValue } from '../object.js';
import { isJsonObject, jsonEqual } from '../object.js';
import { MergeError, MergeErrorCode } from './errors.js';

/** Limits on what a patch may ask for, so hostile input cannot exhaust memory. */
export interface JsonPatchOptions {
  /** At most this many operations (default 10 000). */
  maxOperations?: number;
  /** At most this many JSON nodes may be produced by `copy` operations in total (default 1 000 000). */
  maxCopiedNodes?: number;
  /**
   * `rfc6902` (default): the RFC, strictly. `kubernetes`: what kubectl and the API server accept
   * (their evanphx/json-patch v4): `replace` of a missing member adds it, `test` of a missing member
   * passes for `null`, `copy` of a missing member copies `null`, negative (`-1` = last; for add,
   * after the last) and signed or zero-padded indices, a missing `value` of add/replace is `null`,
   * pointers are not validated (a path without the leading `/` loses its first segment), and
   * `add`/`copy`/`move` cannot target or take the whole document. Checked against kubectl.
   */
  compat?: 'rfc6902' | 'kubernetes';
}

/** Defaults of {@link JsonPatchOptions}. */
export function defaultJsonPatchOptions(): Required<JsonPatchOptions> {
  return { maxOperations: 10_000, maxCopiedNodes: 1_000_000, compat: 'rfc6902' };
}

/** A MergeError raised by one JSON Patch operation; `opIndex` is its position in the patch (0-based). */
export class JsonPatchError extends MergeError {
  constructor(
    code: MergeErrorCode,
    path: string,
    readonly opIndex: number,
    message: string,
  ) {
    super(code, path, `json patch operation ${opIndex}: ${message}`);
  }
}

/** The JSON type of a value: `object`, `array`, `string`, `number`, `boolean` or `null`. */
export type JsonType = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

/** The JSON type of a value. */
export function jsonTypeOf(v: JsonValue): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  if (t === 'object') return 'object';
  return t as 'string' | 'number' | 'boolean';
}

/**
 * Sets a member of a JSON object. A `__proto__` key becomes an ordinary own member (plain assignment
 * would change the object's prototype instead).
 */
export function setMember(o: JsonObject, k: string, v: JsonValue): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** A deep copy of a JSON value (objects keep their key order). */
export function cloneJson<T extends JsonValue>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const arr: JsonValue[] = new Array<JsonValue>(v.length);
    for (let i = 0; i < v.length; i++) arr[i] = cloneJson(v[i] as JsonValue);
    return arr as T;
  }
  const out: JsonObject = {};
  for (const k of Object.keys(v)) {
    const x = cloneJson(v[k] as JsonValue);
    if (k === '__proto__') setMember(out, k, x);
    else out[k] = x;
  }
  return out as T;
}


function countNodes(v: JsonValue): number {
  if (v === null || typeof v !== 'object') return 1;
  let n = 1;
  for (const x of Array.isArray(v) ? v : Object.values(v)) n += countNodes(x);
  return n;
}

/**
 * Splits a JSON pointer (RFC 6901) into unescaped tokens; `''` is the root. Throws a MergeError
 * (invalidPatch) for a pointer that does not start with `/` or holds a bad `~` escape.
 */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new MergeError(MergeErrorCode.invalidPatch, pointer, `JSON pointer must start with "/"`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => {
      if (/~[^01]|~$/.test(raw)) {
        throw new MergeError(MergeErrorCode.invalidPatch, pointer, `bad "~" escape in JSON pointer token "${raw}"`);
      }
      return raw.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

const ops = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const;
type OpName = (typeof ops)[number];

interface Op {
  op: OpName;
  path: string;
  tokens: string[];
  from?: string;
  fromTokens?: string[];
  value?: JsonValue;
}

/** Thrown inside an operation, turned into a JsonPatchError with the op index by the caller. */
class OpFailure extends Error {
  constructor(
    readonly code: MergeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function fail(code: MergeErrorCode, message: string): never {
  throw new OpFailure(code, message);
}

/** Splits a pointer as kubectl's json-patch library does: no escape checks, first segment dropped. */
function lenientPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parseOp(raw: JsonValue, index: number, k8s: boolean): Op {
  const bad = (path: string, msg: string): never => {
    throw new JsonPatchError(MergeErrorCode.invalidPatch, path, index, msg);
  };
  if (!isJsonObject(raw)) return bad('', 'operation is not an object');
  const name = raw['op'];
  const path = raw['path'];
  if (typeof name !== 'string') return bad('', 'missing "op"');
  if (!(ops as readonly string[]).includes(name)) return bad(typeof path === 'string' ? path : '', `unknown op "${name}"`);
  if (typeof path !== 'string') return bad('', `"${name}" needs a string "path"`);
  const pointer = k8s ? lenientPointer : parsePointer;
  const op: Op = { op: name as OpName, path, tokens: [] };
  try {
    op.tokens = pointer(path);
    if (name === 'move' || name === 'copy') {
      const from = raw['from'];
      if (typeof from !== 'string') return bad(path, `"${name}" needs a string "from"`);
      op.from = from;
      op.fromTokens = pointer(from);
    }
  } catch (err) {
    if (err instanceof MergeError) return bad(err.path, err.message);
    throw err;
  }
  if (name === 'add' || name === 'replace' || name === 'test') {
    // kubectl's library reads a missing value as null for add and replace (and crashes for test).
    if (Object.hasOwn(raw, 'value')) op.value = raw['value'] as JsonValue;
    else if (k8s && name !== 'test') op.value = null;
    else return bad(path, `"${name}" needs a "value"`);
  }
  return op;
}

function isProperPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  return prefix.length < of.length && prefix.every((t, i) => t === of[i]);
}

/**
 * One application of a patch. In `kubernetes` mode it reproduces kubectl's and the API server's
 * json-patch library (evanphx/json-patch v4): negative and zero-padded indices, `replace` of a
 * missing member adds it, `test` of a missing member equals null, a missing add/replace `value` is null,
 * pointers are not validated, and the root cannot be the target of add, copy or move.
 */
class PatchRun {
  private copied = 0;
  constructor(
    private readonly k8s: boolean,
    private readonly maxCopied: number,
  ) {}

  /** Parses an array index token; `forAdd` accepts `-` and the length (append). */
  private index(arr: JsonValue[], token: string, forAdd: boolean): number {
    if (token === '-') {
      if (forAdd) return arr.length;
      return fail(MergeErrorCode.pathNotFound, `"-" names no existing array element`);
    }
    const syntax = this.k8s ? /^[+-]?[0-9]+$/ : /^(0|[1-9][0-9]*)$/;
    if (!syntax.test(token)) return fail(MergeErrorCode.invalidPatch, `"${token}" is not an array index`);
    let i = Number(token);
    const size = forAdd ? arr.length + 1 : arr.length;
    if (i < 0 && i >= -size) i += size;
    if (i < 0 || i >= size) return fail(MergeErrorCode.pathNotFound, `index ${token} is out of bounds (length ${arr.length})`);
    return i;
  }

  /** The container holding the last token of a path. */
  private parentOf(doc: JsonValue, tokens: readonly string[]): JsonValue {
    let cur = doc;
    for (let i = 0; i < tokens.length - 1; i++) {
      const t = tokens[i] as string;
      if (Array.isArray(cur)) cur = cur[this.index(cur, t, false)] as JsonValue;
      else if (isJsonObject(cur)) {
        if (!Object.hasOwn(cur, t)) fail(MergeErrorCode.pathNotFound, `"${t}" does not exist`);
        cur = cur[t] as JsonValue;
      } else fail(MergeErrorCode.pathNotFound, `cannot descend into a ${jsonTypeOf(cur)} at "${t}"`);
    }
    return cur;
  }

  /** The value at a path; `undefined` only for a missing member in kubernetes mode. */
  private getAt(doc: JsonValue, tokens: readonly string[]): JsonValue | undefined {
    if (tokens.length === 0) return doc;
    const parent = this.parentOf(doc, tokens);
    const last = tokens[tokens.length - 1] as string;
    if (Array.isArray(parent)) return parent[this.index(parent, last, false)] as JsonValue;
    if (isJsonObject(parent)) {
      if (Object.hasOwn(parent, last)) return parent[last] as JsonValue;
      if (this.k8s) return undefined;
      return fail(MergeErrorCode.pathNotFound, `"${last}" does not exist`);
    }
    return fail(MergeErrorCode.pathNotFound, `cannot descend into a ${jsonTypeOf(parent)}`);
  }

  private existing(doc: JsonValue, tokens: readonly string[]): JsonValue {
    const v = this.getAt(doc, tokens);
    if (v === undefined) return fail(MergeErrorCode.pathNotFound, `"${tokens[tokens.length - 1] ?? ''}" does not exist`);
    return v;
  }

  /** Adds `value` at `tokens`; returns the new document (the root may be replaced). */
  private addAt(doc: JsonValue, tokens: readonly string[], value: JsonValue): JsonValue {
    if (tokens.length === 0) {
      if (this.k8s) fail(MergeErrorCode.pathNotFound, 'the whole document cannot be added to');
      return value;
    }
    const parent = this.parentOf(doc, tokens);
    const last = tokens[tokens.length - 1] as string;
    if (Array.isArray(parent)) parent.splice(this.index(parent, last, true), 0, value);
    else if (isJsonObject(parent)) setMember(parent, last, value);
    else fail(MergeErrorCode.pathNotFound, `cannot add a member to a ${jsonTypeOf(parent)}`);
    return doc;
  }

  /** Removes the value at `tokens` and returns it. */
  private removeAt(doc: JsonValue, tokens: readonly string[]): JsonValue {
    if (tokens.length === 0) return fail(MergeErrorCode.invalidPatch, 'cannot remove the whole document');
    const parent = this.parentOf(doc, tokens);
    const last = tokens[tokens.length - 1] as string;
    if (Array.isArray(parent)) return parent.splice(this.index(parent, last, false), 1)[0] as JsonValue;
    if (isJsonObject(parent)) {
      if (!Object.hasOwn(parent, last)) fail(MergeErrorCode.pathNotFound, `"${last}" does not exist`);
      const old = parent[last] as JsonValue;
      delete parent[last];
      return old;
    }
    return fail(MergeErrorCode.pathNotFound, `cannot remove from a ${jsonTypeOf(parent)}`);
  }

  private replaceAt(doc: JsonValue, tokens: readonly string[], value: JsonValue): JsonValue {
    if (tokens.length === 0) return value;
    const parent = this.parentOf(doc, tokens);
    const last = tokens[tokens.length - 1] as string;
    if (Array.isArray(parent)) parent[this.index(parent, last, false)] = value;
    else if (isJsonObject(parent)) {
      if (!this.k8s && !Object.hasOwn(parent, last)) fail(MergeErrorCode.pathNotFound, `"${last}" does not exist`);
      setMember(parent, last, value);
    } else fail(MergeErrorCode.pathNotFound, `cannot replace inside a ${jsonTypeOf(parent)}`);
    return doc;
  }

  private test(doc: JsonValue, op: Op): void {
    const v = this.getAt(doc, op.tokens);
    const equal = v === undefined ? op.value === null : jsonEqual(v, op.value as JsonValue);
    if (!equal) fail(MergeErrorCode.testFailed, 'test failed: values differ');
  }

  private move(doc: JsonValue, op: Op): JsonValue {
    const from = op.fromTokens as string[];
    if (this.k8s && from.length === 0) fail(MergeErrorCode.pathNotFound, 'the whole document cannot be moved');
    if (isProperPrefix(from, op.tokens)) fail(MergeErrorCode.invalidPatch, `cannot move "${op.from}" into its own child`);
    if (from.length === op.tokens.length && from.every((t, i) => t === op.tokens[i])) {
      this.existing(doc, from);
      return doc;
    }
    const v = this.removeAt(doc, from);
    return this.addAt(doc, op.tokens, v);
  }

  private copy(doc: JsonValue, op: Op): JsonValue {
    const from = op.fromTokens as string[];
    if (this.k8s && from.length === 0) fail(MergeErrorCode.pathNotFound, 'the whole document cannot be copied');
    // kubectl's library copies a missing member as null.
    const v = this.k8s ? (this.getAt(doc, from) ?? null) : this.existing(doc, from);
    this.copied += countNodes(v);
    if (this.copied > this.maxCopied) fail(MergeErrorCode.invalidPatch, `copy operations exceed ${this.maxCopied} nodes`);
    return this.addAt(doc, op.tokens, cloneJson(v));
  }

  apply(doc: JsonValue, op: Op): JsonValue {
    switch (op.op) {
      case 'add':
        return this.addAt(doc, op.tokens, cloneJson(op.value as JsonValue));
      case 'remove':
        this.removeAt(doc, op.tokens);
        return doc;
      case 'replace':
        return this.replaceAt(doc, op.tokens, cloneJson(op.value as JsonValue));
      case 'test':
        this.test(doc, op);
        return doc;
      case 'move':
        return this.move(doc, op);
      case 'copy':
        return this.copy(doc, op);
    }
  }
}

/**
 * Applies a JSON Patch (RFC 6902) to `doc` and returns the patched copy. `patch` is the parsed patch
 * document (an array of operation objects). Throws {@link JsonPatchError} (code invalidPatch,
 * pathNotFound or testFailed, with the operation index and its `path`) and leaves `doc` untouched.
 */
export function applyJsonPatch(doc: JsonValue, patch: JsonValue, options: JsonPatchOptions = {}): JsonValue {
  const opts = { ...defaultJsonPatchOptions(), ...options };
  if (!Array.isArray(patch)) {
    throw new MergeError(MergeErrorCode.invalidPatch, '', 'a JSON patch must be an array of operations');
  }
  if (patch.length > opts.maxOperations) {
    throw new MergeError(MergeErrorCode.invalidPatch, '', `a JSON patch may hold at most ${opts.maxOperations} operations`);
  }
  const k8s = opts.compat === 'kubernetes';
  const parsed = patch.map((raw, i) => parseOp(raw, i, k8s));
  let work = cloneJson(doc);
  const run = new PatchRun(k8s, opts.maxCopiedNodes);
  parsed.forEach((op, i) => {
    try {
      work = run.apply(work, op);
    } catch (err) {
      if (err instanceof OpFailure) throw new JsonPatchError(err.code, op.path, i, `${op.op}: ${err.message}`);
      throw err;
    }
  });
  return work;
}
