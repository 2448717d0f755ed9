/**
 * patches, patchesStrategicMerge and patchesJson6902: strategic merge patches (through the shared
 * merge engine with the built-in schemas) and JSON 6902 patches, selected by target or, for a
 * strategic merge patch without target, by the patch's own id.
 */
import type { JsonObject, JsonValue } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import { applyJsonPatch } from '../../kube/merge/jsonpatch.js';
import { strategicMergeObject } from '../../kube/merge/strategic.js';
import { LabelSelectorError, parseLabelSelector } from '../../kube/labels.js';
import type { LabelMatcher } from '../../kube/labels.js';
import { builtinSchemas } from '../../kube/schema/index.js';
import type { SchemaRegistry } from '../../kube/schema/types.js';
import { KustomizeError } from './errors.js';
import type { Loader } from './fs.js';
import type { Kustomization, PatchEntry, PatchTarget } from './kustomization.js';
import type { Resource } from './resource.js';
import { curId, metadataOf, nameOf, namespaceOf, nsEquals, storePreviousId } from './resource.js';
import type { ResId } from './resid.js';
import { gvkOf, idString } from './resid.js';
import { parseYamlDocuments } from './yaml.js';

let schemas: SchemaRegistry | undefined;
function registry(): SchemaRegistry {
  schemas ??= builtinSchemas();
  return schemas;
}

function fullMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return pattern === value;
  }
}

/**
 * Label or annotation values as kustomize's selectors see them: each scalar as text (`true` → "true", a null
 * → "null"); maps and lists are left out. Known gap: a number is printed from its value, so `1.0` or `0x10`
 * reads "1"/"16" where kustomize sees the source text.
 */
function asTextMap(v: JsonValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isJsonObject(v)) return out;
  for (const [key, x] of Object.entries(v)) {
    if (x === null) out[key] = 'null';
    else if (typeof x !== 'object') out[key] = String(x);
  }
  return out;
}

const compiledSelectors = new Map<string, LabelMatcher | undefined>();
const MAX_COMPILED_SELECTORS = 256;

/**
 * Whether labels or annotations satisfy a selector of a patch, replacement or ignore target, in the API's
 * syntax (`src/kube/labels.ts`, the parser kustomize shares with the API server). An empty selector matches.
 * A bad selector is a KustomizeError naming `file`; like kustomize, it is only noticed once a resource is
 * tested against it. Compiled selectors are cached (bounded).
 */
export function selectorMatches(selector: string | undefined, values: JsonValue | undefined, file: string): boolean {
  if (!selector) return true;
  let matcher = compiledSelectors.get(selector);
  if (matcher === undefined && !compiledSelectors.has(selector)) {
    try {
      matcher = parseLabelSelector(selector);
    } catch (err) {
      if (err instanceof LabelSelectorError) throw new KustomizeError(`invalid selector "${selector}": ${err.message}`, file);
      throw err;
    }
    if (compiledSelectors.size >= MAX_COMPILED_SELECTORS) compiledSelectors.clear();
    compiledSelectors.set(selector, matcher);
  }
  return matcher === undefined || matcher(asTextMap(values));
}

/** kustomize's order: ids first, then the label selector, then the annotation selector (each parsed only when reached). */
function targetSelects(t: PatchTarget, r: Resource, file: string): boolean {
  const ids = [curId(r), ...r.prevIds];
  const g = gvkOf(r.obj);
  if (t.group !== undefined && t.group !== '' && !fullMatch(t.group, g.group)) return false;
  if (t.version && !fullMatch(t.version, g.version)) return false;
  if (t.kind && !fullMatch(t.kind, g.kind)) return false;
  if (t.name && !ids.some((id) => fullMatch(t.name as string, id.name))) return false;
  if (t.namespace && !ids.some((id) => fullMatch(t.namespace as string, id.namespace))) return false;
  const meta = metadataOf(r.obj);
  return selectorMatches(t.labelSelector, meta.labels, file) && selectorMatches(t.annotationSelector, meta.annotations, file);
}

function loadPatch(loader: Loader, k: Kustomization, p: PatchEntry): { text: string; file: string } {
  if (p.path !== undefined && p.patch !== undefined) throw new KustomizeError('patch and path can\'t be set at the same time', k.file);
  if (p.path !== undefined) return { text: loader.readRelative(k.dir, p.path).text, file: p.path };
  if (p.patch !== undefined) return { text: p.patch, file: k.file };
  throw new KustomizeError('must specify one of patch and path in a patch entry', k.file);
}

function nullLabelsToText(d: JsonValue): void {
  if (!isJsonObject(d) || !isJsonObject(d.metadata)) return;
  const labels = d.metadata.labels;
  if (!isJsonObject(labels)) return;
  for (const [key, v] of Object.entries(labels)) if (v === null) labels[key] = 'null';
}

