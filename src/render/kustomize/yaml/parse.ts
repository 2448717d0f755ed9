/**
 * Parses YAML the way kustomize reads it (go-yaml v3 into `interface{}`, then JSON): plain scalars
 * resolve with YAML 1.2 core rules plus go-yaml's extras (`0o17`, `012` octal, `1_000`, `0b101`);
 * unquoted (or `!!timestamp`) timestamps become the RFC 3339 text Go's JSON encoding gives them
 * (`2001-12-14` → `2001-12-14T00:00:00Z`), as kustomize prints them; quoted and block scalars are strings; `<<` merge keys are honoured;
 * duplicate keys are errors. Values of `metadata.annotations` keep their source text (kustomize
 * stores annotations as strings).
 *
 * Limits: aliases are expanded with a budget on the number of nodes produced, so an alias bomb fails
 * fast instead of exhausting memory.
 */
import { Alias, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Scalar } from 'yaml';
import type { JsonObject, JsonValue } from '../../../kube/object.js';
import { parseTimestamp } from '../../../kube/yaml/resolve.js';

/** Options for {@link parseYamlDocuments}. */
export interface ParseYamlOptions {
  /** File name used in error messages. */
  file: string;
  /** Most JSON nodes one file may expand to (alias bombs); default 1,000,000. */
  maxNodes?: number;
  /** Keep source text of `metadata.annotations` values (kustomize resources); default true. */
  annotationsAsText?: boolean;
  /**
   * Keep unquoted timestamps as written (default false: RFC 3339 text). kustomize decodes
   * kustomization.yaml into Go structs and JSON 6902 patches through go-yaml v2 into interface{},
   * and both keep timestamps as plain strings.
   */
  timestampsAsText?: boolean;
}

/** A YAML file that cannot be read as kustomize would. */
export class YamlParseError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'YamlParseError';
  }
}

interface WalkContext {
  doc: Document.Parsed;
  budget: { left: number };
  file: string;
  anchorsInProgress: Set<unknown>;
  timestampsAsText: boolean;
}

/** Parses every non-empty document of a YAML stream into JSON values, in order. */
export function parseYamlDocuments(text: string, opts: ParseYamlOptions): JsonValue[] {
  const docs = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: true, merge: false, strict: true });
  if (!Array.isArray(docs)) {
    // The yaml library returns an EmptyStream for input without documents.
    return [];
  }
  const budget = { left: opts.maxNodes ?? 1_000_000 };
  const out: JsonValue[] = [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) throw new YamlParseError(opts.file, `invalid YAML: ${err.message.split('\n')[0] ?? err.message}`);
    const contents = doc.contents;
    if (contents === null) continue;
    if (isScalar(contents) && contents.type === 'PLAIN' && (contents.value === '' || contents.value === null)) continue;
    const ctx: WalkContext = { doc, budget, file: opts.file, anchorsInProgress: new Set(), timestampsAsText: opts.timestampsAsText ?? false };
    const v = toJson(contents, ctx, 0, (opts.annotationsAsText ?? true) ? 'root' : 'plain');
    if (v === null) continue;
    out.push(v);
  }
  return out;
}

function charge(ctx: WalkContext): void {
  ctx.budget.left--;
  if (ctx.budget.left < 0) {
    throw new YamlParseError(ctx.file, 'YAML expands to too many nodes (alias bomb?)');
  }
}

/**
 * Where a node sits, for kustomize's one special case: values of the top-level `metadata.annotations`
 * keep their source text.
 */
type Mode = 'plain' | 'root' | 'metadata' | 'annotations';

function childMode(mode: Mode, key: string): Mode {
  if (mode === 'root' && key === 'metadata') return 'metadata';
  if (mode === 'metadata' && key === 'annotations') return 'annotations';
  return 'plain';
}

function toJson(node: unknown, ctx: WalkContext, depth: number, mode: Mode = 'plain'): JsonValue {
  charge(ctx);
  if (depth > 500) throw new YamlParseError(ctx.file, 'YAML nested too deeply');
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return aliasToJson(node, ctx, depth);
  if (isScalar(node)) {
    if (mode === 'annotations') return node.value === null || node.value === undefined ? '' : String(node.value);
    return resolveScalar(node, ctx);
  }
  if (isSeq(node)) return node.items.map((item) => toJson(item, ctx, depth + 1));
  if (isMap(node)) {
    const obj: JsonObject = {};
    const merged: JsonObject[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key;
      if (isScalar(key) && key.type === 'PLAIN' && key.value === '<<' && key.tag === undefined) {
        merged.push(...mergeSources(pair.value, ctx, depth));
        continue;
      }
      const k = keyText(key, ctx, depth);
      obj[k] = toJson(pair.value, ctx, depth + 1, mode === 'annotations' ? 'annotations' : childMode(mode, k));
    }
    if (merged.length === 0) return obj;
    // Explicit keys win; among merge sources, earlier ones win (YAML merge key rules).
    const result: JsonObject = {};
    for (const src of merged.reverse()) Object.assign(result, src);
    Object.assign(result, obj);
    return result;
  }
  throw new YamlParseError(ctx.file, 'unsupported YAML node');
}

