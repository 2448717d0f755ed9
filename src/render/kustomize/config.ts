/**
 * Transformer configuration: which fields each transformer touches. Starts from kustomize's built-in
 * tables and grows with `configurations:` files, `crds:` OpenAPI definitions and the configurations
 * of bases (kustomize merges a base's configuration into its parent's).
 */
import type { JsonValue } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import type { NameBackRef } from './configs.js';
import { COMMON_ANNOTATION_SPECS, COMMON_LABEL_SPECS, IMAGE_SPECS, METADATA_LABEL_SPECS, NAME_REFERENCES, NAMESPACE_SPECS, REPLICA_SPECS } from './configs.js';
import { KustomizeError } from './errors.js';
import type { FieldSpec } from './fieldspec.js';
import { VAR_REFERENCE_SPECS } from './var-specs.js';

/** Field specs per transformer. */
export interface TransformerConfig {
  namePrefix: FieldSpec[];
  nameSuffix: FieldSpec[];
  commonLabels: FieldSpec[];
  templateLabels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  namespace: FieldSpec[];
  varReference: FieldSpec[];
  nameReference: NameBackRef[];
  images: FieldSpec[];
  replicas: FieldSpec[];
}

const SLICES = ['namePrefix', 'nameSuffix', 'commonLabels', 'templateLabels', 'commonAnnotations', 'namespace', 'varReference', 'images', 'replicas'] as const;

/** kustomize's built-in configuration. */
export function defaultConfig(): TransformerConfig {
  return {
    namePrefix: [{ path: 'metadata/name' }],
    nameSuffix: [{ path: 'metadata/name' }],
    commonLabels: [...COMMON_LABEL_SPECS],
    templateLabels: [...METADATA_LABEL_SPECS],
    commonAnnotations: [...COMMON_ANNOTATION_SPECS],
    namespace: [...NAMESPACE_SPECS],
    varReference: [...VAR_REFERENCE_SPECS],
    nameReference: NAME_REFERENCES.map((b) => ({ target: b.target, referrers: [...b.referrers] })),
    images: [...IMAGE_SPECS],
    replicas: [...REPLICA_SPECS],
  };
}

function sameSpec(a: FieldSpec, b: FieldSpec): boolean {
  return a.path === b.path && (a.group ?? '') === (b.group ?? '') && (a.version ?? '') === (b.version ?? '') && (a.kind ?? '') === (b.kind ?? '');
}

function mergeSlice(into: FieldSpec[], add: readonly FieldSpec[]): void {
  for (const fs of add) if (!into.some((x) => sameSpec(x, fs))) into.push(fs);
}

/** Merges `other` into `into` (field specs deduplicated; name references grouped by target). */
export function mergeConfig(into: TransformerConfig, other: TransformerConfig): void {
  for (const k of SLICES) mergeSlice(into[k], other[k]);
  for (const b of other.nameReference) {
    const t = into.nameReference.find(
      (x) => x.target.kind === b.target.kind && (x.target.group ?? '') === (b.target.group ?? '') && (x.target.version ?? '') === (b.target.version ?? ''),
    );
    if (t) mergeSlice(t.referrers, b.referrers);
    else into.nameReference.push({ target: { ...b.target }, referrers: [...b.referrers] });
  }
}

/** An empty configuration. */
export function emptyConfig(): TransformerConfig {
  return { namePrefix: [], nameSuffix: [], commonLabels: [], templateLabels: [], commonAnnotations: [], namespace: [], varReference: [], nameReference: [], images: [], replicas: [] };
}

function toSpec(file: string, v: JsonValue): FieldSpec {
  if (!isJsonObject(v) || typeof v.path !== 'string') throw new KustomizeError('a field spec needs a path', file);
  const fs: FieldSpec = { path: v.path };
  if (typeof v.group === 'string') fs.group = v.group;
  if (typeof v.version === 'string') fs.version = v.version;
  if (typeof v.kind === 'string') fs.kind = v.kind;
  if (v.create === true) fs.create = true;
  return fs;
}

