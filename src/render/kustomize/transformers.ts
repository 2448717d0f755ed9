/**
 * kustomize's built-in transformers over a list of resources: namespace, name prefix/suffix, labels,
 * annotations, images, replicas. Each follows the v5.5.0 field specs in `configs.ts`.
 */
import type { JsonObject, JsonValue } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import type { TransformerConfig } from './config.js';
import { IMAGE_SPECS } from './configs.js';
import { KustomizeError } from './errors.js';
import type { FieldSpec } from './fieldspec.js';
import { specSelects, visitField } from './fieldspec.js';
import type { ImageEntry, Kustomization } from './kustomization.js';
import type { Resource } from './resource.js';
import { curId, metadataOf, nameOf, orgId, storePreviousId } from './resource.js';
import { gvkOf, gvkSelected, idString, isClusterScoped } from './resid.js';

function setMapEntries(specs: FieldSpec[], pairs: Record<string, string>, resources: Resource[]): void {
  if (Object.keys(pairs).length === 0) return;
  for (const r of resources) {
    const g = gvkOf(r.obj);
    for (const fs of specs) {
      if (!specSelects(fs, g)) continue;
      visitField(r.obj, fs, (value) => {
        const m: JsonObject = isJsonObject(value) ? value : {};
        for (const [k, v] of Object.entries(pairs)) m[k] = v;
        return m;
      });
    }
  }
}

/** commonLabels and labels. */
export function applyLabels(k: Kustomization, resources: Resource[], cfg: TransformerConfig): void {
  setMapEntries(cfg.commonLabels, k.commonLabels, resources);
  for (const l of k.labels) {
    const specs: FieldSpec[] = l.includeSelectors ? [...cfg.commonLabels] : l.includeTemplates ? [...cfg.templateLabels] : [{ path: 'metadata/labels', create: true }];
    specs.push(...l.fields);
    setMapEntries(specs, l.pairs, resources);
  }
}

/** commonAnnotations. */
export function applyAnnotations(k: Kustomization, resources: Resource[], cfg: TransformerConfig): void {
  setMapEntries(cfg.commonAnnotations, k.commonAnnotations, resources);
}

/** The namespace transformer (metadata.namespace, Namespace names, RoleBinding subjects named default). */
export function applyNamespace(k: Kustomization, resources: Resource[], cfg: TransformerConfig): void {
  const ns = k.namespace;
  if (!ns) return;
  for (const r of resources) {
    storePreviousId(r);
    const g = gvkOf(r.obj);
    if (!isClusterScoped(g)) metadataOf(r.obj).namespace = ns;
    if (g.kind === 'Namespace' && r.obj.apiVersion === 'v1') metadataOf(r.obj).name = ns;
    if (g.kind === 'RoleBinding' || g.kind === 'ClusterRoleBinding') {
      const subjects = r.obj.subjects;
      if (Array.isArray(subjects)) {
        for (const s of subjects) if (isJsonObject(s) && s.name === 'default') s.namespace = ns;
      }
    }
    for (const fs of cfg.namespace) {
      if (specSelects(fs, g)) visitField(r.obj, fs, () => ns);
    }
  }
  const seen = new Set<string>();
  for (const r of resources) {
    const id = curId(r);
    const key = `${id.gvk.group}|${id.gvk.version}|${id.gvk.kind}|${id.namespace}|${id.name}`;
    if (seen.has(key)) throw new KustomizeError(`namespace transformation produces ID conflict: ${idString(id)}`, k.file);
    seen.add(key);
  }
}

const PREFIX_SKIP: { group?: string; kind: string }[] = [
  { kind: 'CustomResourceDefinition' },
  { group: 'apiregistration.k8s.io', kind: 'APIService' },
  { kind: 'Namespace' },
];

