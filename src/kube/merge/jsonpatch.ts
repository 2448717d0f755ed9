/**
 * JSON Patch (RFC 6902) over JSON values, plus the small JSON helpers the other patch flavours share
 * (`cloneJson`, `jsonEqual`, `jsonTypeOf`).
 *
 * Behaviour follows the RFC strictly: array indices are `0` or digits without a leading zero, `-`
 * appends (only for `add`, and as the target of `move`/`copy`), `test` compares structurally, `move`
 * into its own child is rejected. Two places where kubectl's patch library (evanphx/json-patch v4)
 * is laxer and we are not: negative indices (`/-1`) and indices with leading zeros are errors here.
 *
 * The input document and the operations are never mutated; the result shares no structure with them.
 * On any error nothing partial is returned: a {@link JsonPatchError} (a MergeError) is thrown naming
 * the operation index and the path.
 */
import type { JsonObject, JsonValue } from '../object.js';
import { isJsonObject } from '../object.js';
import { MergeError, MergeErrorCode } from './errors.js';

/** Limits on what a patch may ask for, so hostile input cannot exhaust memory. */
export interface JsonPatchOptions {
  /** At most this many operations (default 10 000). */
  maxOperations?: number;
  /** At most this many JSON nodes may be produced by `copy` operations in total (default 1 000 000). */
  maxCopiedNodes?: number;
}

/** Defaults of {@link JsonPatchOptions}. */
export function defaultJsonPatchOptions(): Required<JsonPatchOptions> {
  return { maxOperations: 10_000, maxCopiedNodes: 1_000_000 };
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

/** Structural equality of JSON values; object key order does not matter, array order does. */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i] as JsonValue));
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k] as JsonValue, b[k] as JsonValue));
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

function parseOp(raw: JsonValue, index: number): Op {
  const bad = (path: string, msg: string): never => {
    throw new JsonPatchError(MergeErrorCode.invalidPatch, path, index, msg);
  };
  if (!isJsonObject(raw)) return bad('', 'operation is not an object');
  const name = raw['op'];
  const path = raw['path'];
  if (typeof name !== 'string') return bad('', 'missing "op"');
  if (!(ops as readonly string[]).includes(name)) return bad(typeof path === 'string' ? path : '', `unknown op "${name}"`);
  if (typeof path !== 'string') return bad('', `"${name}" needs a string "path"`);
  const op: Op = { op: name as OpName, path, tokens: [] };
  try {
    op.tokens = parsePointer(path);
    if (name === 'move' || name === 'copy') {
      const from = raw['from'];
      if (typeof from !== 'string') return bad(path, `"${name}" needs a string "from"`);
      op.from = from;
      op.fromTokens = parsePointer(from);
    }
  } catch (err) {
    if (err instanceof MergeError) return bad(err.path, err.message);
    throw err;
  }
  if (name === 'add' || name === 'replace' || name === 'test') {
    if (!Object.hasOwn(raw, 'value')) return bad(path, `"${name}" needs a "value"`);
    op.value = raw['value'] as JsonValue;
  }
  return op;
}

/** Parses an array index token; `allowEnd` accepts `-` (returned as the array length). */
function arrayIndex(arr: JsonValue[], token: string, allowEnd: boolean): number {
  if (token === '-') {
    if (allowEnd) return arr.length;
    return fail(MergeErrorCode.pathNotFound, `"-" names no existing array element`);
  }
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return fail(MergeErrorCode.invalidPatch, `"${token}" is not an array index`);
  const i = Number(token);
  const max = allowEnd ? arr.length : arr.length - 1;
  if (i > max) return fail(MergeErrorCode.pathNotFound, `index ${i} is out of bounds (length ${arr.length})`);
  return i;
}

/** The container holding the last token of a path. */
function parentOf(doc: JsonValue, tokens: readonly string[]): JsonValue {
  let cur = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i] as string;
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false)] as JsonValue;
    else if (isJsonObject(cur)) {
      if (!Object.hasOwn(cur, t)) fail(MergeErrorCode.pathNotFound, `"${t}" does not exist`);
      cur = cur[t] as JsonValue;
    } else fail(MergeErrorCode.pathNotFound, `cannot descend into a ${jsonTypeOf(cur)} at "${t}"`);
  }
  return cur;
}

