/**
 * kustomization.yaml: finding it, parsing it and checking it as kustomize v5 does (strict fields,
 * kind Kustomization or Component, deprecated fields folded into their replacements).
 */
import { join } from 'node:path';
import type { JsonObject, JsonValue, ObjectSelector } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import { KustomizeError } from './errors.js';
import type { Loader } from './fs.js';
import { parseYamlDocuments, YamlParseError } from './yaml.js';

/** File names kustomize recognises, in its order. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

const TOP_FIELDS = new Set([
  'apiVersion', 'kind', 'metadata', 'openapi', 'namePrefix', 'nameSuffix', 'namespace', 'commonLabels', 'labels',
  'commonAnnotations', 'patchesStrategicMerge', 'patchesJson6902', 'patches', 'images', 'imageTags',
  'replacements', 'replicas', 'vars', 'sortOptions', 'resources', 'components', 'crds', 'bases',
  'configMapGenerator', 'secretGenerator', 'helmGlobals', 'helmCharts', 'helmChartInflationGenerator',
  'generatorOptions', 'configurations', 'generators', 'transformers', 'validators', 'buildMetadata',
]);
const GENERATOR_FIELDS = new Set([
  'name', 'namespace', 'behavior', 'files', 'literals', 'envs', 'env', 'options', 'type', 'kvSources',
]);
const OPTIONS_FIELDS = new Set(['labels', 'annotations', 'disableNameSuffixHash', 'immutable']);
const PATCH_FIELDS = new Set(['path', 'patch', 'target', 'options']);
const TARGET_FIELDS = new Set(['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector']);
const IMAGE_FIELDS = new Set(['name', 'newName', 'newTag', 'digest', 'tagSuffix']);
const LABEL_FIELDS = new Set(['pairs', 'includeSelectors', 'includeTemplates', 'fields']);

/** A patch entry after folding `patchesStrategicMerge`/`patchesJson6902` into `patches`. */
export interface PatchEntry {
  path?: string;
  patch?: string;
  target?: PatchTarget;
  options?: { allowNameChange?: boolean; allowKindChange?: boolean };
}

/** Selects the objects a patch applies to. */
export type PatchTarget = ObjectSelector;

/** `generatorOptions` and per-generator `options`. */
export interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
  immutable?: boolean;
}

/** One entry of `configMapGenerator` or `secretGenerator`. */
export interface GeneratorArgs {
  name?: string;
  namespace?: string;
  behavior?: string;
  files: string[];
  literals: string[];
  envs: string[];
  options?: GeneratorOptions;
  type?: string;
}

/** One entry of `images`. */
export interface ImageEntry {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/** One entry of `labels`. */
export interface LabelEntry {
  pairs: Record<string, string>;
  includeSelectors: boolean;
  includeTemplates: boolean;
  fields: { path: string; kind?: string; group?: string; version?: string; create?: boolean }[];
}

/** A parsed, normalised kustomization. */
export interface Kustomization {
  file: string;
  dir: string;
  kind: 'Kustomization' | 'Component';
  raw: JsonObject;
  resources: string[];
  components: string[];
  crds: string[];
  configurations: string[];
  namespace: string;
  namePrefix: string;
  nameSuffix: string;
  commonLabels: Record<string, string>;
  labels: LabelEntry[];
  commonAnnotations: Record<string, string>;
  patches: PatchEntry[];
  /** Deprecated fields, applied by their own transformers at kustomize's positions. */
  patchesStrategicMerge: PatchEntry[];
  patchesJson6902: PatchEntry[];
  images: ImageEntry[];
  replicas: { name: string; count: number }[];
  configMapGenerator: GeneratorArgs[];
  secretGenerator: GeneratorArgs[];
  generatorOptions?: GeneratorOptions;
  replacements: JsonValue[];
  vars: JsonValue[];
  sortOptions?: { order?: string; legacySortOptions?: { orderFirst?: string[]; orderLast?: string[] } };
  buildMetadata: string[];
  openapi?: JsonObject;
  /** Deprecation warnings kustomize would print. */
  warnings: string[];
}

function fail(file: string, reason: string): never {
  throw new KustomizeError(reason, file);
}

function checkFields(file: string, obj: JsonObject, allowed: Set<string>, what: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.has(k)) fail(file, `invalid ${what}: json: unknown field "${k}"`);
  }
}