/** namePrefix and nameSuffix. */
export function applyPrefixSuffix(k: Kustomization, resources: Resource[], cfg: TransformerConfig): void {
  for (const [value, which] of [[k.namePrefix, 'prefix'], [k.nameSuffix, 'suffix']] as const) {
    if (!value) continue;
    const extra = (which === 'prefix' ? cfg.namePrefix : cfg.nameSuffix).filter((fs) => fs.path !== 'metadata/name');
    for (const r of resources) {
      const id = orgId(r);
      if (PREFIX_SKIP.some((s) => gvkSelected(id.gvk, s))) continue;
      for (const fs of extra) {
        if (!specSelects(fs, id.gvk)) continue;
        visitField(r.obj, fs, (v) => (typeof v === 'string' ? (which === 'prefix' ? value + v : v + value) : undefined), false);
      }
      if (which === 'prefix') r.prefixes.push(value);
      else r.suffixes.push(value);
      storePreviousId(r);
      const meta = metadataOf(r.obj);
      const name = nameOf(r.obj);
      meta.name = which === 'prefix' ? value + name : name + value;
    }
  }
}

/** Splits an image reference into name, tag and digest as kustomize does. */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  const slash = image.indexOf('/');
  const off = slash > 0 ? slash : 0;
  const search = image.slice(off);
  let id = search.indexOf('@');
  let ic = search.indexOf(':');
  if (ic < 0 && id < 0) return { name: image, tag: '', digest: '' };
  if (id >= 0 && (id < ic || ic < 0)) {
    id += off;
    return { name: image.slice(0, id), tag: '', digest: image.slice(id + 1) };
  }
  if (id >= 0 && ic >= 0) {
    id += off;
    ic += off;
    return { name: image.slice(0, ic), tag: image.slice(ic + 1, id), digest: image.slice(id + 1) };
  }
  ic += off;
  return { name: image.slice(0, ic), tag: image.slice(ic + 1), digest: '' };
}

function updateImage(value: string, e: ImageEntry): string {
  const parts = splitImage(value);
  if (parts.name !== e.name) return value;
  let { name, tag, digest } = parts;
  if (e.newName) name = e.newName;
  if (e.newTag && e.digest) {
    tag = e.newTag;
    digest = e.digest;
  } else if (e.newTag) {
    tag = e.newTag;
    digest = '';
  } else if (e.digest) {
    tag = '';
    digest = e.digest;
  }
  return name + (tag ? `:${tag}` : '') + (digest ? `@${digest}` : '');
}

function walkContainers(v: JsonValue, images: ImageEntry[]): void {
  if (Array.isArray(v)) {
    for (const x of v) walkContainers(x, images);
    return;
  }
  if (!isJsonObject(v)) return;
  for (const [key, child] of Object.entries(v)) {
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(child)) {
      for (const c of child) {
        if (isJsonObject(c) && typeof c.image === 'string') {
          for (const e of images) c.image = updateImage(c.image as string, e);
        }
      }
    }
    walkContainers(child, images);
  }
}

/** images: every `containers[].image` and `initContainers[].image`, wherever they are. */
export function applyImages(k: Kustomization, resources: Resource[], cfg: TransformerConfig): void {
  if (k.images.length === 0) return;
  const extra = cfg.images.filter((fs) => !IMAGE_SPECS.some((d) => d.path === fs.path && !d.kind));
  for (const r of resources) {
    walkContainers(r.obj, k.images);
    const g = gvkOf(r.obj);
    for (const fs of extra) {
      if (!specSelects(fs, g)) continue;
      visitField(r.obj, fs, (v) => (typeof v === 'string' ? k.images.reduce((img, e) => updateImage(img, e), v) : undefined), false);
    }
  }
}

/** replicas: by name (current or previous), on the kinds that have spec.replicas. */
export function applyReplicas(k: Kustomization, resources: Resource[], cfg: TransformerConfig): void {
  for (const rep of k.replicas) {
    for (const r of resources) {
      const names = [nameOf(r.obj), ...r.prevIds.map((p) => p.name)];
      if (!names.includes(rep.name)) continue;
      const g = gvkOf(r.obj);
      for (const fs of cfg.replicas) {
        if (specSelects(fs, g)) visitField(r.obj, fs, () => rep.count);
      }
    }
  }
}