function getAt(doc: JsonValue, tokens: readonly string[]): JsonValue {
  if (tokens.length === 0) return doc;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) return parent[arrayIndex(parent, last, false)] as JsonValue;
  if (isJsonObject(parent)) {
    if (!Object.hasOwn(parent, last)) fail(MergeErrorCode.pathNotFound, `"${last}" does not exist`);
    return parent[last] as JsonValue;
  }
  return fail(MergeErrorCode.pathNotFound, `cannot descend into a ${jsonTypeOf(parent)}`);
}

/** Adds `value` at `tokens`; returns the new document (the root may be replaced). */
function addAt(doc: JsonValue, tokens: readonly string[], value: JsonValue): JsonValue {
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, value);
  else if (isJsonObject(parent)) setMember(parent, last, value);
  else fail(MergeErrorCode.pathNotFound, `cannot add a member to a ${jsonTypeOf(parent)}`);
  return doc;
}

/** Removes the value at `tokens` and returns it. */
function removeAt(doc: JsonValue, tokens: readonly string[]): JsonValue {
  if (tokens.length === 0) return fail(MergeErrorCode.invalidPatch, 'cannot remove the whole document');
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, last, false), 1)[0] as JsonValue;
  if (isJsonObject(parent)) {
    if (!Object.hasOwn(parent, last)) fail(MergeErrorCode.pathNotFound, `"${last}" does not exist`);
    const old = parent[last] as JsonValue;
    delete parent[last];
    return old;
  }
  return fail(MergeErrorCode.pathNotFound, `cannot remove from a ${jsonTypeOf(parent)}`);
}

function replaceAt(doc: JsonValue, tokens: readonly string[], value: JsonValue): JsonValue {
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) parent[arrayIndex(parent, last, false)] = value;
  else if (isJsonObject(parent)) {
    if (!Object.hasOwn(parent, last)) fail(MergeErrorCode.pathNotFound, `"${last}" does not exist`);
    setMember(parent, last, value);
  } else fail(MergeErrorCode.pathNotFound, `cannot replace inside a ${jsonTypeOf(parent)}`);
  return doc;
}

function isProperPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  return prefix.length < of.length && prefix.every((t, i) => t === of[i]);
}

interface RunState {
  copied: number;
  maxCopied: number;
}

function applyOp(doc: JsonValue, op: Op, state: RunState): JsonValue {
  switch (op.op) {
    case 'add':
      return addAt(doc, op.tokens, cloneJson(op.value as JsonValue));
    case 'remove':
      removeAt(doc, op.tokens);
      return doc;
    case 'replace':
      return replaceAt(doc, op.tokens, cloneJson(op.value as JsonValue));
    case 'test':
      if (!jsonEqual(getAt(doc, op.tokens), op.value as JsonValue)) fail(MergeErrorCode.testFailed, 'test failed: values differ');
      return doc;
    case 'move': {
      const from = op.fromTokens as string[];
      if (isProperPrefix(from, op.tokens)) fail(MergeErrorCode.invalidPatch, `cannot move "${op.from}" into its own child`);
      if (from.length === op.tokens.length && from.every((t, i) => t === op.tokens[i])) {
        getAt(doc, from);
        return doc;
      }
      const v = removeAt(doc, from);
      return addAt(doc, op.tokens, v);
    }
    case 'copy': {
      const v = getAt(doc, op.fromTokens as string[]);
      state.copied += countNodes(v);
      if (state.copied > state.maxCopied) fail(MergeErrorCode.invalidPatch, `copy operations exceed ${state.maxCopied} nodes`);
      return addAt(doc, op.tokens, cloneJson(v));
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
  const parsed = patch.map((raw, i) => parseOp(raw, i));
  let work = cloneJson(doc);
  const state: RunState = { copied: 0, maxCopied: opts.maxCopiedNodes };
  parsed.forEach((op, i) => {
    try {
      work = applyOp(work, op, state);
    } catch (err) {
      if (err instanceof OpFailure) throw new JsonPatchError(err.code, op.path, i, `${op.op}: ${err.message}`);
      throw err;
    }
  });
  return work;
}
