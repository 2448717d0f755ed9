/**
 * `/openapi/v2` and `/openapi/v3` for kubectl and helm (`apply` patch metadata and patch type, `explain`,
 * server-side field validation detection, client-side validation). Definitions, with descriptions, come from
 * Kubernetes 1.21's OpenAPI (`src/cluster/openapi/kubernetes-openapi-v1.21.2.json.gz`, a copy of the shared
 * reference); kinds served in newer versions (e.g. autoscaling/v2) are tagged onto the definition the schema
 * catalog uses for them, and the catalog's overlay of post-1.21 fields (`src/kube/schema/overlay.ts`) is added.
 * CRDs contribute their `openAPIV3Schema` (with `apiVersion`/`kind`/`metadata` and embedded-resource
 * properties set, plus a `<Kind>List` definition), converted for v2 as the API server converts it.
 * Paths carry only PATCH operations: the `x-kubernetes-group-version-kind` extension, the patch content types
 * (v2 `consumes`, v3 `requestBody`) and the `fieldValidation`/`dryRun`/`fieldManager`/`force` query parameters,
 * which is what kubectl looks for to pick server-side validation and the patch type.
 *
 * `/openapi/v2` is negotiated on `Accept` like kube-openapi's handler: JSON, or the gnostic protobuf
 * (`openapi-proto.ts`) that kubectl asks for when a group version is missing from `/openapi/v3`; 406 for
 * anything else. Every document is cached until the catalog (its resources or a CRD) changes.
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
import { OPENAPI_V2_PROTO_TYPES, encodeOpenApiV2, negotiateOpenApiV2 } from './openapi-proto.js';
import { endWith } from './respond.js';
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

const OBJECT_META_REF = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/**
 * Keywords the API server drops from CRD schemas for v2: the junctors (value validations kubectl does not
 * need; `anyOf`/`oneOf`/`not` do not exist in v2) and `nullable` (v3 only). gnostic refuses a v2 document
 * that has the v3-only ones.
 */
const V2_DROPPED = ['allOf', 'anyOf', 'oneOf', 'not', 'nullable'];

/** The types kubectl's v2 reader knows. */
const SCHEMA_TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

/**
 * A CRD schema as the API server publishes it in OpenAPI v2 (apiextensions' v2 conversion): junctors and
 * `nullable` removed; a nullable node loses its type, items and properties, a node preserving unknown fields
 * its items and properties (kubectl's v2 validation would otherwise reject the unknown fields), an array left
 * without items its type (kubectl cannot read such an array); properties that are nullable are no longer
 * required, and nothing is required in a map of nullable values.
 */
export function crdSchemaToV2(s: JsonObject, depth = 0): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(s)) if (!V2_DROPPED.includes(k)) out[k] = v;
  if (s.nullable === true) {
    delete out.type;
    delete out.items;
    delete out.properties;
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === true) {
    delete out.items;
    delete out.properties;
  }
  if (depth < 64) {
    if (isJsonObject(out.properties)) {
      const props: JsonObject = {};
      for (const [k, v] of Object.entries(out.properties)) props[k] = isJsonObject(v) ? crdSchemaToV2(v, depth + 1) : v;
      out.properties = props;
    }
    if (isJsonObject(out.items)) out.items = crdSchemaToV2(out.items, depth + 1);
    if (isJsonObject(out.additionalProperties)) out.additionalProperties = crdSchemaToV2(out.additionalProperties, depth + 1);
  }
  if (out.items === undefined && out.type === 'array') delete out.type;
  // kubectl refuses the whole v2 document over one type it does not know; the API server never publishes one.
  if (out.type !== undefined && !(typeof out.type === 'string' && SCHEMA_TYPES.has(out.type))) delete out.type;
  if (Array.isArray(out.required)) {
    const props = isJsonObject(s.properties) ? s.properties : {};
    const ap = s.additionalProperties;
    const nullableValues = isJsonObject(ap) && ap.nullable === true;
    const required = nullableValues ? [] : out.required.filter((f) => !(typeof f === 'string' && isJsonObject(props[f]) && props[f].nullable === true));
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  return out;
}

/**
 * The definition of a CRD version's objects: its schema with `apiVersion`/`kind`/`metadata` set as the API
 * server sets them (metadata is always ObjectMeta). In v2, a schema preserving unknown fields at the root (or
 * none) is published as a bare `type: object`, with no properties that would make kubectl reject the rest.
 */
