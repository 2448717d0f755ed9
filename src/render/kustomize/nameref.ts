/**
 * Name references: after prefixes, suffixes, namespaces and hashes changed names, every field that
 * names another object (configs.ts NAME_REFERENCES) is updated to the referral's new name, choosing
 * the referral as kustomize's nameref filter does (previous name, GVK, roleRef kind, namespace,
 * prefixes/suffixes).
 */
import type { JsonObject, JsonValue } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import type { NameBackRef } from './configs.js';
import { KustomizeError } from './errors.js';
import type { FieldSpec } from './fieldspec.js';
import { visitField } from './fieldspec.js';
import type { Resource } from './resource.js';
import { curId, nameOf, namespaceOf, nsEquals, orgId } from './resource.js';
import type { Gvk, ResId } from './resid.js';
import { gvkSelected, idString, isClusterScoped } from './resid.js';

function sameEnding(a: string[], b: string[]): boolean {
  const short = a.length <= b.length ? a : b;
  const long = a.length <= b.length ? b : a;
  for (let i = 1; i <= short.length; i++) if (short[short.length - i] !== long[long.length - i]) return false;
  return true;
}

function affixEquals(r: Resource, o: Resource, allowEmpty: boolean): boolean {
  if (allowEmpty) {
    const p = r.prefixes.length === 0 || o.prefixes.length === 0 || sameEnding(r.prefixes, o.prefixes);
    const s = r.suffixes.length === 0 || o.suffixes.length === 0 || sameEnding(r.suffixes, o.suffixes);
    return p && s;
  }
  return sameEnding(r.prefixes, o.prefixes) && sameEnding(r.suffixes, o.suffixes);
}

interface Ctx {
  referrer: Resource;
  target: Partial<Gvk>;
  path: string;
  /** May this resource be referenced by the referrer at all (kustomize's SubsetThatCouldBeReferencedByResource). */
  referenceable: (r: Resource) => boolean;
  index: Index;
}

/** Current ids computed once, and resources by every previous name. */
interface Index {
  ids: Map<Resource, ResId>;
  byPrevName: Map<string, Resource[]>;
}

function buildIndex(resources: Resource[]): Index {
  const ids = new Map<Resource, ResId>();
  const byPrevName = new Map<string, Resource[]>();
  for (const r of resources) {
    ids.set(r, curId(r));
    for (const name of new Set(r.prevIds.map((p) => p.name))) {
      const l = byPrevName.get(name);
      if (l) l.push(r);
      else byPrevName.set(name, [r]);
    }
  }
  return { ids, byPrevName };
}

function roleRefGvk(r: Resource): Partial<Gvk> | undefined {
  const rr = r.obj.roleRef;
  if (!isJsonObject(rr) || typeof rr.kind !== 'string' || typeof rr.apiGroup !== 'string') return undefined;
  return { group: rr.apiGroup, kind: rr.kind };
}

function select(ctx: Ctx, oldName: string, narrow: (rs: Resource[]) => Resource[], identical: (rs: Resource[]) => boolean): Resource | undefined {
  let c = narrow((ctx.index.byPrevName.get(oldName) ?? []).filter(ctx.referenceable));
  c = c.filter((r) => r.prevIds.some((id) => gvkSelected(id.gvk, ctx.target)));
  if (ctx.path.endsWith('roleRef/name')) {
    const g = roleRefGvk(ctx.referrer);
    if (g) c = c.filter((r) => r.prevIds.some((id) => gvkSelected(id.gvk, g)));
  }
  const refId = ctx.index.ids.get(ctx.referrer) as ResId;
  if (!isClusterScoped(refId.gvk)) {
    c = c.filter((r) => {
      const id = ctx.index.ids.get(r) as ResId;
      return isClusterScoped(id.gvk) || id.gvk.kind === 'ServiceAccount' || nsEquals(id.namespace, refId.namespace);
    });
  }
  if (c.length === 1) return c[0];
  c = c.filter((r) => affixEquals(r, ctx.referrer, true));
  if (c.length > 1) c = c.filter((r) => affixEquals(r, ctx.referrer, false));
  if (c.length === 1) return c[0];
  if (c.length === 0) return undefined;
  if (identical(c)) return c[0];
  throw new KustomizeError(`found multiple possible referrals: ${c.map((r) => idString(curId(r))).join(', ')}`, ctx.referrer.origin);
}