function aliasToJson(node: Alias, ctx: WalkContext, depth: number): JsonValue {
  const target = node.resolve(ctx.doc);
  if (!target) throw new YamlParseError(ctx.file, `unknown anchor "${node.source}"`);
  if (ctx.anchorsInProgress.has(target)) throw new YamlParseError(ctx.file, `anchor "${node.source}" refers to itself`);
  ctx.anchorsInProgress.add(target);
  try {
    return toJson(target, ctx, depth + 1);
  } finally {
    ctx.anchorsInProgress.delete(target);
  }
}

function mergeSources(value: unknown, ctx: WalkContext, depth: number): JsonObject[] {
  const one = (n: unknown): JsonObject => {
    const v = toJson(n, ctx, depth + 1);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw new YamlParseError(ctx.file, 'map merge requires map or sequence of maps as the value');
    }
    return v;
  };
  if (isSeq(value)) return value.items.map(one);
  return [one(value)];
}

function keyText(key: unknown, ctx: WalkContext, depth: number): string {
  if (isScalar(key)) {
    const v = resolveScalar(key, ctx);
    return v === null ? 'null' : String(v);
  }
  if (isAlias(key)) {
    const v = toJson(key, ctx, depth + 1);
    if (v === null || typeof v !== 'object') return String(v);
  }
  throw new YamlParseError(ctx.file, 'complex map keys are not supported');
}

const FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT_RE = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const TAG = 'tag:yaml.org,2002:';

/** Go's strconv.ParseInt/ParseUint(s, 0, 64) on text without underscores; undefined when it fails. */
export function goParseInt(s: string): number | undefined {
  const m = INT_RE.exec(s);
  if (!m) return undefined;
  const body = m[2] ?? '';
  let big: bigint;
  if (/^0[oO]/.test(body)) big = BigInt('0o' + body.slice(2));
  else if (/^0[0-7]+$/.test(body)) big = BigInt('0o' + body.slice(1));
  else big = BigInt(body);
  if (m[1] === '-') big = -big;
  if (big < -(2n ** 63n) || big > 2n ** 64n - 1n) return undefined;
  return Number(big);
}

/** Resolves a plain scalar's text as go-yaml v3 does when decoding into interface{}. */
export function resolvePlain(text: string, file = '<input>'): JsonValue {
  switch (text) {
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
    default:
  }
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text) || /^\.(nan|NaN|NAN)$/.test(text)) {
    throw new YamlParseError(file, `value ${text} cannot be represented in JSON`);
  }
  const c = text.charAt(0);
  if (!(c === '-' || c === '+' || c === '.' || (c >= '0' && c <= '9'))) return text;
  const plain = text.replace(/_/g, '');
  const i = goParseInt(plain);
  if (i !== undefined) return i;
  if (FLOAT_RE.test(plain)) return Number(plain);
  return text;
}

function resolveScalar(node: Scalar, ctx: WalkContext): JsonValue {
  const raw = node.value;
  // `source` is the text before the `yaml` package applies an explicit tag (it makes Dates of !!timestamp).
  const text = typeof node.source === 'string' ? node.source : typeof raw === 'string' ? raw : raw === null || raw === undefined ? '' : String(raw);
  const tag = node.tag;
  if (tag !== undefined && tag.startsWith(TAG)) {
    const t = tag.slice(TAG.length);
    if (t === 'timestamp') {
      const ts = parseTimestamp(text);
      if (ts === undefined) throw new YamlParseError(ctx.file, `cannot decode !!timestamp \`${text}\``);
      return ts;
    }
    if (t === 'str' || t === 'binary') return text;
    if (t === 'null') return null;
    const v = resolvePlain(text, ctx.file);
    if (t === 'int' || t === 'float') {
      if (typeof v !== 'number') throw new YamlParseError(ctx.file, `cannot decode !!${t} \`${text}\``);
      return v;
    }
    if (t === 'bool') {
      if (typeof v !== 'boolean') throw new YamlParseError(ctx.file, `cannot decode !!bool \`${text}\``);
      return v;
    }
    return v;
  }
  if (node.type !== 'PLAIN' || tag === '!') return text;
  // go-yaml decodes a valid unquoted timestamp into time.Time, which kustomize's JSON step writes as RFC 3339.
  const c = text.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39 && !ctx.timestampsAsText) {
    const ts = parseTimestamp(text);
    if (ts !== undefined) return ts;
  }
  return resolvePlain(text, ctx.file);
}