function crdDefinition(r: ServedResource, crd: NonNullable<ServedResource['crd']>, v2: boolean): JsonObject {
  const gvk = { 'x-kubernetes-group-version-kind': [gvkExt(r)] };
  const schema = crdVersionSchema(crd, r.version);
  if (!schema || (v2 && schema['x-kubernetes-preserve-unknown-fields'] === true)) {
    return v2 ? { type: 'object', ...gvk } : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, ...gvk };
  }
  const s = withEmbeddedProperties(v2 ? crdSchemaToV2(schema) : schema, v2);
  const props = isJsonObject(s.properties) ? s.properties : {};
  return { ...s, properties: { ...props, ...typeMetaProperties() }, ...gvk };
}

/**
 * Nodes marked `x-kubernetes-embedded-resource` get `apiVersion`, `kind` (both then required) and `metadata`
 * properties, as the API server publishes them; in v2 not where unknown fields are preserved (kubectl would
 * then reject the unknown fields).
 */
function withEmbeddedProperties(s: JsonObject, v2: boolean, depth = 0): JsonObject {
  if (depth > 64) return s;
  const out: JsonObject = { ...s };
  if (isJsonObject(s.properties)) {
    const props: JsonObject = {};
    for (const [k, v] of Object.entries(s.properties)) props[k] = isJsonObject(v) ? withEmbeddedProperties(v, v2, depth + 1) : v;
    out.properties = props;
  }
  if (isJsonObject(s.items)) out.items = withEmbeddedProperties(s.items, v2, depth + 1);
  if (isJsonObject(s.additionalProperties)) out.additionalProperties = withEmbeddedProperties(s.additionalProperties, v2, depth + 1);
  if (s['x-kubernetes-embedded-resource'] !== true || (v2 && s['x-kubernetes-preserve-unknown-fields'] === true)) return out;
  const meta = typeMetaProperties();
  out.properties = { ...(isJsonObject(out.properties) ? out.properties : {}), ...meta };
  const required = Array.isArray(s.required) ? [...s.required] : [];
  for (const f of ['kind', 'apiVersion']) if (!required.includes(f)) required.push(f);
  out.required = required;
  return out;
}

/** The `<Kind>List` definition of a CRD version, as the API server publishes it beside the kind's. */
function crdListDefinition(r: ServedResource, crd: NonNullable<ServedResource['crd']>): JsonObject {
  const names = isJsonObject(crd.spec) && isJsonObject(crd.spec.names) ? crd.spec.names : {};
  const listKind = typeof names.listKind === 'string' && names.listKind ? names.listKind : `${r.kind}List`;
  const meta = typeMetaProperties();
  return {
    type: 'object',
    description: `${listKind} is a list of ${r.kind}`,
    required: ['items'],
    properties: {
      apiVersion: meta.apiVersion ?? { type: 'string' },
      items: { type: 'array', description: `List of ${r.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`, items: { $ref: `#/definitions/${crdDefName(r)}` } },
      kind: meta.kind ?? { type: 'string' },
      metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta', description: 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds' },
    },
    'x-kubernetes-group-version-kind': [{ group: r.group, version: r.version, kind: listKind }],
  };
}

/** `apiVersion`, `kind` and `metadata` as every built-in kind has them (with their descriptions). */
function typeMetaProperties(): JsonObject {
  const cm = builtinDefinitions()['io.k8s.api.core.v1.ConfigMap']?.properties;
  const props = isJsonObject(cm) ? cm : {};
  return {
    apiVersion: props.apiVersion ?? { type: 'string' },
    kind: props.kind ?? { type: 'string' },
    metadata: props.metadata ?? { $ref: OBJECT_META_REF },
  };
}

