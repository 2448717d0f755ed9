/**
 * `kustomize build` in process: accumulate resources (files, directories, nested kustomizations,
 * components), run generators and transformers in kustomize's order per layer, then at the top add
 * hash suffixes, fix name references, sort and print. Nothing partial is returned: any error throws
 * a KustomizeError naming the file and the reason.
 */
import { dirname, join, relative, resolve } from 'node:path';
import type { JsonObject } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import { KustomizeError } from './errors.js';
import type { KustomizeFs, LoadRestrictor } from './fs.js';
import { diskFs, Loader } from './fs.js';
import { generate, contentHash } from './generators.js';
import type { Kustomization } from './kustomization.js';
import { findKustomizationFile, parseKustomization } from './kustomization.js';
import { fixNameReferences } from './nameref.js';
import { applyPatches } from './patches.js';
import { applyReplacements } from './replacements.js';
import type { BoundVar } from './vars.js';
import { bindVars, resolveVars } from './vars.js';
import type { Resource } from './resource.js';
import { curId, metadataOf, nameOf, newResource, nsEquals, storePreviousId } from './resource.js';
import { idString, kindRanks, legacyCompare } from './resid.js';
import { applyAnnotations, applyImages, applyLabels, applyNamespace, applyPrefixSuffix, applyReplicas } from './transformers.js';
import type { TransformerConfig } from './config.js';
import { defaultConfig, mergeConfig, parseConfiguration, parseCrdDefinitions } from './config.js';
import { emitDocument, ParseCache, parseYamlDocuments, withParseCache, YamlParseError } from './yaml.js';

/** Options of {@link build}. */
export interface BuildOptions {
  /** File system to read (default: the local disk). */
  fs?: KustomizeFs;
  /** No file outside this directory may be read (default: the directory built). */
  fenceRoot?: string;
  /** kustomize load restrictor (default RootOnly). */
  restrictor?: LoadRestrictor;
  /** Largest file read, in bytes (default 4 MiB). */
  maxFileBytes?: number;
  /** Most resources one build may produce (default 20,000). */
  maxResources?: number;
  /** Flux's rule: build a directory without kustomization.yaml as if one listed every manifest (default true). */
  generateMissingKustomization?: boolean;
  /**
   * Parsed YAML kept by file text across builds (default: one cache shared by the process, 4 MiB of text);
   * `false` parses every file again.
   */
  parseCache?: ParseCache | false;
}

/** The process-wide parse cache builds use unless told otherwise. */
const sharedParseCache = new ParseCache();

/** Defaults of {@link BuildOptions}. */
export function defaultBuildOptions(): Required<Omit<BuildOptions, 'fs' | 'fenceRoot' | 'parseCache'>> {
  return { restrictor: 'RootOnly', maxFileBytes: 4 * 1024 * 1024, maxResources: 20_000, generateMissingKustomization: true };
}

/** Result of a build. */
export interface BuildResult {
  objects: JsonObject[];
  yaml: string;
  warnings: string[];
}

interface Ctx {
  loader: Loader;
  opts: Required<Omit<BuildOptions, 'fs' | 'fenceRoot' | 'parseCache'>>;
  stack: string[];
  warnings: string[];
  vars: BoundVar[];
}

/**
 * A remote base or component (a URL, git address or `?ref=`): never fetched; the build fails with an error
 * naming the kustomization file and the URL.
 */
