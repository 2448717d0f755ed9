/**
 * Reads YAML (or JSON) streams into JSON values the way kustomize's kyaml (go-yaml v3) reads them, on top
 * of the `yaml` package's parser (failsafe schema: every scalar arrives as text and is resolved here).
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Document, Node as YamlNode, Scalar } from 'yaml';
import type { JsonObject, JsonValue } from '../object.js';
import { ManifestError, ManifestErrorCode } from './errors.js';
import type { ManifestLocation } from './errors.js';
import { parseTimestamp, resolvePlain } from './resolve.js';
import type { Resolved } from './resolve.js';

/** Options of manifest parsing. */
export interface ParseManifestsOptions {
  /** File name (or other origin) used in errors. */
  source?: string;
  /** Largest accepted input in UTF-8 bytes. Default 8 MiB. */
  maxBytes?: number;
  /** Most documents accepted in one stream (empty ones included). Default 10,000. */
  maxDocuments?: number;
  /**
   * Alias budget per document: each alias costs 1 plus the cost of the aliases inside what it refers to,
   * so nested alias "bombs" exceed it at once. Default 100; 0 forbids aliases.
   */
  maxAliasCount?: number;
  /** Deepest nesting of collections accepted. Default 512. */
  maxDepth?: number;
  /**
   * Integers beyond ±(2^53−1) that a JavaScript number cannot hold exactly (`9007199254740993`; but
   * `823920000000000000` is exact and stays a number): `error` (default) rejects the document; `string`
   * keeps the decimal digits as a string (kustomize would keep an exact number).
   */
  bigInt?: 'error' | 'string';
  /**
   * Keep the source text of the values of the document's top-level `metadata.annotations` (kustomize
   * stores annotations as strings: `1.0` stays `"1.0"`, `2001-12-14` stays as written). Default false.
   */
  annotationsAsText?: boolean;
  /**
   * Keep unquoted timestamps as written instead of RFC 3339 text (how kustomize reads kustomization.yaml
   * and JSON 6902 operations: into Go structs, or through go-yaml v2 into interface{}). Default false.
   */
  timestampsAsText?: boolean;
}

/** The defaults of {@link ParseManifestsOptions}. */
export function defaultParseManifestsOptions(): Required<Omit<ParseManifestsOptions, 'source'>> {
  return { maxBytes: 8 * 1024 * 1024, maxDocuments: 10_000, maxAliasCount: 100, maxDepth: 512, bigInt: 'error', annotationsAsText: false, timestampsAsText: false };
}

/** One non-empty document of a stream. */
export interface ParsedDocument {
  /** 0-based position in the stream, counting empty documents too. */
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
  value: JsonValue;
}

const TAG = 'tag:yaml.org,2002:';
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

interface AnchorInfo {
  value: JsonValue;
  aliasCost: number;
  nodes: number;
}

/** Converts one document's AST into JSON with kyaml's scalar rules and the limits. */
class Converter {
  private aliasCost = 0;
  private nodes = 0;
  private expanded = 0;
  private readonly anchors = new Map<YamlNode, AnchorInfo>();

  constructor(
    private readonly doc: Document,
    private readonly opts: Required<Omit<ParseManifestsOptions, 'source'>>,
    private readonly fail: (code: ManifestErrorCode, msg: string, node?: YamlNode | null) => never,
    private readonly expansionBudget: number,
  ) {}

  /** `at`: where the node sits, for {@link ParseManifestsOptions.annotationsAsText}. */
  convert(node: YamlNode | null, depth: number, at: Place = Place.other): JsonValue {
    if (node === null) return null;
    if (depth > this.opts.maxDepth) this.fail(ManifestErrorCode.limit, `nesting deeper than ${this.opts.maxDepth}`, node);
    if (isAlias(node)) return this.alias(node);
    const anchored = 'anchor' in node && typeof node.anchor === 'string' && node.anchor !== '';
    const costBefore = this.aliasCost;
    const nodesBefore = this.nodes;
    let value: JsonValue;
    if (isScalar(node)) value = at === Place.annotations ? this.annotationText(node) : this.scalar(node);
    else if (isMap(node)) value = this.map(node, depth, at);
    else if (isSeq(node)) value = node.items.map((item) => this.convert(item as YamlNode | null, depth + 1));
    else this.fail(ManifestErrorCode.invalid, 'unsupported YAML node', node);
    this.nodes++;
    if (anchored) this.anchors.set(node, { value, aliasCost: this.aliasCost - costBefore, nodes: this.nodes - nodesBefore });
    return value;
  }

