/**
 * The engine's YAML boundary, on the shared kyaml-compatible reader/writer of `src/kube/yaml`: reading
 * as kustomize reads (go-yaml v3 rules; top-level annotation values keep their source text; unquoted
 * timestamps become RFC 3339 text unless `timestampsAsText`) and printing as `kustomize build` prints
 * (go-yaml v2 style, sorted keys). Errors become {@link YamlParseError}s naming the file.
 *
 * Limits: file size is checked by the loader (`maxFileBytes`), so the reader's byte cap is lifted; aliases
 * are budgeted (an alias bomb fails at once); integers a JavaScript number cannot hold exactly are errors.
 */
import type { JsonObject, JsonValue } from '../../kube/object.js';
import { emitYaml, KUSTOMIZE_YAML, ManifestError, ManifestErrorCode, parseYamlDocuments as parseManifestStream } from '../../kube/yaml.js';
import type { EmitOptions } from '../../kube/yaml.js';
import { resolvePlain as resolveKyaml } from '../../kube/yaml/resolve.js';

/** Options of {@link parseYamlDocuments}. */
export interface ParseYamlOptions {
  /** File name used in error messages. */
  file: string;
  /** Keep source text of the top-level `metadata.annotations` values (kustomize resources); default true. */
  annotationsAsText?: boolean;
  /**
   * Keep unquoted timestamps as written (default false: RFC 3339 text). kustomize decodes
   * kustomization.yaml into Go structs and JSON 6902 patches through go-yaml v2 into interface{}: both
   * keep timestamps as plain strings.
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

/**
 * Parsed YAML by text, for builds that read the same files again (a controller rebuilding an unchanged
 * revision every interval). Entries are never handed out: each hit returns a fresh deep copy, so
 * transformers may mutate what they get. Bounded by total text size and entry count (oldest dropped);
 * the parsed values take several times the text's size in memory. Texts over a quarter of the bound are
 * not kept.
 */
export class ParseCache {
  private readonly entries = new Map<string, JsonValue[]>();
  private bytes = 0;

  constructor(
    readonly maxBytes = 4 * 1024 * 1024,
    readonly maxEntries = 2048,
  ) {}

  /** Parses `text` (or copies the cached result of an earlier parse of the same text and options). */
  parse(text: string, opts: ParseYamlOptions): JsonValue[] {
    const key = `${opts.annotationsAsText === false ? 0 : 1}${opts.timestampsAsText === true ? 1 : 0}${text}`;
    let docs = this.entries.get(key);
    if (docs === undefined) {
      docs = parseUncached(text, opts);
      if (text.length <= this.maxBytes / 4) {
        this.entries.set(key, docs);
        this.bytes += key.length;
        for (const [k] of this.entries) {
          if (this.bytes <= this.maxBytes && this.entries.size <= this.maxEntries) break;
          this.entries.delete(k);
          this.bytes -= k.length;
        }
      } else {
        return docs;
      }
    }
    return docs.map(cloneJson);
  }
}

/** The cache {@link parseYamlDocuments} uses during a build (set by `build`, which is synchronous). */
let activeCache: ParseCache | undefined;

/** Runs `fn` with `cache` used by {@link parseYamlDocuments} (none when undefined). */
export function withParseCache<T>(cache: ParseCache | undefined, fn: () => T): T {
  const before = activeCache;
  activeCache = cache;
  try {
    return fn();
  } finally {
    activeCache = before;
  }
}

/** A deep copy of a JSON value (own `__proto__` keys kept as data). */
function cloneJson(v: JsonValue): JsonValue {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(cloneJson);
  const out: JsonObject = {};
  for (const k of Object.keys(v)) {
    const c = cloneJson(v[k] as JsonValue);
    if (k === '__proto__') Object.defineProperty(out, k, { value: c, enumerable: true, writable: true, configurable: true });
    else out[k] = c;
  }
  return out;
}

/**
 * Parses every non-empty document of a YAML stream into JSON values, in order (through the build's
 * {@link ParseCache} when there is one).
 */
export function parseYamlDocuments(text: string, opts: ParseYamlOptions): JsonValue[] {
  return activeCache === undefined ? parseUncached(text, opts) : activeCache.parse(text, opts);
}

function parseUncached(text: string, opts: ParseYamlOptions): JsonValue[] {
  try {
    return parseManifestStream(text, {
      maxBytes: Number.MAX_SAFE_INTEGER,
      maxDocuments: 100_000,
      maxAliasCount: 10_000,
      annotationsAsText: opts.annotationsAsText ?? true,
      timestampsAsText: opts.timestampsAsText ?? false,
    }).map((d) => d.value);
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
    const what = err.code === ManifestErrorCode.limit ? 'YAML over a limit' : 'invalid YAML';
    throw new YamlParseError(opts.file, `${what}: ${err.message}`);
  }
}

/**
 * A plain scalar's value as kyaml reads it (`012` → 10, `True` → true, `~` → null); timestamps and
 * values JSON cannot hold (`.inf`, integers beyond 2^53) stay text.
 */
export function resolvePlain(text: string): JsonValue {
  const r = resolveKyaml(text);
  switch (r.tag) {
    case 'null':
      return null;
    case 'bool':
      return r.value;
    case 'int':
      return Number.isSafeInteger(Number(r.value)) ? Number(r.value) : text;
    case 'float':
      return Number.isFinite(r.value) ? r.value : text;
    default:
      return text;
  }
}

/** kustomize's output: sorted keys, width 80, integers read from YAML keep all their digits. */
const EMIT: Readonly<EmitOptions> = Object.freeze({ ...KUSTOMIZE_YAML, exactIntegers: true });

/** Writes one document (no leading `---`) as `kustomize build` prints it, ending with a newline. */
export function emitDocument(value: JsonValue): string {
  return emitYaml(value, EMIT);
}