const sameNames = (rs: Resource[]): boolean => rs.every((r) => nameOf(r.obj) === nameOf((rs[0] as Resource).obj));
const sameNamesNs = (rs: Resource[]): boolean =>
  rs.every((r) => nameOf(r.obj) === nameOf((rs[0] as Resource).obj) && namespaceOf(r.obj) === namespaceOf((rs[0] as Resource).obj));

function setScalar(ctx: Ctx, value: string): string | undefined {
  const ref = select(ctx, value, (rs) => rs, sameNames);
  if (!ref) return undefined;
  const n = nameOf(ref.obj);
  return n === value ? undefined : n;
}

function setMapping(ctx: Ctx, node: JsonObject): void {
  if (typeof node.name !== 'string') return;
  const ns = node.namespace;
  const narrow = (rs: Resource[]): Resource[] => {
    if (typeof ns !== 'string') return rs;
    // kustomize groups all candidates by original namespace first, then by current namespace.
    const all = ctx.index.byPrevName;
    const anyOrg = [...all.values()].some((l) => l.some((r) => ctx.referenceable(r) && (orgId(r).namespace || 'default') === (ns || 'default')));
    return anyOrg ? rs.filter((r) => (orgId(r).namespace || 'default') === (ns || 'default')) : rs.filter((r) => nsEquals(namespaceOf(r.obj), ns));
  };
  const ref = select(ctx, node.name, narrow, sameNamesNs);
  if (!ref) return;
  const refNs = namespaceOf(ref.obj);
  if (nameOf(ref.obj) === node.name && refNs === '') return;
  node.name = nameOf(ref.obj);
  if (refNs !== '') node.namespace = refNs;
}

function update(ctx: Ctx, value: JsonValue | undefined): JsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return setScalar(ctx, value);
  if (isJsonObject(value)) {
    setMapping(ctx, value);
    return undefined;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (typeof item === 'string') {
        const nv = setScalar(ctx, item);
        if (nv !== undefined) value[i] = nv;
      } else if (isJsonObject(item)) setMapping(ctx, item);
    });
  }
  return undefined;
}

function referenceableBy(referrer: Resource, index: Index): (r: Resource) => boolean {
  const refId = index.ids.get(referrer) as ResId;
  if (isClusterScoped(refId.gvk)) return () => true;
  const saNamespaces = new Set<string>();
  if (refId.gvk.kind === 'RoleBinding' && Array.isArray(referrer.obj.subjects)) {
    for (const s of referrer.obj.subjects) {
      if (isJsonObject(s) && s.kind === 'ServiceAccount' && typeof s.namespace === 'string') saNamespaces.add(s.namespace);
    }
  }
  return (r) => {
    const id = index.ids.get(r) as ResId;
    return isClusterScoped(id.gvk) || nsEquals(id.namespace, refId.namespace) || saNamespaces.has(id.namespace);
  };
}

/** Updates every name reference in `resources` (in place). */
export function fixNameReferences(resources: Resource[], nameReference: readonly NameBackRef[]): void {
  const index = buildIndex(resources);
  for (const referrer of resources) {
    const g = orgId(referrer).gvk;
    let referenceable: ((r: Resource) => boolean) | undefined;
    for (const backRef of nameReference) {
      for (const fs of backRef.referrers) {
        if (!gvkSelected(g, fs)) continue;
        referenceable ??= referenceableBy(referrer, index);
        // kustomize's IngressClass entry names group "networking.k8s.io/v1", which never matches: kept as is.
        const ctx: Ctx = { referrer, target: backRef.target, path: fs.path, referenceable, index };
        const spec: FieldSpec = { path: fs.path };
        visitField(referrer.obj, spec, (value) => update(ctx, value), false);
      }
    }
  }
}