/** All definitions, with GVK extensions for every served kind and CRD schemas added (converted for v2). */
function buildDefinitions(catalog: ResourceCatalog, v2: boolean): Built {
  const base = builtinDefinitions();
  const defs: Record<string, JsonObject> = { ...base };
  const defOf = new Map<ServedResource, string>();
  for (const r of catalog.resources()) {
    if (r.crd) {
      const name = crdDefName(r);
      defs[name] = crdDefinition(r, r.crd, v2);
      defs[`${name}List`] = crdListDefinition(r, r.crd);
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
const PATCH_REF = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';

/**
 * The patch content types a resource accepts, as the API server lists them (`consumes` in v2, the request
 * body's content in v3): custom resources take no strategic merge patch. kubectl's client-side apply reads
 * them to choose between a strategic merge patch and a JSON merge patch.
 */
function patchTypes(r: ServedResource): string[] {
  const types = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
  return r.crd ? types.filter((t) => !t.startsWith('application/strategic')) : types;
}

function patchOperation(r: ServedResource, v3: boolean): JsonObject {
  const params: JsonObject[] = QUERY_PARAMS.map((name): JsonObject => (v3 ? { name, in: 'query', schema: { type: name === 'force' ? 'boolean' : 'string' } } : { name, in: 'query', type: name === 'force' ? 'boolean' : 'string', uniqueItems: true }));
  const op: JsonObject = {
    operationId: `patch${r.kind}`,
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': gvkExt(r),
  };
  if (v3) {
    const content: JsonObject = {};
    for (const t of patchTypes(r)) content[t] = { schema: { $ref: `#/components/schemas/${PATCH_REF}` } };
    return { ...op, parameters: params, requestBody: { content, required: true }, responses: { '200': { description: 'OK' } } };
  }
  const body: JsonObject = { name: 'body', in: 'body', required: true, schema: { $ref: `#/definitions/${PATCH_REF}` } };
  const produces = r.crd ? ['application/json', 'application/yaml'] : ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
  return { ...op, consumes: patchTypes(r), produces, parameters: [body, ...params], responses: { '200': { description: 'OK' } } };
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
  const built = buildDefinitions(catalog, true);
  const paths: JsonObject = {};
  for (const r of catalog.resources()) paths[basePath(r)] = { patch: patchOperation(r, false) };
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    definitions: built.definitions,
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
  };
}

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function v3Document(catalog: ResourceCatalog, group: string, version: string): JsonObject | undefined {
  const rs = catalog.resourcesIn(group, version);
  if (rs.length === 0) return undefined;
  const built = buildDefinitions(catalog, false);
  const kinds = rs.map((r) => built.defOf.get(r)).filter((x): x is string => x !== undefined);
  // Each kind's list too (closure() skips names that are not defined).
  const roots = [PATCH_REF, ...kinds, ...kinds.map((k) => `${k}List`)];
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
  const cache = new Map<string, string | Buffer>();
  let cacheKey = '';
  const cachedValue = <T extends string | Buffer>(key: string, make: () => T | undefined): T | undefined => {
    const h = catalogHash(catalog);
    if (h !== cacheKey) {
      cache.clear();
      cacheKey = h;
    }
    let v = cache.get(key) as T | undefined;
    if (v === undefined) {
      v = make();
      if (v !== undefined) cache.set(key, v);
    }
    return v;
  };
  const cached = (key: string, make: () => JsonObject | undefined): string | undefined =>
    cachedValue(key, () => {
      const doc = make();
      return doc ? JSON.stringify(doc) : undefined;
    });
  const send = (res: ServerResponse, body: string | undefined): boolean => {
    if (body === undefined) return false;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', Vary: 'Accept' });
    endWith(res, body);
    return true;
  };
  const serveV2 = (req: IncomingMessage, res: ServerResponse): boolean => {
    const format = negotiateOpenApiV2(req.headers.accept);
    if (format === 'none') {
      res.writeHead(406, { 'Content-Type': 'text/plain', Vary: 'Accept' });
      res.end(`none of the media types in Accept is served: application/json, ${OPENAPI_V2_PROTO_TYPES.served}`);
      return true;
    }
    if (format === 'json') return send(res, cached('v2', () => v2Document(catalog)));
    const body = cachedValue('v2:protobuf', () => encodeOpenApiV2(v2Document(catalog)));
    res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTO_TYPES.served, 'Cache-Control': 'no-cache, private', Vary: 'Accept' });
    endWith(res, body ?? Buffer.alloc(0));
    return true;
  };
  return {
    serve(path: string, req: IncomingMessage, res: ServerResponse): boolean {
      if (path === '/openapi/v2') return serveV2(req, res);
      if (path === '/swagger.json') return send(res, cached('v2', () => v2Document(catalog)));
      if (path === '/openapi/v3' || path === '/openapi/v3/') return send(res, cached('v3', () => v3Index(catalog)));
      const m = /^\/openapi\/v3\/(api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
      if (!m) return false;
      const group = m[3] ?? '';
      const version = m[2] ?? m[4] ?? '';
      return send(res, cached(`v3:${group}/${version}`, () => v3Document(catalog, group, version)));
    },
  };
}
