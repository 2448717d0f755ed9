/**
 * `/openapi/v2` and `/openapi/v3` for kubectl (`apply` patch metadata, `explain`, server-side field
 * validation detection). Definitions, with descriptions, come from Kubernetes 1.21's OpenAPI
 * (`src/cluster/openapi/kubernetes-openapi-v1.21.2.json.gz`, a copy of the shared reference); kinds served
 * in newer versions (e.g. autoscaling/v2) are tagged onto the definition the schema catalog uses for them, and
 * the catalog's overlay of post-1.21 fields (`src/kube/schema/overlay.ts`) is added.
 * CRDs contribute their `openAPIV3Schema`. Paths carry only PATCH operations with the
 * `x-kubernetes-group-version-kind` extension and the `fieldValidation`/`dryRun`/`fieldManager` query
 * parameters, which is what kubectl looks for to use server-side validation.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { JsonObject, JsonValue } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import { packageRoot } from '../../util/paths.js';
import type { ResourceCatalog, ServedResource } from '../catalog.js';
import { crdVersionSchema } from '../catalog.js';
import type { OpenApiServer } from './handler.js';
import { VERSION_ALIASES } from '../../kube/schema/generate/resource-facts.js';
import { POST_V121_DEFINITIONS, POST_V121_FIELDS } from '../../kube/schema/overlay.js';

const SPEC_FILE = ['src', 'cluster', 'openapi', 'kubernetes-openapi-v1.21.2.json.gz'];

let baseDefs: Record<string, JsonObject> | undefined;

/**
 * The built-in definitions (parsed once per process), plus copies for API versions newer than the spec
 * that the schema catalog serves with an older version's shape (`VERSION_ALIASES`, e.g. autoscaling/v2).
 */
function builtinDefinitions(): Record<string, JsonObject> {
  if (!baseDefs) {
    const j = JSON.parse(gunzipSync(readFileSync(join(packageRoot(), ...SPEC_FILE))).toString('utf8')) as { definitions: Record<string, JsonObject> };
    const defs = withOverlay(j.definitions);
    for (const a of VERSION_ALIASES) {
      for (const [name, d] of Object.entries(j.definitions)) {
        if (!name.startsWith(a.fromPrefix)) continue;
        const to = a.toPrefix + name.slice(a.fromPrefix.length);
        if (defs[to]) continue;
        const copy = JSON.parse(JSON.stringify(d).split(`#/definitions/${a.fromPrefix}`).join(`#/definitions/${a.toPrefix}`)) as JsonObject;
        delete copy['x-kubernetes-group-version-kind'];
        defs[to] = copy;
      }
    }
    baseDefs = defs;
  }
  return baseDefs;
}

/** `$ref: "name"` (the overlay's bare names) → `$ref: "#/definitions/name"`. */
function v2Refs(v: unknown): JsonValue {
  if (Array.isArray(v)) return v.map(v2Refs);
  if (typeof v !== 'object' || v === null) return v as JsonValue;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = k === '$ref' && typeof x === 'string' ? `#/definitions/${x}` : v2Refs(x);
  return out;
}

/** The spec's definitions plus the schema catalog's overlay of post-1.21 fields (`src/kube/schema/overlay.ts`). */
function withOverlay(spec: Record<string, JsonObject>): Record<string, JsonObject> {
  const defs: Record<string, JsonObject> = { ...spec };
  for (const [name, d] of Object.entries(POST_V121_DEFINITIONS)) defs[name] ??= v2Refs(d) as JsonObject;
  for (const [name, fields] of Object.entries(POST_V121_FIELDS)) {
    const def = defs[name];
    if (!def) continue;
    const props = isJsonObject(def.properties) ? def.properties : {};
    const added: JsonObject = {};
    for (const [f, schema] of Object.entries(fields)) if (!(f in props)) added[f] = v2Refs(schema);
    defs[name] = { ...def, properties: { ...props, ...added } };
  }
  return defs;
}

const gvkExt = (r: ServedResource): JsonObject => ({ group: r.group, version: r.version, kind: r.kind });

function crdDefName(r: ServedResource): string {
  const rev = r.group.split('.').reverse().join('.');
  return `${rev}.${r.version}.${r.kind}`;
}

/** Rewrites `$ref`s to another prefix (v3: `#/components/schemas/`). */
function rewriteRefs(v: JsonValue, to: string): JsonValue {
  if (Array.isArray(v)) return v.map((x) => rewriteRefs(x, to));
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === '$ref' && typeof x === 'string') out[k] = x.replace('#/definitions/', to);
    else out[k] = rewriteRefs(x, to);
  }
  return out;
}

function refsOf(v: JsonValue, acc: Set<string>): void {
  if (Array.isArray(v)) for (const x of v) refsOf(x, acc);
  else if (isJsonObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') acc.add(x.replace('#/definitions/', ''));
      else refsOf(x, acc);
    }
  }
}

interface Built {
  definitions: Record<string, JsonObject>;
  /** Definition name of each served resource's objects. */
  defOf: Map<ServedResource, string>;
}