function isRemote(ref: string): boolean {
  return /^(https?:\/\/|git@|ssh:\/\/|git::|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/.test(ref) || /\?ref=/.test(ref);
}

function idKey(r: Resource): string {
  const id = curId(r);
  return `${id.gvk.group}|${id.gvk.version}|${id.gvk.kind}|${id.namespace || 'default'}|${id.name}`;
}

function append(list: Resource[], add: Resource[], file: string): void {
  const seen = new Set(list.map(idKey));
  for (const r of add) {
    const key = idKey(r);
    if (seen.has(key)) throw new KustomizeError(`may not add resource with an already registered id: ${idString(curId(r))}`, file);
    seen.add(key);
    list.push(r);
  }
}

function resourcesFromFile(ctx: Ctx, dir: string, ref: string): Resource[] {
  const f = ctx.loader.readRelative(dir, ref);
  let docs;
  try {
    docs = parseYamlDocuments(f.text, { file: ref });
  } catch (err) {
    if (err instanceof YamlParseError) throw new KustomizeError(err.reason, f.path);
    throw err;
  }
  const out: Resource[] = [];
  for (const d of docs) {
    if (!isJsonObject(d)) throw new KustomizeError('a resource must be a YAML map', f.path);
    const items = typeof d.kind === 'string' && d.kind.endsWith('List') && Array.isArray(d.items) ? d.items : [d];
    for (const item of items) {
      if (!isJsonObject(item)) throw new KustomizeError('a List item must be a map', f.path);
      if (typeof item.kind !== 'string' || item.kind === '') throw new KustomizeError('missing kind in object', f.path);
      out.push(newResource(item, f.path));
    }
  }
  return out;
}

function loadKustomization(ctx: Ctx, dir: string, allowGenerate: boolean): Kustomization {
  const file = findKustomizationFile(ctx.loader, dir);
  if (!file) {
    if (allowGenerate) return generatedKustomization(ctx, dir);
    throw new KustomizeError(`unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${dir}'`, dir);
  }
  const text = ctx.loader.readChecked(file).toString('utf8');
  const k = parseKustomization(text, file, ctx.loader, dir);
  ctx.warnings.push(...k.warnings);
  return k;
}

/**
 * Flux's generator (fluxcd/pkg kustomize): every `.yaml`/`.yml` file under `dir`, recursively in
 * lexical order, becomes a resource; a subdirectory holding a kustomization file is listed as a
 * directory and not descended into.
 */
function generatedKustomization(ctx: Ctx, dir: string): Kustomization {
  const resources: string[] = [];
  const walk = (d: string): void => {
    for (const name of ctx.loader.list(d)) {
      const p = join(d, name);
      const st = ctx.loader.opts.fs.stat(p);
      if (!st) continue;
      if (st.isDirectory) {
        if (findKustomizationFile(ctx.loader, p)) resources.push(relative(dir, p));
        else walk(p);
      } else if (/\.ya?ml$/.test(name)) {
        resources.push(relative(dir, p));
      }
    }
  };
  walk(dir);
  const file = join(dir, 'kustomization.yaml');
  return parseKustomization(JSON.stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }), file, ctx.loader, dir);
}

function accumulateResources(ctx: Ctx, k: Kustomization, list: Resource[], cfg: TransformerConfig): void {
  for (const ref of k.resources) {
    if (isRemote(ref)) {
      throw new KustomizeError(`remote resource '${ref}' refused: remote bases are not supported (vendor the base into the source)`, k.file);
    }
    const r = ctx.loader.resolve(k.dir, ref);
    if (r.isDirectory) {
      const sub = accumulateDir(ctx, r.path, 'Kustomization');
      append(list, sub.list, k.file);
      mergeConfig(cfg, sub.cfg);
    } else {
      append(list, resourcesFromFile(ctx, k.dir, ref), ref);
    }
    if (list.length > ctx.opts.maxResources) throw new KustomizeError(`more than ${ctx.opts.maxResources} resources`, k.file);
  }
}

function enter(ctx: Ctx, dir: string): void {
  if (ctx.stack.includes(dir)) {
    throw new KustomizeError(`cycle detected: candidate root '${dir}' contains visited root '${dir}'`, dir);
  }
  ctx.stack.push(dir);
}

function accumulateDir(ctx: Ctx, dir: string, want: 'Kustomization'): { list: Resource[]; cfg: TransformerConfig } {
  enter(ctx, dir);
  try {
    const k = loadKustomization(ctx, dir, false);
    if (k.kind !== want) throw new KustomizeError(`expected kind '${want}' for path '${dir}' but got '${k.kind}'`, k.file);
    const list: Resource[] = [];
    const cfg = defaultConfig();
    accumulateTarget(ctx, k, list, cfg);
    return { list, cfg };
  } finally {
    ctx.stack.pop();
  }
}

