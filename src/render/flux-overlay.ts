/**
 * Flux's overlay of a Kustomization's spec on top of its path (behaviour of fluxcd/pkg
 * `kustomize.Generator.WriteFile` and kustomize-controller's build step), then the native kustomize
 * build:
 *
 * 1. The path must exist inside the artifact root (symlinks resolved); else {@link OverlayError}.
 * 2. Without a kustomization file, one is generated listing every `.yaml`/`.yml` file under the path
 *    (lexical order; a subdirectory with its own kustomization file is listed as a directory).
 * 3. The spec is merged into the kustomization file: `targetNamespace` sets `namespace`, `namePrefix`/
 *    `nameSuffix` set theirs, `patches` are appended, `images` replace the entry of the same name or are
 *    appended, `components` are appended (missing ones fail unless `ignoreMissingComponents`).
 * 4. The build runs with the load restrictor `None` fenced at the artifact root (as Flux's SecureBuild):
 *    files anywhere in the artifact may be referenced, nothing outside it; remote bases are refused.
 * 5. `commonMetadata` labels and annotations are set on every built object (after the build, so
 *    selectors are not touched — as kustomize-controller does).
 *
 * Caveat: the kustomization file in the path is rewritten in place: call it on a scratch copy (the
 * unpacked artifact).
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parse, stringify } from 'yaml';
import type { CommonMetadata, KustomizationSpec, KustomizeImage, KustomizePatch } from '../api/kustomization.js';
import type { JsonObject } from '../kube/object.js';
import { isJsonObject } from '../kube/object.js';
import { build, type BuildResult } from './kustomize/index.js';

/** The spec fields of a Kustomization that change the build. */
export interface FluxOverlay {
  targetNamespace?: string | undefined;
  namePrefix?: string | undefined;
  nameSuffix?: string | undefined;
  patches?: readonly KustomizePatch[] | undefined;
  images?: readonly KustomizeImage[] | undefined;
  components?: readonly string[] | undefined;
  ignoreMissingComponents?: boolean | undefined;
  commonMetadata?: CommonMetadata | undefined;
}

/**
 * The overlay a Kustomization's spec puts on top of its path (target namespace, prefix/suffix, patches,
 * images, components). `commonMetadata` is left out: it is applied after post-build substitution
 * ({@link setCommonMetadata}), as Flux does. The controller and `lockstep build`/`diff` both use this, so they
 * render alike.
 */
export function overlayOf(spec: KustomizationSpec): FluxOverlay {
  return {
    targetNamespace: spec.targetNamespace,
    namePrefix: spec.namePrefix,
    nameSuffix: spec.nameSuffix,
    patches: spec.patches,
    images: spec.images,
    components: spec.components,
    ignoreMissingComponents: spec.ignoreMissingComponents,
  };
}

/** A problem with the path or the overlay itself (not a kustomize build error). */
export class OverlayError extends Error {
  override readonly name = 'OverlayError';
  constructor(
    message: string,
    /** The path concerned, relative to the artifact root. */
    readonly path: string,
  ) {
    super(message);
  }
}

const kustomizationFiles = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

function findKustomizationFile(dir: string): string | undefined {
  for (const f of kustomizationFiles) {
    const p = join(dir, f);
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  return undefined;
}

/** Resolves `path` (relative to `root`) to a real directory inside `root`; throws {@link OverlayError}. */
export function resolvePath(root: string, path: string | undefined): string {
  const rel = (path ?? '').replace(/^\.?\/+/, '') || '.';
  const abs = resolve(root, rel);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    throw new OverlayError(`kustomization path not found: stat ${rel}: no such file or directory`, rel);
  }
  if (!inside(real, realpathSync(root))) throw new OverlayError(`kustomization path ${rel} points outside the artifact`, rel);
  if (!statSync(real).isDirectory()) throw new OverlayError(`kustomization path ${rel} is not a directory`, rel);
  return real;
}

function scanManifests(dir: string, base: string, out: string[]): void {
  for (const name of (readdirSafe(dir)).sort()) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) {
      if (findKustomizationFile(p)) out.push(relative(base, p));
      else scanManifests(p, base, out);
    } else if (/\.ya?ml$/.test(name)) {
      out.push(relative(base, p));
    }
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function mergeImages(existing: unknown, images: readonly KustomizeImage[]): JsonObject[] {
  const list: JsonObject[] = Array.isArray(existing) ? existing.filter(isJsonObject) : [];
  for (const img of images) {
    const entry: JsonObject = { name: img.name };
    if (img.newName) entry.newName = img.newName;
    if (img.newTag) entry.newTag = img.newTag;
    if (img.digest) entry.digest = img.digest;
    const i = list.findIndex((e) => e.name === img.name);
    if (i >= 0) list[i] = entry;
    else list.push(entry);
  }
  return list;
}