/** All definitions, with GVK extensions for every served kind and CRD schemas added. */
function buildDefinitions(catalog: ResourceCatalog): Built {
  const base = builtinDefinitions();
  const defs: Record<string, JsonObject> = { ...base };
  const defOf = new Map<ServedResource, string>();
  for (const r of catalog.resources()) {
    if (r.crd) {
      const name = crdDefName(r);
      const schema = crdVersionSchema(r.crd, r.version) ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
      const props = isJsonObject(schema.properties) ? schema.properties : {};
      defs[name] = {
        ...schema,
        properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }, ...props },
        'x-kubernetes-group-version-kind': [gvkExt(r)],
      };
      defOf.set(r, name);
      continue;
    }
    const name = catalog.schemaFor(r)?.definition;
    const d = name ? defs[name] : undefined;
    if (!name || !d) continue;
    defOf.set(r, name);
    const ext = Array.isArray(d['x-kubernetes-group-version-kind']) ? d['x-kubernetes-group-version-kind'] : [];
    if (!ext.some((e) => isJsonObject(e) && e.group === r.group && e.version === r.version && e.kind === r.kind)) {
      defs[name] = { ...d, 'x-kubernetes-group-version-kind': [...ext, gvkExt(r)] };
    }
  }
  return { definitions: defs, defOf };
}

function basePath(r: ServedResource): string {
  const root = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return r.namespaced ? `${root}/namespaces/{namespace}/${r.plural}/{name}` : `${root}/${r.plural}/{name}`;
}

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force'];

function patchOperation(r: ServedResource, v3: boolean): JsonObject {
  const params: JsonObject[] = QUERY_PARAMS.map((name): JsonObject => (v3 ? { name, in: 'query', schema: { type: name === 'force' ? 'boolean' : 'string' } } : { name, in: 'query', type: name === 'force' ? 'boolean' : 'string', uniqueItems: true }));
  return {
    operationId: `patch${r.kind}`,
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': gvkExt(r),
    parameters: params,
    responses: { '200': { description: 'OK' } },
  };
}

function closure(defs: Record<string, JsonObject>, roots: Iterable<string>): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  const todo = [...roots];
  while (todo.length > 0) {
    const n = todo.pop() as string;
    if (out[n] || !defs[n]) continue;
    out[n] = defs[n];
    const acc = new Set<string>();
    refsOf(defs[n], acc);
    for (const x of acc) if (!out[x]) todo.push(x);
  }
  return out;
}

function v2Document(catalog: ResourceCatalog): JsonObject {
  const built = buildDefinitions(catalog);
  const paths: JsonObject = {};
  for (const r of catalog.resources()) paths[basePath(r)] = { patch: patchOperation(r, false) };
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, definitions: built.definitions };
}

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function v3Document(catalog: ResourceCatalog, group: string, version: string): JsonObject | undefined {
  const rs = catalog.resourcesIn(group, version);
  if (rs.length === 0) return undefined;
  const built = buildDefinitions(catalog);
  const roots = rs.map((r) => built.defOf.get(r)).filter((x): x is string => x !== undefined);
  const schemas = rewriteRefs(closure(built.definitions, roots), '#/components/schemas/') as JsonObject;
  const paths: JsonObject = {};
  for (const r of rs) paths[basePath(r)] = { patch: patchOperation(r, true) };
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas } };
}

function v3Index(catalog: ResourceCatalog): JsonObject {
  const paths: JsonObject = {};
  const seen = new Set<string>();
  for (const r of catalog.resources()) {
    const p = gvPath(r.group, r.version);
    if (seen.has(p)) continue;
    seen.add(p);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${catalogHash(catalog)}` };
  }
  return { paths };
}

function catalogHash(catalog: ResourceCatalog): string {
  let h = 0;
  for (const r of catalog.resources()) {
    for (const c of `${r.group}/${r.version}/${r.plural}/${r.crd?.metadata.resourceVersion ?? ''};`) h = (h * 31 + c.charCodeAt(0)) | 0;
  }
  return (h >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** Creates the OpenAPI endpoint server over a catalog (documents cached until the catalog changes). */
export function createOpenApiServer(catalog: ResourceCatalog): OpenApiServer {
  const cache = new Map<string, string>();
  let cacheKey = '';
  const cached = (key: string, make: () => JsonObject | undefined): string | undefined => {
    const h = catalogHash(catalog);
    if (h !== cacheKey) {
      cache.clear();
      cacheKey = h;
    }
    let s = cache.get(key);
    if (s === undefined) {
      const doc = make();
      if (!doc) return undefined;
      s = JSON.stringify(doc);
      cache.set(key, s);
    }
    return s;
  };
  const send = (res: ServerResponse, body: string | undefined): boolean => {
    if (body === undefined) return false;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    res.end(body);
    return true;
  };
  return {
    serve(path: string, req: IncomingMessage, res: ServerResponse): boolean {
      const accept = req.headers.accept ?? '';
      if (path === '/openapi/v2' || path === '/swagger.json') {
        if (accept.includes('protobuf') && !accept.includes('json')) {
          res.writeHead(406, { 'Content-Type': 'text/plain' });
          res.end('protobuf is not supported; ask for application/json');
          return true;
        }
        return send(res, cached('v2', () => v2Document(catalog)));
      }
      if (path === '/openapi/v3' || path === '/openapi/v3/') return send(res, cached('v3', () => v3Index(catalog)));
      const m = /^\/openapi\/v3\/(api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
      if (!m) return false;
      const group = m[3] ?? '';
      const version = m[2] ?? m[4] ?? '';
      return send(res, cached(`v3:${group}/${version}`, () => v3Document(catalog, group, version)));
    },
  };
}
