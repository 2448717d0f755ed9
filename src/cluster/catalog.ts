/**
 * What the cluster serves: built-in resources from the schema registry plus resources defined by stored
 * CustomResourceDefinitions. Lookups by group/version/plural and by group/version/kind; the storage key of
 * a resource (`group/plural`) is shared by all its versions, so an object written through one version is
 * read through another (only `apiVersion` differs: no schema conversion). Exception: core and events.k8s.io
 * Events share the storage key `/events` and are converted (`event-conversion.ts`).
 */
import { formatApiVersion } from '../kube/identity.js';
import type { JsonObject, KubeObject } from '../kube/object.js';
import { isJsonObject } from '../kube/object.js';
import { servedAt } from '../kube/schema/lifecycle.js';
import type { ResourceInfo, SchemaNode, SchemaRegistry } from '../kube/schema/types.js';
import { EVENTS_RKEY, isEventsGroup } from './event-conversion.js';

/** A served resource. */
export interface ServedResource extends ResourceInfo {
  /** Storage key shared by all versions: `apps/deployments`, `/configmaps`. */
  rkey: string;
  /** The CRD that defines it (custom resources only). */
  crd?: KubeObject;
  /** True when this is the preferred (for CRDs: storage, else first) version of its group/resource. */
  preferred: boolean;
}

/** An API group as discovery lists it. */
export interface ServedGroup {
  name: string;
  versions: string[];
  preferredVersion: string;
}

/** Provides schemas for CRD-defined kinds (the schema layer's CRD support), if available. */
export interface CrdSchemaSource {
  /** Returns a registry that also knows the given CRDs, or undefined to serve them schema-less. */
  withCrds(base: SchemaRegistry, crds: readonly KubeObject[]): SchemaRegistry | undefined;
}

/**
 * The Kubernetes minor version the cluster emulates (`/version` says 1.32): built-in API versions removed by
 * then (`extensions/v1beta1`, `policy/v1beta1`, `flowcontrol…/v1beta3`…, see `src/kube/schema/lifecycle.ts`)
 * are neither discovered nor served (404), as on a real 1.32 server.
 */
export const SERVED_KUBERNETES_MINOR = 32;

const key = (g: string, v: string, x: string): string => `${g}/${v}/${x}`;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function strs(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Discovery facts of every served version of a CRD (empty when the CRD is malformed). */
export function crdResources(crd: KubeObject): ServedResource[] {
  const spec = crd.spec;
  if (!isJsonObject(spec)) return [];
  const group = str(spec.group) ?? '';
  const names = isJsonObject(spec.names) ? spec.names : {};
  const plural = str(names.plural);
  const kind = str(names.kind);
  if (!plural || !kind) return [];
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isJsonObject) : [];
  const served = versions.filter((v) => v.served !== false && typeof v.name === 'string');
  const storage = served.find((v) => v.storage === true) ?? served[0];
  return served.map((v) => {
    const sub = isJsonObject(v.subresources) ? v.subresources : {};
    const subresources: string[] = [];
    if (sub.status !== undefined) subresources.push('status');
    if (sub.scale !== undefined) subresources.push('scale');
    return {
      group,
      version: String(v.name),
      kind,
      plural,
      singular: str(names.singular) ?? kind.toLowerCase(),
      namespaced: spec.scope !== 'Cluster',
      shortNames: strs(names.shortNames),
      categories: strs(names.categories),
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
      subresources,
      rkey: `${group}/${plural}`,
      crd,
      preferred: v === storage,
    };
  });
}

/** Orders versions as Kubernetes does: GA before beta before alpha, higher numbers first. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number, string] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0, v];
    const level = m[2] === 'alpha' ? 2 : m[2] === 'beta' ? 1 : 0;
    return [level, -Number(m[1]), -Number(m[3] ?? 0), v];
  };
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] as number) - (pb[i] as number);
    if (d !== 0) return d;
  }
  return pa[3] < pb[3] ? -1 : pa[3] > pb[3] ? 1 : 0;
}

/** The catalog of served resources; rebuilt (cheaply) whenever the set of CRDs changes. */
export class ResourceCatalog {
  private byPluralMap = new Map<string, ServedResource>();
  private byKindMap = new Map<string, ServedResource>();
  private all: ServedResource[] = [];
  private crdByGroupKind = new Map<string, KubeObject>();
  private preferredByRkey = new Map<string, ServedResource>();
  private registry: SchemaRegistry;

  constructor(
    private readonly base: SchemaRegistry,
    private readonly crdSchemas?: CrdSchemaSource,
  ) {
    this.registry = base;
    this.rebuild([]);
  }