  private alias(node: YamlNode & { source: string; resolve(doc: Document): unknown }): JsonValue {
    const target = node.resolve(this.doc) as YamlNode | undefined;
    const info = target ? this.anchors.get(target) : undefined;
    if (!info) return this.fail(ManifestErrorCode.invalid, `unknown or recursive alias *${node.source}`, node);
    this.aliasCost += 1 + info.aliasCost;
    this.expanded += info.nodes;
    if (this.aliasCost > this.opts.maxAliasCount || this.expanded > this.expansionBudget) {
      this.fail(ManifestErrorCode.limit, `too many aliases (limit ${this.opts.maxAliasCount}): refusing a possible alias bomb`, node);
    }
    return structuredClone(info.value);
  }

  private map(node: YamlNode & { items: { key: unknown; value: unknown }[]; flow?: boolean }, depth: number, at: Place): JsonObject {
    const out: JsonObject = {};
    const flow = node.flow === true;
    const explicit = new Set<string>();
    const merges: JsonObject[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      if (isScalar(keyNode) && keyNode.type === 'PLAIN' && keyNode.tag === undefined && keyNode.value === '<<') {
        merges.push(...this.mergeSources(pair.value as YamlNode | null, depth));
        continue;
      }
      const key = this.key(keyNode);
      if (explicit.has(key)) this.fail(ManifestErrorCode.invalid, `mapping key ${JSON.stringify(key)} already defined`, keyNode);
      explicit.add(key);
      const valueNode = pair.value as YamlNode | null;
      // go-yaml reads a missing or empty value in a flow mapping (`{a, b: }`) as "", in a block mapping as null.
      const value = flow && isEmptyPlain(valueNode) ? '' : this.convert(valueNode, depth + 1, at === Place.other ? at : childPlace(at, key));
      setKey(out, key, value);
    }
    for (const src of merges) {
      for (const [k, v] of Object.entries(src)) if (!Object.prototype.hasOwnProperty.call(out, k)) setKey(out, k, v);
    }
    return out;
  }

  /** `<<: *base` or `<<: [*a, *b]`: earlier sources win, explicit keys win over all. */
  private mergeSources(node: YamlNode | null, depth: number): JsonObject[] {
    const v = this.convert(node, depth + 1);
    const list = Array.isArray(v) ? v : [v];
    return list.map((m) => {
      if (typeof m !== 'object' || m === null || Array.isArray(m)) {
        return this.fail(ManifestErrorCode.invalid, 'map merge (<<) requires a map or a list of maps', node);
      }
      return m;
    });
  }

  private key(node: YamlNode | null): string {
    if (!isScalar(node)) return this.fail(ManifestErrorCode.invalid, 'mapping keys must be strings, not collections', node);
    const v = this.scalar(node);
    if (typeof v !== 'string') this.fail(ManifestErrorCode.invalid, `mapping key ${JSON.stringify(v)} is not a string; quote it`, node);
    return v;
  }

  /** An annotation value as kustomize keeps it: the scalar's text (`!!binary` decoded). */
  private annotationText(node: Scalar): JsonValue {
    if (node.tag === TAG + 'binary') return this.scalar(node);
    return typeof node.source === 'string' ? node.source : typeof node.value === 'string' ? node.value : '';
  }

  private scalar(node: Scalar): JsonValue {
    // `source` is the scalar's text before any tag processing (the `yaml` package decodes !!binary itself).
    const text = typeof node.source === 'string' ? node.source : typeof node.value === 'string' ? node.value : '';
    const tag = node.tag;
    if (tag === undefined) return node.type === 'PLAIN' ? this.fromResolved(resolvePlain(text), text, node) : text;
    if (!tag.startsWith(TAG)) return text; // `!` and custom tags: the text, as go-yaml decodes them
    const t = tag.slice(TAG.length);
    if (t === 'str') return text;
    if (t === 'binary') return Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (t === 'timestamp') {
      const ts = parseTimestamp(text);
      return ts ?? this.fail(ManifestErrorCode.invalid, `cannot decode ${JSON.stringify(text)} as a !!timestamp`, node);
    }
    const r = resolvePlain(text);
    const ok = (t === 'int' && r.tag === 'int') || (t === 'float' && (r.tag === 'float' || r.tag === 'int')) || (t === 'bool' && r.tag === 'bool') || (t === 'null' && r.tag === 'null');
    if (ok) return this.fromResolved(r, text, node);
    if (t === 'map' || t === 'seq') return text;
    return this.fail(ManifestErrorCode.invalid, `cannot decode ${JSON.stringify(text)} as a !!${t}`, node);
  }