function absorbGenerated(k: Kustomization, list: Resource[], gen: Resource): void {
  const id = curId(gen);
  const matches = list.filter((r) => {
    const ids = [curId(r), ...r.prevIds];
    return ids.some((x) => x.gvk.kind === id.gvk.kind && x.name === id.name && nsEquals(x.namespace, id.namespace));
  });
  const behavior = gen.behavior ?? 'create';
  if (matches.length === 0) {
    if (behavior === 'merge' || behavior === 'replace') {
      throw new KustomizeError(`id ${idString(id)} does not exist; cannot merge or replace`, k.file);
    }
    append(list, [gen], k.file);
    return;
  }
  const old = matches[0] as Resource;
  if (matches.length > 1 || behavior === 'create') {
    throw new KustomizeError(`id ${idString(id)} exists; behavior must be merge or replace`, k.file);
  }
  const oldMeta = metadataOf(old.obj);
  const newMeta = metadataOf(gen.obj);
  const obj: JsonObject = { ...gen.obj };
  if (behavior === 'merge') {
    for (const f of ['data', 'binaryData'] as const) {
      const merged = { ...(isJsonObject(old.obj[f]) ? old.obj[f] : {}), ...(isJsonObject(gen.obj[f]) ? gen.obj[f] : {}) };
      if (Object.keys(merged).length > 0) obj[f] = merged;
    }
  }
  const meta: JsonObject = { ...newMeta, name: oldMeta.name ?? '' };
  if (oldMeta.namespace !== undefined) meta.namespace = oldMeta.namespace;
  for (const f of ['labels', 'annotations'] as const) {
    const merged = { ...(isJsonObject(oldMeta[f]) ? oldMeta[f] : {}), ...(isJsonObject(newMeta[f]) ? newMeta[f] : {}) };
    if (Object.keys(merged).length > 0) meta[f] = merged;
  }
  obj.metadata = meta;
  old.obj = obj;
  old.needsHash = old.needsHash && gen.needsHash;
}

function runGenerators(ctx: Ctx, k: Kustomization, list: Resource[]): void {
  for (const [field, kind] of [['configMapGenerator', 'ConfigMap'], ['secretGenerator', 'Secret']] as const) {
    for (const args of k[field]) {
      const gen = generate({ loader: ctx.loader, k, args, kind });
      absorbGenerated(k, list, gen);
    }
  }
}

function accumulateComponents(ctx: Ctx, k: Kustomization, list: Resource[], cfg: TransformerConfig): void {
  for (const ref of k.components) {
    if (isRemote(ref)) throw new KustomizeError(`remote component '${ref}' refused: remote bases are not supported (vendor the component into the source)`, k.file);
    const r = ctx.loader.resolve(k.dir, ref);
    if (!r.isDirectory) throw new KustomizeError(`component '${ref}' must be a directory`, k.file);
    enter(ctx, r.path);
    try {
      const c = loadKustomization(ctx, r.path, false);
      if (c.kind !== 'Component') throw new KustomizeError(`expected kind 'Component' for path '${r.path}' but got '${c.kind}'`, c.file);
      accumulateTarget(ctx, c, list, cfg);
    } finally {
      ctx.stack.pop();
    }
  }
}

/** `configurations:` files and `crds:` definitions of a kustomization, merged into `cfg`. */
function loadConfigs(ctx: Ctx, k: Kustomization, cfg: TransformerConfig): void {
  for (const [files, parse] of [[k.configurations, parseConfiguration], [k.crds, parseCrdDefinitions]] as const) {
    for (const ref of files) {
      const f = ctx.loader.readRelative(k.dir, ref);
      let docs;
      try {
        docs = parseYamlDocuments(f.text, { file: ref, annotationsAsText: false, timestampsAsText: true });
      } catch (err) {
        if (err instanceof YamlParseError) throw new KustomizeError(err.reason, f.path);
        throw err;
      }
      for (const d of docs) mergeConfig(cfg, parse(f.path, d));
    }
  }
}

function accumulateTarget(ctx: Ctx, k: Kustomization, list: Resource[], cfg: TransformerConfig): void {
  accumulateResources(ctx, k, list, cfg);
  loadConfigs(ctx, k, cfg);
  runGenerators(ctx, k, list);
  accumulateComponents(ctx, k, list, cfg);
  applyPatches(ctx.loader, k, k.patchesStrategicMerge, list);
  applyPatches(ctx.loader, k, k.patches, list);
  applyNamespace(k, list, cfg);
  applyPrefixSuffix(k, list, cfg);
  applyLabels(k, list, cfg);
  applyAnnotations(k, list, cfg);
  applyPatches(ctx.loader, k, k.patchesJson6902, list);
  applyReplicas(k, list, cfg);
  applyImages(k, list, cfg);
  applyReplacements(ctx.loader, k, list);
  bindVars(k, list, ctx.vars);
}