  /** Replaces the set of CRDs served. */
  setCrds(crds: readonly KubeObject[]): void {
    this.rebuild(crds);
  }

  private rebuild(crds: readonly KubeObject[]): void {
    const builtin = this.base.resources().filter((r) => servedAt(formatApiVersion(r.group, r.version), r.kind, SERVED_KUBERNETES_MINOR));
    const seen = new Set<string>();
    const out: ServedResource[] = [];
    // preferred version per group/plural among built-ins: the best-ranked version
    const best = new Map<string, string>();
    for (const r of builtin) {
      const gp = `${r.group}/${r.plural}`;
      const cur = best.get(gp);
      if (cur === undefined || compareVersions(r.version, cur) < 0) best.set(gp, r.version);
    }
    for (const r of builtin) {
      const k = key(r.group, r.version, r.plural);
      if (seen.has(k)) continue;
      seen.add(k);
      // Events: one resource served in two groups (see event-conversion.ts); the core version is the preferred one
      if (isEventsGroup(r.group) && r.plural === 'events') out.push({ ...r, rkey: EVENTS_RKEY, preferred: false });
      else out.push({ ...r, rkey: `${r.group}/${r.plural}`, preferred: best.get(`${r.group}/${r.plural}`) === r.version });
    }
    this.crdByGroupKind = new Map();
    for (const crd of crds) {
      for (const r of crdResources(crd)) {
        const k = key(r.group, r.version, r.plural);
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(r);
        this.crdByGroupKind.set(`${r.group}/${r.kind}`, crd);
      }
    }
    this.all = out;
    this.byPluralMap = new Map(out.map((r) => [key(r.group, r.version, r.plural), r]));
    this.byKindMap = new Map(out.map((r) => [key(r.group, r.version, r.kind), r]));
    this.preferredByRkey = new Map();
    for (const r of out) if (r.preferred || !this.preferredByRkey.has(r.rkey)) this.preferredByRkey.set(r.rkey, r);
    this.registry = (crds.length > 0 ? this.crdSchemas?.withCrds(this.base, crds) : undefined) ?? this.base;
  }

  /** The schema registry including CRD-defined kinds (when the schema layer supports them). */
  schemas(): SchemaRegistry {
    return this.registry;
  }

  /** The schema of a served resource's objects, or undefined (schema-less). */
  schemaFor(r: ResourceInfo): SchemaNode | undefined {
    return this.registry.forKind({ group: r.group, version: r.version, kind: r.kind });
  }

  /** The CRD defining a custom kind, if any. */
  crdFor(group: string, kind: string): KubeObject | undefined {
    return this.crdByGroupKind.get(`${group}/${kind}`);
  }

  byPlural(group: string, version: string, plural: string): ServedResource | undefined {
    return this.byPluralMap.get(key(group, version, plural));
  }

  byKind(group: string, version: string, kind: string): ServedResource | undefined {
    return this.byKindMap.get(key(group, version, kind));
  }

  /** The preferred version of the resource stored under `rkey` (`apps/deployments`). */
  preferredFor(rkey: string): ServedResource | undefined {
    return this.preferredByRkey.get(rkey);
  }

  /** Every served resource. */
  resources(): readonly ServedResource[] {
    return this.all;
  }

  /** Served resources of one group version. */
  resourcesIn(group: string, version: string): ServedResource[] {
    return this.all.filter((r) => r.group === group && r.version === version);
  }

  /** The groups served, core group excluded, with versions in preference order. */
  groups(): ServedGroup[] {
    const m = new Map<string, Set<string>>();
    const pref = new Map<string, string>();
    for (const r of this.all) {
      if (r.group === '') continue;
      let s = m.get(r.group);
      if (!s) m.set(r.group, (s = new Set()));
      s.add(r.version);
      if (r.crd && r.preferred) pref.set(r.group, r.version);
    }
    return [...m.entries()].map(([name, vs]) => {
      const versions = [...vs].sort(compareVersions);
      return { name, versions, preferredVersion: pref.get(name) ?? versions[0] ?? 'v1' };
    });
  }
}

/** Reads `spec.versions[name=version].schema.openAPIV3Schema` of a CRD. */
export function crdVersionSchema(crd: KubeObject, version: string): JsonObject | undefined {
  const spec = crd.spec;
  if (!isJsonObject(spec) || !Array.isArray(spec.versions)) return undefined;
  const v = spec.versions.filter(isJsonObject).find((x) => x.name === version);
  const schema = v && isJsonObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
  return isJsonObject(schema) ? schema : undefined;
}