  private fromResolved(r: Resolved, text: string, node: YamlNode): JsonValue {
    switch (r.tag) {
      case 'null':
        return null;
      case 'bool':
        return r.value;
      case 'str':
        return text;
      case 'timestamp':
        return this.opts.timestampsAsText ? text : r.value;
      case 'float':
        if (!Number.isFinite(r.value)) this.fail(ManifestErrorCode.invalid, `${text} is not a JSON number`, node);
        return r.value;
      case 'int': {
        const n = Number(r.value);
        // Beyond 2^53 only integers a double holds exactly are numbers (kustomize prints 1e17 as digits).
        if ((r.value > SAFE || r.value < -SAFE) && BigInt(n) !== r.value) {
          if (this.opts.bigInt === 'string') return r.value.toString();
          this.fail(ManifestErrorCode.invalid, `integer ${text} does not fit a JSON number exactly; quote it`, node);
        }
        return n;
      }
    }
  }
}

/** Where a map value sits: only the top-level `metadata.annotations` is special. */
const Place = { other: 0, root: 1, metadata: 2, annotations: 3 } as const;
type Place = (typeof Place)[keyof typeof Place];

function childPlace(at: Place, key: string): Place {
  if (at === Place.root) return key === 'metadata' ? Place.metadata : Place.other;
  if (at === Place.metadata) return key === 'annotations' ? Place.annotations : Place.other;
  return at === Place.annotations ? Place.annotations : Place.other;
}

function isEmptyPlain(node: YamlNode | null): boolean {
  return node === null || (isScalar(node) && node.type === 'PLAIN' && node.tag === undefined && node.source === '');
}

/** Sets a key on a JSON object, including `__proto__` as an own property. */
function setKey(obj: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/**
 * Parses every document of a YAML/JSON stream; empty documents (no content, only comments, or `null`) are
 * left out. Throws {@link ManifestError} for syntax errors, exceeded limits and values JSON cannot carry.
 */
export function parseYamlDocuments(text: string, options: ParseManifestsOptions = {}): ParsedDocument[] {
  const opts = { ...defaultParseManifestsOptions(), ...stripUndefined(options) };
  const source = options.source;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > opts.maxBytes) throw new ManifestError(ManifestErrorCode.limit, `${bytes} bytes exceed the limit of ${opts.maxBytes}`, { source });
  const lineCounter = new LineCounter();
  let docs: Document[];
  try {
    docs = parseAllDocuments(text, { schema: 'failsafe', lineCounter, uniqueKeys: false, prettyErrors: false }) as Document[];
  } catch (err) {
    throw new ManifestError(ManifestErrorCode.syntax, `cannot parse YAML: ${String(err)}`, { source });
  }
  if (docs.length > opts.maxDocuments) {
    throw new ManifestError(ManifestErrorCode.limit, `${docs.length} documents exceed the limit of ${opts.maxDocuments}`, { source });
  }
  const out: ParsedDocument[] = [];
  docs.forEach((doc, index) => {
    const where = (offset: number | undefined): ManifestLocation => {
      const loc: ManifestLocation = { source, documentIndex: index };
      if (offset !== undefined) {
        const pos = lineCounter.linePos(offset);
        loc.line = pos.line;
        loc.column = pos.col;
      }
      return loc;
    };
    const syntax = doc.errors[0];
    if (syntax) throw new ManifestError(ManifestErrorCode.syntax, firstLine(syntax.message), where(syntax.pos[0]));
    const fail = (code: ManifestErrorCode, msg: string, node?: YamlNode | null): never => {
      throw new ManifestError(code, msg, where(node?.range?.[0]));
    };
    const contents = doc.contents as YamlNode | null;
    let value: JsonValue;
    try {
      value = new Converter(doc, opts, fail, Math.max(100_000, bytes)).convert(contents, 0, opts.annotationsAsText ? Place.root : Place.other);
    } catch (err) {
      if (err instanceof ManifestError) throw err;
      throw new ManifestError(ManifestErrorCode.limit, `cannot convert document: ${String(err)}`, where(contents?.range?.[0]));
    }
    if (value === null) return;
    out.push({ index, line: contents?.range ? lineCounter.linePos(contents.range[0]).line : 1, value });
  });
  return out;
}

function firstLine(msg: string): string {
  return msg.split('\n')[0] ?? msg;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
