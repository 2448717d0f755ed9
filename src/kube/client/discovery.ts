/**
 * Discovery and the REST mapper: which URL serves a kind. Results are cached per group/version; a kind
 * not found triggers a re-read of its group/version (at most once per `minRefreshIntervalMs`), so kinds
 * from CRDs created after start-up resolve without a restart.
 */
import { formatApiVersion } from '../identity.js';
import type { GroupVersionKind } from '../object.js';
import { ApiReason, KubeApiError, isNotFound } from './errors.js';
import type { Transport } from './transport.js';

export { formatApiVersion };

/** How one kind is served. */
export interface ResourceMapping {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name used in URLs (`deployments`). */
  resource: string;
  namespaced: boolean;
  verbs: string[];
  /** Subresources served (`status`, `scale`). */
  subresources: string[];
}

/** A group with its served versions, preferred first. */
export interface ApiGroupInfo {
  name: string;
  versions: string[];
  preferredVersion: string;
}

/** Thrown when the server serves no such kind, even after a refresh. `reason` is NotFound. */
export class NoKindMatchError extends KubeApiError {
  constructor(readonly gvk: GroupVersionKind) {
    super({
      code: 404,
      reason: ApiReason.NotFound,
      message: `no matches for kind "${gvk.kind}" in version "${formatApiVersion(gvk.group, gvk.version)}"`,
      target: { method: 'GET', path: discoveryPath(gvk.group, gvk.version) },
    });
  }
}

/**
 * `apps/v1` → {group: 'apps', version: 'v1'}; `v1` → core group. Lenient (never throws), unlike
 * `parseApiVersion` in `src/kube/identity.ts`, because the client must pass whatever it is given to the server
 * and let the server answer.
 */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** `/api/v1` or `/apis/{group}/{version}`. */
export function discoveryPath(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

export interface RestMapperOptions {
  /** Least time between two discovery reads of the same group/version on a miss (default 1000 ms). */
  minRefreshIntervalMs?: number;
}

interface GvEntry {
  at: number;
  byKind: Map<string, ResourceMapping>;
}

/** See the module comment. */
export class RestMapper {
  private readonly cache = new Map<string, GvEntry>();
  private readonly inflight = new Map<string, Promise<GvEntry>>();
  private readonly minRefresh: number;

  constructor(private readonly transport: Transport, opts: RestMapperOptions = {}) {
    this.minRefresh = opts.minRefreshIntervalMs ?? 1000;
  }

  /** The mapping for a kind; refreshes discovery once on a miss, then throws {@link NoKindMatchError}. */
  async mappingFor(gvk: GroupVersionKind): Promise<ResourceMapping> {
    const gv = formatApiVersion(gvk.group, gvk.version);
    let entry = this.cache.get(gv);
    const hit = entry?.byKind.get(gvk.kind);
    if (hit) return hit;
    if (!entry || Date.now() - entry.at >= this.minRefresh) entry = await this.load(gvk.group, gvk.version);
    const m = entry.byKind.get(gvk.kind);
    if (!m) throw new NoKindMatchError(gvk);
    return m;
  }

  /** Every kind served by one group/version (re-read from the server). */
  async resourcesFor(group: string, version: string): Promise<ResourceMapping[]> {
    return [...(await this.load(group, version)).byKind.values()];
  }

  /** All groups and versions the server serves (`/api` + `/apis`), the core group as name `''`. */
  async groups(): Promise<ApiGroupInfo[]> {
    const core = JSON.parse((await this.transport.request({ method: 'GET', path: '/api' })).body) as { versions?: string[] };
    const out: ApiGroupInfo[] = [];
    const coreVersions = core.versions ?? [];
    if (coreVersions.length) out.push({ name: '', versions: coreVersions, preferredVersion: coreVersions[0] ?? 'v1' });
    const apis = JSON.parse((await this.transport.request({ method: 'GET', path: '/apis' })).body) as {
      groups?: Array<{ name: string; versions?: Array<{ version: string }>; preferredVersion?: { version: string } }>;
    };
    for (const g of apis.groups ?? []) {
      const versions = (g.versions ?? []).map((v) => v.version);
      const preferred = g.preferredVersion?.version ?? versions[0];
      if (!preferred) continue;
      out.push({ name: g.name, versions: [preferred, ...versions.filter((v) => v !== preferred)], preferredVersion: preferred });
    }
    return out;
  }

  /** Every `group/version` string served, for Helm's `--api-versions`. */
  async apiVersions(): Promise<string[]> {
    return (await this.groups()).flatMap((g) => g.versions.map((v) => formatApiVersion(g.name, v)));
  }

  /** Forgets one group/version, or everything. */
  invalidate(group?: string, version?: string): void {
    if (group === undefined || version === undefined) this.cache.clear();
    else this.cache.delete(formatApiVersion(group, version));
  }

  private load(group: string, version: string): Promise<GvEntry> {
    const gv = formatApiVersion(group, version);
    const running = this.inflight.get(gv);
    if (running) return running;
    const p = this.fetch(group, version).finally(() => this.inflight.delete(gv));
    this.inflight.set(gv, p);
    return p;
  }

  private async fetch(group: string, version: string): Promise<GvEntry> {
    const gv = formatApiVersion(group, version);
    const byKind = new Map<string, ResourceMapping>();
    let list: { resources?: Array<{ name: string; kind: string; namespaced?: boolean; verbs?: string[] }> } = {};
    try {
      list = JSON.parse((await this.transport.request({ method: 'GET', path: discoveryPath(group, version) })).body) as typeof list;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const subs = new Map<string, string[]>();
    for (const r of list.resources ?? []) {
      const slash = r.name.indexOf('/');
      if (slash >= 0) {
        const base = r.name.slice(0, slash);
        subs.set(base, [...(subs.get(base) ?? []), r.name.slice(slash + 1)]);
        continue;
      }
      byKind.set(r.kind, { group, version, kind: r.kind, resource: r.name, namespaced: r.namespaced === true, verbs: r.verbs ?? [], subresources: [] });
    }
    for (const m of byKind.values()) m.subresources = subs.get(m.resource) ?? [];
    const entry = { at: Date.now(), byKind };
    this.cache.set(gv, entry);
    return entry;
  }
}