function componentList(dir: string, existing: unknown, overlay: FluxOverlay): string[] {
  const list: string[] = Array.isArray(existing) ? existing.filter((c): c is string => typeof c === 'string') : [];
  for (const c of overlay.components ?? []) {
    if (isAbsolute(c) || /^[a-z]+:\/\//.test(c)) throw new OverlayError(`component ${c} must be a local relative path`, c);
    if (!existsSync(resolve(dir, c))) {
      if (overlay.ignoreMissingComponents) continue;
      throw new OverlayError(`component ${c} not found: stat ${c}: no such file or directory`, c);
    }
    list.push(c);
  }
  return list;
}

/**
 * Writes the kustomization file of `dir` with the overlay merged in (generating it when absent).
 * Returns whether it was `created` or `updated`; nothing is written when the overlay is empty and a
 * file exists (`unchanged`).
 */
export function writeFluxKustomization(dir: string, overlay: FluxOverlay): 'created' | 'updated' | 'unchanged' {
  const existing = findKustomizationFile(dir);
  let k: JsonObject;
  if (existing) {
    const parsed: unknown = parse(readFileSync(existing, 'utf8'));
    k = isJsonObject(parsed) ? parsed : {};
  } else {
    const resources: string[] = [];
    scanManifests(dir, dir, resources);
    k = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources };
  }
  let changed = !existing;
  if (overlay.targetNamespace) [k.namespace, changed] = [overlay.targetNamespace, true];
  if (overlay.namePrefix) [k.namePrefix, changed] = [overlay.namePrefix, true];
  if (overlay.nameSuffix) [k.nameSuffix, changed] = [overlay.nameSuffix, true];
  if (overlay.patches?.length) {
    const list = Array.isArray(k.patches) ? k.patches : [];
    for (const p of overlay.patches) list.push(p.target ? { patch: p.patch, target: { ...p.target } } : { patch: p.patch });
    [k.patches, changed] = [list, true];
  }
  if (overlay.images?.length) [k.images, changed] = [mergeImages(k.images, overlay.images), true];
  if (overlay.components?.length) [k.components, changed] = [componentList(dir, k.components, overlay), true];
  if (!changed) return 'unchanged';
  writeFileSync(existing ?? join(dir, 'kustomization.yaml'), stringify(k, { lineWidth: 0 }));
  return existing ? 'updated' : 'created';
}

/** Sets `commonMetadata` labels and annotations on every object (in place; later values win). */
export function setCommonMetadata(objects: JsonObject[], meta: CommonMetadata | undefined): void {
  if (!meta || (!meta.labels && !meta.annotations)) return;
  for (const o of objects) {
    const md: JsonObject = isJsonObject(o.metadata) ? o.metadata : (o.metadata = {});
    for (const f of ['labels', 'annotations'] as const) {
      const add = meta[f];
      if (!add || Object.keys(add).length === 0) continue;
      md[f] = { ...(isJsonObject(md[f]) ? md[f] : {}), ...add };
    }
  }
}

/** Options of {@link renderFluxPath}. */
export interface RenderOptions {
  /** The unpacked artifact (the fence of the build). */
  root: string;
  /** `spec.path` (default the root). */
  path?: string | undefined;
  overlay?: FluxOverlay;
  /** Most objects one build may produce (default 20,000). */
  maxResources?: number;
}

/**
 * Steps 1–5 of the module comment. Throws {@link OverlayError} for the path and overlay, or the
 * engine's `KustomizeError` (naming the file) for build failures.
 */
export function renderFluxPath(opts: RenderOptions): BuildResult {
  const dir = resolvePath(opts.root, opts.path);
  writeFluxKustomization(dir, opts.overlay ?? {});
  const result = build(dir, { fenceRoot: realpathSync(opts.root), restrictor: 'None', generateMissingKustomization: false, ...(opts.maxResources ? { maxResources: opts.maxResources } : {}) });
  setCommonMetadata(result.objects, opts.overlay?.commonMetadata);
  return result;
}