function smp(r: Resource, patch: JsonObject, p: PatchEntry, file: string): void {
  const name = nameOf(r.obj);
  const ns = namespaceOf(r.obj);
  const kind = r.obj.kind;
  if (p.options?.allowNameChange || p.options?.allowKindChange) storePreviousId(r);
  let merged: JsonObject;
  try {
    merged = strategicMergeObject(r.obj, patch, registry(), { unknownFields: 'merge' });
  } catch (err) {
    throw new KustomizeError(`strategic merge patch failed on ${idString(curId(r))}: ${(err as Error).message}`, file);
  }
  for (const key of Object.keys(r.obj)) delete r.obj[key];
  Object.assign(r.obj, merged);
  if (!p.options?.allowKindChange && kind !== undefined) r.obj.kind = kind;
  const meta = metadataOf(r.obj);
  if (!p.options?.allowNameChange) meta.name = name;
  if (ns) meta.namespace = ns;
  else delete meta.namespace;
}

function matchesPatchId(r: Resource, id: ResId): boolean {
  const g = gvkOf(r.obj);
  return [curId(r), ...r.prevIds].some(
    (x) => x.name === id.name && nsEquals(x.namespace, id.namespace) && x.gvk.kind === id.gvk.kind && x.gvk.group === id.gvk.group && x.gvk.version === id.gvk.version,
  ) && g.kind !== '';
}

/** The resources a patch target selects; a bad selector in it is an error naming the kustomization file. */
function selectTargets(t: PatchTarget, resources: Resource[], kustomizationFile: string): Resource[] {
  return resources.filter((x) => targetSelects(t, x, kustomizationFile));
}

function applyJson6902(ops: JsonValue, targets: Resource[], file: string): void {
  for (const r of targets) {
    let out: JsonValue;
    try {
      // kustomize applies 6902 patches with evanphx/json-patch v4, as kubectl does: its loose forms (replace
      // of a missing member, zero-padded/signed/negative indices, missing value, pointer without `/`) pass.
      out = applyJsonPatch(r.obj, ops, { compat: 'kubernetes' });
    } catch (err) {
      throw new KustomizeError(`JSON patch failed on ${idString(curId(r))}: ${(err as Error).message}`, file);
    }
    if (!isJsonObject(out)) throw new KustomizeError('JSON patch produced a non-object', file);
    for (const key of Object.keys(r.obj)) delete r.obj[key];
    Object.assign(r.obj, out);
  }
}

/** Without a target, a strategic merge patch applies to the one resource with its own id. */
function smpTargets(doc: JsonObject, resources: Resource[], file: string): Resource[] {
  const id: ResId = { gvk: gvkOf(doc), name: nameOf(doc), namespace: namespaceOf(doc) };
  const targets = resources.filter((x) => matchesPatchId(x, id));
  if (targets.length !== 1) {
    const s = idString(id);
    throw new KustomizeError(
      targets.length === 0
        ? `no resource matches strategic merge patch "${s}": no matches for Id ${s}; failed to find unique target for patch ${s}`
        : `multiple resources match strategic merge patch "${s}"`,
      file,
    );
  }
  return targets;
}

/** With a target, the patch's own name/kind only identify it: aim it at each object (unless renames are allowed). */
function aimPatch(p: PatchEntry, doc: JsonObject, r: Resource): JsonObject {
  const patch: JsonObject = { ...doc };
  if (!p.target) return patch;
  const meta: JsonObject = { ...(isJsonObject(doc.metadata) ? doc.metadata : {}) };
  if (!p.options?.allowNameChange || meta.name === undefined) meta.name = nameOf(r.obj);
  if (namespaceOf(r.obj)) meta.namespace = namespaceOf(r.obj);
  patch.metadata = meta;
  const kindFixed = !p.options?.allowKindChange;
  if (kindFixed || patch.kind === undefined) patch.kind = r.obj.kind ?? null;
  if (kindFixed || patch.apiVersion === undefined) patch.apiVersion = r.obj.apiVersion ?? null;
  return patch;
}

/** Applies the patches of one field; resources deleted by `$patch: delete` are removed from the list. */
export function applyPatches(loader: Loader, k: Kustomization, entries: PatchEntry[], resources: Resource[]): void {
  const legacy = entries === k.patchesStrategicMerge;
  for (const p of entries) {
    const { text, file } = loadPatch(loader, k, p);
    const docs = parseYamlDocuments(text, { file, annotationsAsText: false });
    // patchesStrategicMerge patches are loaded as resources: null label values become the string "null".
    if (legacy) for (const d of docs) nullLabelsToText(d);
    const first = docs[0];
    if (Array.isArray(first) || (docs.length === 0 && p.target)) {
      // JSON 6902 operations go through go-yaml v2 into interface{}: timestamps stay as written.
      const ops = parseYamlDocuments(text, { file, annotationsAsText: false, timestampsAsText: true })[0];
      if (!p.target) throw new KustomizeError('a JSON 6902 patch needs a target', file);
      applyJson6902(ops ?? [], selectTargets(p.target, resources, k.file), file);
      continue;
    }
    for (const doc of docs) {
      if (!isJsonObject(doc)) throw new KustomizeError('a strategic merge patch must be a map', file);
      const targets = p.target ? selectTargets(p.target, resources, k.file) : smpTargets(doc, resources, file);
      for (const r of targets) {
        if (doc.$patch === 'delete') resources.splice(resources.indexOf(r), 1);
        else smp(r, aimPatch(p, doc, r), p, file);
      }
    }
  }
}
