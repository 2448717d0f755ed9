/**
 * The engine's YAML boundary, on the shared kyaml-compatible reader/writer of `src/kube/yaml`: reading
 * as kustomize reads (go-yaml v3 rules; top-level annotation values keep their source text; unquoted
 * timestamps become RFC 3339 text unless `timestampsAsText`) and printing as `kustomize build` prints
 * (go-yaml v2 style, sorted keys). Errors become {@link YamlParseError}s naming the file.
 *
 * Limits: file size is checked by the loader (`maxFileBytes`), so the reader's byte cap is lifted; aliases
 * are budgeted (an alias bomb fails at once); integers a JavaScript number cannot hold exactly are errors.
 */
import type { JsonValue } from '../../kube/object.js';
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

/** Parses every non-empty document of a YAML stream into JSON values, in order. */
export function parseYamlDocuments(text: string, opts: ParseYamlOptions): JsonValue[] {
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
