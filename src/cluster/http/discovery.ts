/** Legacy discovery documents (`/api`, `/api/v1`, `/apis`, `/apis/<g>`, `/apis/<g>/<v>`) and `/version`. */
import type { JsonObject } from '../../kube/object.js';
import { SERVED_KUBERNETES_MINOR, type ResourceCatalog, type ServedGroup, type ServedResource } from '../catalog.js';

/** Verbs a subresource serves. */
const SUBRESOURCE_VERBS: Readonly<Record<string, readonly string[]>> = {
  status: ['get', 'patch', 'update'],
  scale: ['get', 'patch', 'update'],
  finalize: ['update'],
};

/** Subresources the server implements (others listed by the schema are not advertised). */
const SERVED_SUBRESOURCES = new Set(Object.keys(SUBRESOURCE_VERBS));

/** `/version`: the Kubernetes version whose API versions the catalog serves ({@link SERVED_KUBERNETES_MINOR}). */
export function versionInfo(): JsonObject {
  return {
    major: '1',
    minor: String(SERVED_KUBERNETES_MINOR),
    gitVersion: `v1.${SERVED_KUBERNETES_MINOR}.0-lockstep`,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** `/api`. */
export function coreVersions(serverAddress: string): JsonObject {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupDoc(g: ServedGroup): JsonObject {
  return {
    name: g.name,
    versions: g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${g.name}/${g.preferredVersion}`, version: g.preferredVersion },
  };
}

/** `/apis`. */
export function groupList(catalog: ResourceCatalog): JsonObject {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: catalog.groups().map(groupDoc) };
}

/** `/apis/<group>`, or undefined when the group is not served. */
export function groupInfo(catalog: ResourceCatalog, group: string): JsonObject | undefined {
  const g = catalog.groups().find((x) => x.name === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g) } : undefined;
}

function resourceDoc(r: ServedResource): JsonObject[] {
  const main: JsonObject = {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: [...r.verbs],
  };
  if (r.shortNames.length > 0) main.shortNames = [...r.shortNames];
  if (r.categories.length > 0) main.categories = [...r.categories];
  const out: JsonObject[] = [main];
  for (const s of r.subresources) {
    const verbs = SUBRESOURCE_VERBS[s];
    if (!verbs || !SERVED_SUBRESOURCES.has(s)) continue;
    const sub: JsonObject = { name: `${r.plural}/${s}`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: [...verbs] };
    if (s === 'scale') {
      sub.group = 'autoscaling';
      sub.version = 'v1';
      sub.kind = 'Scale';
    }
    out.push(sub);
  }
  return out;
}

/** `/api/v1` or `/apis/<g>/<v>`, or undefined when the version is not served. */
export function resourceList(catalog: ResourceCatalog, group: string, version: string): JsonObject | undefined {
  const rs = catalog.resourcesIn(group, version);
  if (rs.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: rs.flatMap(resourceDoc),
  };
}

/** The media type of aggregated discovery (`apidiscovery.k8s.io/v2`), or undefined when the client did not ask for it. */
export function aggregatedDiscoveryType(accept: string | undefined): string | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    if (!/as=APIGroupDiscoveryList/.test(part) || !/g=apidiscovery\.k8s\.io/.test(part)) continue;
    const v = /v=(v2beta1|v2)\b/.exec(part)?.[1];
    if (v) return `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
  }
  return undefined;
}

function resourceDiscovery(r: ServedResource): JsonObject {
  const d: JsonObject = {
    resource: r.plural,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: [...r.verbs],
  };
  if (r.shortNames.length > 0) d.shortNames = [...r.shortNames];
  if (r.categories.length > 0) d.categories = [...r.categories];
  const subs: JsonObject[] = [];
  for (const s of r.subresources) {
    const verbs = SUBRESOURCE_VERBS[s];
    if (!verbs) continue;
    const kind = s === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { group: r.group, version: r.version, kind: r.kind };
    subs.push({ subresource: s, responseKind: kind, verbs: [...verbs] });
  }
  if (subs.length > 0) d.subresources = subs;
  return d;
}

/**
 * Aggregated discovery (`/api` or `/apis` with the APIGroupDiscoveryList media type): every group, its
 * versions in preference order and their resources, in one document, so kubectl needs two requests
 * instead of one per group version.
 */
export function aggregatedDiscovery(catalog: ResourceCatalog, core: boolean, apiVersion: string): JsonObject {
  const groups: { name: string; versions: string[] }[] = core ? [{ name: '', versions: ['v1'] }] : catalog.groups().map((g) => ({ name: g.name, versions: [g.preferredVersion, ...g.versions.filter((v) => v !== g.preferredVersion)] }));
  const items = groups.map((g) => ({
    metadata: { name: g.name, creationTimestamp: null },
    versions: g.versions.map((v) => ({ version: v, resources: catalog.resourcesIn(g.name, v).map(resourceDiscovery), freshness: 'Current' })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
}