function strList(file: string, v: JsonValue | undefined, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(file, `invalid Kustomization: field ${field} must be a list`);
  return v.map((x) => {
    if (typeof x === 'object' && x !== null) fail(file, `invalid Kustomization: field ${field} must hold strings`);
    return String(x);
  });
}

function strMap(file: string, v: JsonValue | undefined, field: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isJsonObject(v)) fail(file, `invalid Kustomization: field ${field} must be a map`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) out[k] = x === null ? '' : typeof x === 'object' ? fail(file, `invalid Kustomization: ${field}.${k} must be a string`) : String(x);
  return out;
}

function str(v: JsonValue | undefined): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

function objList(file: string, v: JsonValue | undefined, field: string): JsonObject[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(file, `invalid Kustomization: field ${field} must be a list`);
  return v.map((x) => (isJsonObject(x) ? x : fail(file, `invalid Kustomization: ${field} entries must be maps`)));
}

function parseOptions(file: string, v: JsonValue | undefined): GeneratorOptions | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isJsonObject(v)) fail(file, 'invalid Kustomization: options must be a map');
  checkFields(file, v, OPTIONS_FIELDS, 'Kustomization');
  const o: GeneratorOptions = {};
  if (v.labels !== undefined) o.labels = strMap(file, v.labels, 'labels');
  if (v.annotations !== undefined) o.annotations = strMap(file, v.annotations, 'annotations');
  if (v.disableNameSuffixHash !== undefined) o.disableNameSuffixHash = v.disableNameSuffixHash === true;
  if (v.immutable !== undefined) o.immutable = v.immutable === true;
  return o;
}

function parseGenerators(file: string, v: JsonValue | undefined, field: string): GeneratorArgs[] {
  return objList(file, v, field).map((g) => {
    checkFields(file, g, GENERATOR_FIELDS, 'Kustomization');
    const envs = strList(file, g.envs, 'envs');
    if (g.env !== undefined && g.env !== null) envs.push(String(g.env));
    const args: GeneratorArgs = {
      files: strList(file, g.files, 'files'),
      literals: strList(file, g.literals, 'literals'),
      envs,
    };
    const name = str(g.name);
    if (name !== undefined) args.name = name;
    const ns = str(g.namespace);
    if (ns !== undefined) args.namespace = ns;
    const behavior = str(g.behavior);
    if (behavior !== undefined) args.behavior = behavior;
    const options = parseOptions(file, g.options);
    if (options) args.options = options;
    const type = str(g.type);
    if (type !== undefined) args.type = type;
    return args;
  });
}

function parseTarget(file: string, v: JsonValue | undefined): PatchTarget | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isJsonObject(v)) fail(file, 'invalid Kustomization: patch target must be a map');
  checkFields(file, v, TARGET_FIELDS, 'Kustomization');
  const t: PatchTarget = {};
  for (const k of TARGET_FIELDS) {
    const s = str(v[k]);
    if (s !== undefined) (t as Record<string, string>)[k] = s;
  }
  return t;
}

type PatchField = 'patches' | 'patchesJson6902' | 'patchesStrategicMerge';