function addHashes(list: Resource[]): void {
  for (const r of list) {
    if (!r.needsHash) continue;
    const h = contentHash(r.obj);
    storePreviousId(r);
    metadataOf(r.obj).name = `${nameOf(r.obj)}-${h}`;
  }
}

function sortResources(k: Kustomization, list: Resource[]): Resource[] {
  const so = k.sortOptions;
  if (so?.order === 'fifo') return list;
  const ranks = kindRanks(so?.legacySortOptions?.orderFirst, so?.legacySortOptions?.orderLast);
  const cmp = legacyCompare(ranks);
  return list
    .map((r) => ({ r, id: curId(r) }))
    .sort((a, b) => cmp(a.id, b.id))
    .map((x) => x.r);
}

/**
 * buildMetadata of the top kustomization: `originAnnotations` (config.kubernetes.io/origin, paths
 * relative to the built directory) and `managedByLabel` (the value kubectl's embedded kustomize prints).
 */
function addBuildMetadata(k: Kustomization, list: Resource[]): void {
  const bm = new Set(k.buildMetadata);
  for (const f of bm) {
    if (f !== 'originAnnotations' && f !== 'managedByLabel') {
      throw new KustomizeError(`buildMetadata option '${f}' is not supported`, k.file);
    }
  }
  for (const r of list) {
    const meta = metadataOf(r.obj);
    if (bm.has('managedByLabel')) {
      meta.labels = { ...(isJsonObject(meta.labels) ? meta.labels : {}), 'app.kubernetes.io/managed-by': 'kustomize-(devel)' };
    }
    if (bm.has('originAnnotations')) {
      const rel = relative(k.dir, r.origin);
      const text = r.generatedBy
        ? `configuredIn: ${rel}\nconfiguredBy:\n  apiVersion: builtin\n  kind: ${r.generatedBy}\n`
        : `path: ${rel}\n`;
      meta.annotations = { ...(isJsonObject(meta.annotations) ? meta.annotations : {}), 'config.kubernetes.io/origin': text };
    }
  }
}

function dropEmptyAnnotations(obj: JsonObject): JsonObject {
  const meta = obj.metadata;
  if (isJsonObject(meta) && isJsonObject(meta.annotations) && Object.keys(meta.annotations).length === 0) delete meta.annotations;
  return obj;
}

/** Builds the kustomization in `dir` and returns the ordered objects and their YAML. */
export function build(dir: string, options: BuildOptions = {}): BuildResult {
  const cache = options.parseCache === false ? undefined : (options.parseCache ?? sharedParseCache);
  return withParseCache(cache, () => buildUncached(dir, options));
}

function buildUncached(dir: string, options: BuildOptions): BuildResult {
  const opts = { ...defaultBuildOptions(), ...options };
  const fs = options.fs ?? diskFs();
  const absDir = resolve(dir);
  const loader = new Loader({ fs, fenceRoot: options.fenceRoot ?? absDir, restrictor: opts.restrictor, maxFileBytes: opts.maxFileBytes });
  const root = loader.resolve(dirname(absDir), absDir);
  if (!root.isDirectory) throw new KustomizeError('must build at directory: not a valid directory', absDir);
  const ctx: Ctx = { loader, opts, stack: [root.path], warnings: [], vars: [] };
  const k = loadKustomization(ctx, root.path, opts.generateMissingKustomization);
  if (k.kind !== 'Kustomization') throw new KustomizeError(`expected kind 'Kustomization' but got '${k.kind}'`, k.file);
  const list: Resource[] = [];
  const cfg = defaultConfig();
  accumulateTarget(ctx, k, list, cfg);
  addHashes(list);
  fixNameReferences(list, cfg.nameReference);
  resolveVars(ctx.vars, list, cfg.varReference);
  addBuildMetadata(k, list);
  const sorted = sortResources(k, list);
  const objects = sorted.map((r) => dropEmptyAnnotations(r.obj));
  const yaml = objects.map(emitDocument).join('---\n');
  return { objects, yaml, warnings: ctx.warnings };
}
