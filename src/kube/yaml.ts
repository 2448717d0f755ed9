/**
 * YAML and JSON I/O for manifests.
 *
 * Reading follows kustomize's kyaml (go-yaml v3, YAML 1.2 core schema plus Go's number forms): `"1"` stays a
 * string and `1` a number; `on`/`yes`/`y` are strings; `0755` is 493, `0x1F` 31, `1_000` 1000, `.5` 0.5,
 * `~` null; unquoted timestamps become RFC 3339 strings as kustomize and kubectl print them
 * (`2001-12-14` → `"2001-12-14T00:00:00Z"`), never Date objects; `.inf`/`.nan` and non-string keys are
 * errors (kustomize fails on them too); integers a JavaScript number cannot hold exactly (beyond 2^53,
 * e.g. `9007199254740993`) are errors unless `bigInt: 'string'`.
 * Merge keys (`<<`) are honoured; duplicate keys are errors; aliases are limited against alias bombs.
 *
 * Writing follows kustomize's output byte for byte for JSON values (see `yaml/emit.ts`); kustomize sorts
 * map keys, so pass {@link KUSTOMIZE_YAML} (`sortKeys: true`) to get its order.
 */
import type { JsonObject, JsonValue } from './object.js';
import { isJsonObject } from './object.js';
import { emitYaml } from './yaml/emit.js';
import type { EmitOptions } from './yaml/emit.js';
import { ManifestError, ManifestErrorCode } from './yaml/errors.js';
import { defaultParseManifestsOptions, parseYamlDocuments } from './yaml/parse.js';
import type { ParseManifestsOptions } from './yaml/parse.js';

export { ManifestError, ManifestErrorCode } from './yaml/errors.js';
export type { ManifestLocation } from './yaml/errors.js';
export { defaultParseManifestsOptions, parseYamlDocuments } from './yaml/parse.js';
export type { ParseManifestsOptions, ParsedDocument } from './yaml/parse.js';
export { compareYamlKeys, emitYaml } from './yaml/emit.js';
export type { EmitOptions } from './yaml/emit.js';
export { formatNumber } from './yaml/numbers.js';

/** Emit options that reproduce `kustomize build` output: go-yaml's sorted key order, width 80. */
export const KUSTOMIZE_YAML: Readonly<EmitOptions> = Object.freeze({ sortKeys: true, lineWidth: 80 });

/**
 * Parses a manifest stream into objects, skipping empty documents. Throws {@link ManifestError} (code
 * `NotObject`) for a document that is a list or a scalar; use {@link parseYamlDocuments} to see those.
 */
export function parseManifests(text: string, options: ParseManifestsOptions = {}): JsonObject[] {
  return parseYamlDocuments(text, options).map((d) => {
    if (!isJsonObject(d.value)) {
      const what = Array.isArray(d.value) ? 'a list' : `a ${typeof d.value}`;
      throw new ManifestError(ManifestErrorCode.notObject, `expected an object, found ${what}`, {
        source: options.source,
        documentIndex: d.index,
        line: d.line,
      });
    }
    return d.value;
  });
}

/** Parses a single-document YAML (or JSON) text; empty input gives null; several documents are an error. */
export function parseYaml(text: string, options: ParseManifestsOptions = {}): JsonValue {
  const docs = parseYamlDocuments(text, options);
  if (docs.length > 1) {
    throw new ManifestError(ManifestErrorCode.invalid, `expected one document, found ${docs.length}`, { source: options.source, documentIndex: docs[1]?.index });
  }
  return docs[0]?.value ?? null;
}

/** Writes documents as a YAML stream: each document as {@link emitYaml} writes it, `---` lines between. */
export function stringifyManifests(docs: readonly JsonValue[], options: EmitOptions = {}): string {
  return docs.map((d) => emitYaml(d, options)).join('---\n');
}

/** Options of {@link parseJson}. */
export interface ParseJsonOptions {
  source?: string;
  /** Default 8 MiB, as for YAML. */
  maxBytes?: number;
}

/** Parses JSON text; throws {@link ManifestError} with the source on syntax errors or when too large. */
export function parseJson(text: string, options: ParseJsonOptions = {}): JsonValue {
  const maxBytes = options.maxBytes ?? defaultParseManifestsOptions().maxBytes;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) throw new ManifestError(ManifestErrorCode.limit, `${bytes} bytes exceed the limit of ${maxBytes}`, { source: options.source });
  try {
    return JSON.parse(text) as JsonValue;
  } catch (err) {
    throw new ManifestError(ManifestErrorCode.syntax, `invalid JSON: ${(err as Error).message}`, { source: options.source });
  }
}

/**
 * Writes JSON with `indent` spaces (default 2; kubectl's `-o json` uses 4) and a final newline. Throws
 * for NaN and ±Infinity, which JSON.stringify would silently turn into null.
 */
export function stringifyJson(value: JsonValue, options: { indent?: number } = {}): string {
  const text = JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new ManifestError(ManifestErrorCode.invalid, `${v} is not a JSON number`);
      return v;
    },
    options.indent ?? 2,
  );
  return text + '\n';
}