function parsePatches(file: string, raw: JsonObject, ctx: { loader: Loader; dir: string; which: PatchField }): PatchEntry[] {
  const { loader, dir, which } = ctx;
  const out: PatchEntry[] = [];
  const one = (p: JsonObject): PatchEntry => {
    checkFields(file, p, PATCH_FIELDS, 'Kustomization');
    const e: PatchEntry = {};
    const path = str(p.path);
    if (path !== undefined) e.path = path;
    const patch = str(p.patch);
    if (patch !== undefined) e.patch = patch;
    const target = parseTarget(file, p.target);
    if (target) e.target = target;
    if (isJsonObject(p.options)) {
      e.options = { allowNameChange: p.options.allowNameChange === true, allowKindChange: p.options.allowKindChange === true };
    }
    return e;
  };
  if (which === 'patches') out.push(...objList(file, raw.patches, 'patches').map(one));
  if (which === 'patchesJson6902') out.push(...objList(file, raw.patchesJson6902, 'patchesJson6902').map(one));
  if (which !== 'patchesStrategicMerge') return out;
  for (const s of strList(file, raw.patchesStrategicMerge, 'patchesStrategicMerge')) {
    // kustomize: a value naming a readable file is a path, anything else an inline patch.
    let isFile = false;
    try {
      isFile = !s.includes('\n') && loader.isFile(dir, s);
    } catch {
      isFile = false;
    }
    out.push(isFile ? { path: s } : { patch: s });
  }
  return out;
}

function parseLabels(file: string, raw: JsonObject): LabelEntry[] {
  return objList(file, raw.labels, 'labels').map((l) => {
    checkFields(file, l, LABEL_FIELDS, 'Kustomization');
    return {
      pairs: strMap(file, l.pairs, 'labels.pairs'),
      includeSelectors: l.includeSelectors === true,
      includeTemplates: l.includeTemplates === true,
      fields: objList(file, l.fields, 'labels.fields').map((f) => {
        const fs: LabelEntry['fields'][number] = { path: String(f.path ?? '') };
        if (f.kind !== undefined) fs.kind = String(f.kind);
        if (f.group !== undefined) fs.group = String(f.group);
        if (f.version !== undefined) fs.version = String(f.version);
        if (f.create !== undefined) fs.create = f.create === true;
        return fs;
      }),
    };
  });
}

/** Finds the kustomization file of `dir`; undefined when there is none. */
export function findKustomizationFile(loader: Loader, dir: string): string | undefined {
  const found = KUSTOMIZATION_FILES.filter((n) => loader.isFile(dir, n));
  if (found.length > 1) throw new KustomizeError(`Found multiple kustomization files under: ${dir}`, dir);
  return found[0] === undefined ? undefined : join(dir, found[0]);
}

/** Parses and validates kustomization text read from `file` in `dir`. */
export function parseKustomization(text: string, file: string, loader: Loader, dir: string): Kustomization {
  let docs: JsonValue[];
  try {
    docs = parseYamlDocuments(text, { file, annotationsAsText: false, timestampsAsText: true });
  } catch (err) {
    if (err instanceof YamlParseError) fail(file, err.reason);
    throw err;
  }
  if (docs.length > 1) fail(file, 'kustomization file must hold a single YAML document');
  const raw = docs[0] ?? {};
  if (!isJsonObject(raw)) fail(file, 'invalid Kustomization: not a map');
  checkFields(file, raw, TOP_FIELDS, 'Kustomization');
  const kind = str(raw.kind) ?? 'Kustomization';
  if (kind !== 'Kustomization' && kind !== 'Component') {
    fail(file, `unexpected kind '${kind}' (want Kustomization or Component)`);
  }
  const apiVersion = str(raw.apiVersion);
  const okVersions = kind === 'Component' ? ['kustomize.config.k8s.io/v1alpha1'] : ['kustomize.config.k8s.io/v1beta1'];
  if (apiVersion !== undefined && !okVersions.includes(apiVersion)) {
    fail(file, `apiVersion for ${kind} should be ${okVersions[0]}`);
  }
  refuseUnsupported(file, raw);
  const warnings = deprecations(raw);
  const commonLabels = strMap(file, raw.commonLabels, 'commonLabels');
  const labels = parseLabels(file, raw);
  for (const l of labels) {
    for (const k of Object.keys(l.pairs)) {
      if (k in commonLabels) fail(file, `label name '${k}' exists in both commonLabels and labels`);
    }
  }
  return assemble({ file, dir, kind, raw, loader, warnings, commonLabels, labels });
}