/** Parses a `configurations:` file. */
export function parseConfiguration(file: string, doc: JsonValue): TransformerConfig {
  const cfg = emptyConfig();
  if (!isJsonObject(doc)) return cfg;
  for (const key of Object.keys(doc)) {
    if (!(SLICES as readonly string[]).includes(key) && key !== 'nameReference') {
      throw new KustomizeError(`invalid transformer configuration: json: unknown field "${key}"`, file);
    }
  }
  for (const k of SLICES) {
    const list = doc[k];
    if (Array.isArray(list)) cfg[k] = list.map((x) => toSpec(file, x));
  }
  if (Array.isArray(doc.nameReference)) {
    cfg.nameReference = doc.nameReference.map((b) => {
      if (!isJsonObject(b)) throw new KustomizeError('a nameReference entry must be a map', file);
      const target: NameBackRef['target'] = { kind: String(b.kind ?? '') };
      if (typeof b.group === 'string') target.group = b.group;
      if (typeof b.version === 'string') target.version = b.version;
      const referrers = Array.isArray(b.fieldSpecs) ? b.fieldSpecs.map((x) => toSpec(file, x)) : [];
      return { target, referrers };
    });
  }
  return cfg;
}

/**
 * Reads a `crds:` OpenAPI definitions file as kustomize does: for each definition that looks like a
 * Kubernetes type, properties marked `x-kubernetes-object-ref-kind`/`-api-version` become name
 * references, `x-kubernetes-annotation` annotation fields, `x-kubernetes-label-selector` label fields,
 * `x-kubernetes-identity` prefix fields; `$ref`s are followed.
 */
export function parseCrdDefinitions(file: string, doc: JsonValue): TransformerConfig {
  const cfg = emptyConfig();
  if (!isJsonObject(doc)) return cfg;
  const defs = doc;
  // Each definition is a Go OpenAPIDefinition: its schema sits under `Schema` (matched case-insensitively, as Go's JSON decoder does).
  const props = (name: string): Record<string, JsonValue> | undefined => {
    const d = defs[name];
    if (!isJsonObject(d)) return undefined;
    const key = Object.keys(d).find((k) => k.toLowerCase() === 'schema');
    const schema = key === undefined ? undefined : d[key];
    return isJsonObject(schema) && isJsonObject(schema.properties) ? schema.properties : undefined;
  };
  const walk = (kind: string, typeName: string, path: string[], depth: number): void => {
    const p = props(typeName);
    if (!p || depth > 20) return;
    for (const [propName, prop] of Object.entries(p)) {
      if (!isJsonObject(prop)) continue;
      const fsPath = [...path, propName].join('/');
      if (typeof prop['x-kubernetes-annotation'] === 'string') cfg.commonAnnotations.push({ kind, path: fsPath });
      if (typeof prop['x-kubernetes-label-selector'] === 'string') cfg.commonLabels.push({ kind, path: fsPath });
      if (typeof prop['x-kubernetes-identity'] === 'string') cfg.namePrefix.push({ kind, path: fsPath });
      const version = prop['x-kubernetes-object-ref-api-version'];
      const refKind = prop['x-kubernetes-object-ref-kind'];
      if (typeof version === 'string' && typeof refKind === 'string') {
        const nameKey = typeof prop['x-kubernetes-object-ref-name-key'] === 'string' ? prop['x-kubernetes-object-ref-name-key'] : 'name';
        cfg.nameReference.push({ target: { kind: refKind, version }, referrers: [{ kind, path: `${fsPath}/${nameKey}` }] });
      }
      // kustomize looks a $ref up verbatim as a definition name (so '#/definitions/...' never resolves).
      if (typeof prop.$ref === 'string') walk(kind, prop.$ref, [...path, propName], depth + 1);
    }
  };
  for (const name of Object.keys(defs).sort()) {
    const p = props(name);
    if (!p || !('kind' in p) || !('apiVersion' in p) || !('metadata' in p)) continue;
    const parts = name.split('.');
    walk(parts[parts.length - 1] ?? name, name, [], 0);
  }
  return cfg;
}