function refuseUnsupported(file: string, raw: JsonObject): void {
  for (const f of ['helmCharts', 'helmChartInflationGenerator', 'helmGlobals']) {
    if (raw[f] !== undefined) fail(file, `${f} is not allowed: Lockstep does not inflate Helm charts inside kustomize builds`);
  }
  if (raw.openapi !== undefined) {
    fail(file, 'openapi (custom schemas for strategic merge of custom resources) is not supported yet');
  }
  for (const f of ['generators', 'transformers', 'validators']) {
    if (raw[f] !== undefined && strList(file, raw[f], f).length > 0) {
      fail(file, `${f} is not allowed: kustomize plugins are not executed`);
    }
  }
}

function deprecations(raw: JsonObject): string[] {
  const warnings: string[] = [];
  for (const f of ['bases', 'imageTags', 'patchesStrategicMerge', 'patchesJson6902', 'commonLabels', 'vars']) {
    if (raw[f] !== undefined) warnings.push(`Warning: '${f}' is deprecated.`);
  }
  return warnings;
}

interface AssembleInput {
  file: string;
  dir: string;
  kind: 'Kustomization' | 'Component';
  raw: JsonObject;
  loader: Loader;
  warnings: string[];
  commonLabels: Record<string, string>;
  labels: LabelEntry[];
}

function assemble(input: AssembleInput): Kustomization {
  const { file, dir, kind, raw, loader, warnings, commonLabels, labels } = input;
  const k: Kustomization = {
    file,
    dir,
    kind,
    raw,
    resources: [...strList(file, raw.resources, 'resources'), ...strList(file, raw.bases, 'bases')],
    components: strList(file, raw.components, 'components'),
    crds: strList(file, raw.crds, 'crds'),
    configurations: strList(file, raw.configurations, 'configurations'),
    namespace: str(raw.namespace) ?? '',
    namePrefix: str(raw.namePrefix) ?? '',
    nameSuffix: str(raw.nameSuffix) ?? '',
    commonLabels,
    labels,
    commonAnnotations: strMap(file, raw.commonAnnotations, 'commonAnnotations'),
    patches: parsePatches(file, raw, { loader, dir, which: 'patches' }),
    patchesStrategicMerge: parsePatches(file, raw, { loader, dir, which: 'patchesStrategicMerge' }),
    patchesJson6902: parsePatches(file, raw, { loader, dir, which: 'patchesJson6902' }),
    images: [...objList(file, raw.images, 'images'), ...objList(file, raw.imageTags, 'imageTags')].map((i) => {
      checkFields(file, i, IMAGE_FIELDS, 'Kustomization');
      const e: ImageEntry = { name: str(i.name) ?? '' };
      const nn = str(i.newName);
      if (nn !== undefined) e.newName = nn;
      const nt = str(i.newTag);
      if (nt !== undefined) e.newTag = nt;
      const d = str(i.digest);
      if (d !== undefined) e.digest = d;
      return e;
    }),
    replicas: objList(file, raw.replicas, 'replicas').map((r) => ({ name: str(r.name) ?? '', count: Number(r.count ?? 0) })),
    configMapGenerator: parseGenerators(file, raw.configMapGenerator, 'configMapGenerator'),
    secretGenerator: parseGenerators(file, raw.secretGenerator, 'secretGenerator'),
    replacements: Array.isArray(raw.replacements) ? raw.replacements : [],
    vars: Array.isArray(raw.vars) ? raw.vars : [],
    buildMetadata: strList(file, raw.buildMetadata, 'buildMetadata'),
    warnings,
  };
  const go = parseOptions(file, raw.generatorOptions);
  if (go) k.generatorOptions = go;
  if (isJsonObject(raw.sortOptions)) k.sortOptions = raw.sortOptions as Kustomization['sortOptions'];
  if (isJsonObject(raw.openapi)) k.openapi = raw.openapi;
  return k;
}
