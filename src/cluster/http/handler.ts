/**
 * The HTTP front of the API server: authentication (bearer tokens, client certificates), impersonation,
 * authorization, routing to discovery/OpenAPI/resources and Status errors. Resource semantics live in
 * `../core.ts`; watches in `watch.ts`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { JsonObject, JsonValue, KubeObject } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import type { ServedResource } from '../catalog.js';
import type { ClusterCore, CoreListOptions, FieldValidation, WriteContext } from '../core.js';
import { ApiError, StatusReason, badRequest, forbidden, statusBody, toApiError } from '../errors.js';
import { groupVersion } from '../meta.js';
import type { Authorizer, DeleteOptions, RequestAttributes, UserInfo } from '../plugins.js';
import { decodeBody, patchTypeOf, readBody } from './body.js';
import { aggregatedDiscovery, aggregatedDiscoveryType, coreVersions, groupInfo, groupList, resourceList, versionInfo } from './discovery.js';
import type { ResourcePath } from './route.js';
import { parsePath } from './route.js';
import { type IncludeObject, toTable, wantsTable } from './table.js';
import { serveWatch } from './watch.js';
import { evaluateAccessReview } from '../rbac/access-review.js';
import type { RbacAuthorizer } from '../rbac/authorizer.js';
import { evaluateRulesReview } from '../rbac/rules-review.js';
import { drained, endWith } from './respond.js';

/** Serves `/openapi/v2` and `/openapi/v3…`; returns false when the path is not one it serves. */
export interface OpenApiServer {
  serve(path: string, req: IncomingMessage, res: ServerResponse): boolean;
}

/** Dependencies of the handler. */
export interface HandlerDeps {
  core: ClusterCore;
  authorizer: Authorizer;
  /** Bearer token → identity. */
  tokens: ReadonlyMap<string, UserInfo>;
  /** `host:port` advertised in `/api`. */
  serverAddress: string;
  openapi?: OpenApiServer;
  /** Keep-alive interval of watch bookmarks, ms. */
  bookmarkIntervalMs?: number;
  /** Called for every request that failed with a 5xx (logging). */
  onInternalError?: (e: unknown) => void;
}

const MASTERS = 'system:masters';

/** Writes a JSON body. */
export function sendJson(res: ServerResponse, code: number, body: JsonValue | string, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', ...headers });
  endWith(res, text);
}

/**
 * Waits until every change the request could have made or seen is durable (group commit, see `../store.ts`):
 * nothing is acknowledged, and nothing not yet on disk is shown, before that. A failed commit throws (500).
 */
async function settled(core: ClusterCore): Promise<void> {
  const p = core.store.durable();
  if (p) await p;
}

/** An object as JSON: the text the store wrote for it when it is the stored object itself (no second encoding). */
function objectJson(core: ClusterCore, o: KubeObject): string {
  return core.store.jsonOf(o) ?? JSON.stringify(o);
}

function sendError(res: ServerResponse, e: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, e.code, statusBody(e));
}

function unauthorized(): ApiError {
  return new ApiError(401, StatusReason.unauthorized, 'Unauthorized');
}

/** The identity of a request from its bearer token or client certificate; 401 without either. */
export function authenticate(req: IncomingMessage, tokens: ReadonlyMap<string, UserInfo>): UserInfo {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    const user = m ? tokens.get(m[1] ?? '') : undefined;
    if (!user) throw unauthorized();
    return user;
  }
  const sock = req.socket as TLSSocket;
  if (sock.authorized && typeof sock.getPeerCertificate === 'function') {
    const cert = sock.getPeerCertificate();
    const cn = cert?.subject?.CN;
    if (typeof cn === 'string' && cn !== '') {
      const o = cert.subject.O as string | string[] | undefined;
      const groups = o === undefined ? [] : Array.isArray(o) ? o : [o];
      return { name: cn, groups: [...groups, 'system:authenticated'] };
    }
  }
  throw unauthorized();
}

function headerValues(req: IncomingMessage, name: string): string[] {
  const v = req.headersDistinct[name];
  return v ? v.flatMap((x) => x.split(',').map((s) => s.trim())).filter((s) => s !== '') : [];
}

/** Applies `Impersonate-User`/`Impersonate-Group`, checking the `impersonate` permission of the real user. */
export function impersonate(req: IncomingMessage, user: UserInfo, authorizer: Authorizer): UserInfo {
  const name = req.headers['impersonate-user'];
  // (headersDistinct builds a copy of every header: only when the header is there)
  const groups = req.headers['impersonate-group'] === undefined ? [] : headerValues(req, 'impersonate-group');
  if (typeof name !== 'string' || name === '') {
    if (groups.length > 0) throw badRequest('requested impersonation of groups without impersonating a user');
    return user;
  }
  const check = (resource: string, target: string, namespace?: string): void => {
    if (user.groups.includes(MASTERS)) return;
    const attrs: RequestAttributes = { user, verb: 'impersonate', apiRequest: true, group: '', version: 'v1', resource, name: target, namespace };
    const d = authorizer.authorize(attrs);
    if (!d.allowed) {
      throw new ApiError(403, StatusReason.forbidden, `${resource} "${target}" is forbidden: User "${user.name}" cannot impersonate resource "${resource}" in API group "" at the cluster scope`, {
        name: target,
        kind: resource,
      });
    }
  };
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name);
  if (sa) check('serviceaccounts', sa[2] ?? '', sa[1]);
  else check('users', name);
  for (const g of groups) check('groups', g);
  const eff = new Set(groups);
  if (sa) {
    eff.add('system:serviceaccounts');
    eff.add(`system:serviceaccounts:${sa[1] ?? ''}`);
  }
  if (name !== 'system:anonymous') eff.add('system:authenticated');
  return { name, groups: [...eff] };
}

function verbOf(method: string, p: ResourcePath, watch: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch) return 'watch';
      return p.name ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return p.name ? 'delete' : 'deletecollection';
    default:
      throw new ApiError(405, StatusReason.methodNotAllowed, `the server does not allow this method on the requested resource`);
  }
}

function authorize(deps: HandlerDeps, attrs: RequestAttributes): void {
  if (attrs.user.groups.includes(MASTERS)) return;
  const d = deps.authorizer.authorize(attrs);
  if (!d.allowed) {
    throw forbidden({
      user: attrs.user.name,
      verb: attrs.verb,
      group: attrs.group,
      plural: attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource,
      name: attrs.name,
      namespace: attrs.namespace,
      reason: d.reason,
    });
  }
}

/** Handles one request; never throws (errors become Status responses). */
export async function handleRequest(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    await route(deps, req, res);
  } catch (e) {
    const err = toApiError(e);
    if (err.code >= 500) deps.onInternalError?.(e);
    sendError(res, err);
  }
}

const OPEN_PATHS = new Set(['/healthz', '/livez', '/readyz']);
/** Subresources served (pods/log, exec, proxy… are not: there are no containers). */
const IMPLEMENTED_SUBRESOURCES = new Set(['status', 'scale', 'finalize']);
const RULES_REVIEW = 'authorization.k8s.io/selfsubjectrulesreviews';
const ACCESS_REVIEWS = new Set(['selfsubjectaccessreviews', 'subjectaccessreviews', 'localsubjectaccessreviews'].map((p) => `authorization.k8s.io/${p}`));

async function route(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://localhost');
  if (OPEN_PATHS.has(url.pathname)) {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ok');
    return;
  }
  const user = impersonate(req, authenticate(req, deps.tokens), deps.authorizer);
  const parsed = parsePath(url.pathname);
  switch (parsed.kind) {
    case 'discovery-core':
    case 'discovery-groups': {
      const core = parsed.kind === 'discovery-core';
      const agg = aggregatedDiscoveryType(req.headers.accept);
      if (agg) {
        const apiVersion = `apidiscovery.k8s.io/${/v=(v2beta1|v2)/.exec(agg)?.[1] ?? 'v2'}`;
        return sendJson(res, 200, aggregatedDiscovery(deps.core.catalog, core, apiVersion), { 'Content-Type': agg });
      }
      return sendJson(res, 200, core ? coreVersions(deps.serverAddress) : groupList(deps.core.catalog));
    }
    case 'discovery-group': {
      const g = groupInfo(deps.core.catalog, parsed.group);
      if (!g) throw notFoundPath();
      return sendJson(res, 200, g);
    }
    case 'discovery-version': {
      const l = resourceList(deps.core.catalog, parsed.group, parsed.version);
      if (!l) throw notFoundPath();
      return sendJson(res, 200, l);
    }
    case 'resource':
      return serveResource(deps, { req, res, url, user, p: parsed.path });
    case 'other':
      if (url.pathname === '/version') return sendJson(res, 200, versionInfo());
      if (deps.openapi?.serve(url.pathname, req, res)) return;
      throw notFoundPath();
  }
}

function notFoundPath(): ApiError {
  return new ApiError(404, StatusReason.notFound, 'the server could not find the requested resource', {});
}

interface ResourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  user: UserInfo;
  p: ResourcePath;
}

function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

function fieldValidationOf(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation') ?? 'Warn';
  if (v !== 'Ignore' && v !== 'Warn' && v !== 'Strict') {
    throw badRequest(`fieldValidation must be one of "Ignore", "Warn" or "Strict", got "${v}"`);
  }
  return v;
}

function defaultManager(req: IncomingMessage): string {
  const ua = req.headers['user-agent'] ?? 'unknown';
  return (ua.split('/')[0] ?? 'unknown').slice(0, 128);
}

function writeContext(rr: ResourceRequest): WriteContext {
  const q = rr.url.searchParams;
  const dry = q.getAll('dryRun');
  if (dry.some((d) => d !== 'All')) throw badRequest(`Invalid dryRun value: only "All" is supported`);
  return {
    user: rr.user,
    dryRun: dry.length > 0,
    fieldManager: q.get('fieldManager') ?? defaultManager(rr.req),
    force: boolParam(q, 'force'),
    fieldValidation: fieldValidationOf(q),
    warnings: [],
  };
}

function warningHeaders(ctx: WriteContext): Record<string, string> {
  if (ctx.warnings.length === 0) return {};
  return { Warning: ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}

function listOptions(q: URLSearchParams, ns: string | undefined): CoreListOptions {
  const limit = q.get('limit');
  return {
    namespace: ns,
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
    limit: limit ? Number(limit) : undefined,
    continue: q.get('continue') ?? undefined,
  };
}

async function serveResource(deps: HandlerDeps, rr: ResourceRequest): Promise<void> {
  const { p, req, url } = rr;
  const core = deps.core;
  const r = core.catalog.byPlural(p.group, p.version, p.resource);
  if (!r) throw notFoundPath();
  if (p.subresource && (!r.subresources.includes(p.subresource) || !IMPLEMENTED_SUBRESOURCES.has(p.subresource))) throw notFoundPath();
  const watch = boolParam(url.searchParams, 'watch');
  const verb = verbOf(req.method ?? 'GET', p, watch);
  if (r.namespaced === false && p.namespace !== undefined) throw notFoundPath();
  if (!r.verbs.includes(verb) && !p.subresource && !(verb === 'watch' && r.verbs.includes('list'))) {
    throw new ApiError(405, StatusReason.methodNotAllowed, `the server does not allow this method on the requested resource`);
  }
  authorize(deps, { user: rr.user, verb, apiRequest: true, group: r.group, version: r.version, resource: r.plural, subresource: p.subresource, namespace: p.namespace, name: p.name });
  if (ACCESS_REVIEWS.has(r.rkey)) {
    return serveAccessReview(deps, rr, r);
  }
  if (r.rkey === RULES_REVIEW) return serveRulesReview(deps, rr, r);
  switch (verb) {
    case 'get':
      return serveGet(deps, rr, r);
    case 'list':
      return serveList(deps, rr, r);
    case 'watch':
      serveWatch({ core, r, req, res: rr.res, query: url.searchParams, namespace: p.namespace, table: wantsTable(req.headers.accept), bookmarkIntervalMs: deps.bookmarkIntervalMs });
      return;
    default:
      return serveWrite(deps, rr, r, verb);
  }
}

/** True when no other served version shares the resource's storage: stored JSON can be sent as it is. */
function servedAlone(core: ClusterCore, r: ServedResource): boolean {
  let n = 0;
  for (const x of core.catalog.resources()) if (x.rkey === r.rkey && ++n > 1) return false;
  return n === 1;
}

async function serveGet(deps: HandlerDeps, rr: ResourceRequest, r: ServedResource): Promise<void> {
  const { p } = rr;
  if (!p.subresource && !wantsTable(rr.req.headers.accept) && servedAlone(deps.core, r)) {
    // the stored JSON is the response: no parse and re-encode (what health-check polling mostly asks for)
    const e = deps.core.store.get(r.rkey, r.namespaced ? p.namespace ?? '' : '', p.name ?? '');
    if (e) {
      await settled(deps.core);
      sendJson(rr.res, 200, e.json);
      return;
    }
  }
  let obj = deps.core.get(r, p.namespace, p.name ?? '');
  await settled(deps.core);
  if (p.subresource === 'scale') obj = deps.core.scaleOf(r, obj);
  if (wantsTable(rr.req.headers.accept) && !p.subresource) {
    const table = toTable(r, [obj], { resourceVersion: obj.metadata.resourceVersion ?? '', include: includeOf(rr.url.searchParams) });
    sendJson(rr.res, 200, table);
    return;
  }
  sendJson(rr.res, 200, obj as unknown as JsonObject);
}

function includeOf(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** Lists up to this many items are sent in one write; longer ones are streamed in chunks (bounded memory). */
const LIST_CHUNK = 1000;

async function serveList(deps: HandlerDeps, rr: ResourceRequest, r: ServedResource): Promise<void> {
  const core = deps.core;
  const result = core.list(r, listOptions(rr.url.searchParams, rr.p.namespace));
  await settled(core);
  if (wantsTable(rr.req.headers.accept)) {
    const objs = result.entries.map((e) => core.decode(r, e.json));
    sendJson(rr.res, 200, toTable(r, objs, { resourceVersion: result.resourceVersion, continue: result.continue, include: includeOf(rr.url.searchParams) }));
    return;
  }
  const gv = groupVersion(r);
  const single = servedAlone(core, r);
  const item = (json: string): string => (single ? json : JSON.stringify(core.decode(r, json)));
  const meta: JsonObject = { resourceVersion: result.resourceVersion };
  if (result.continue) meta.continue = result.continue;
  if (result.remainingItemCount !== undefined) meta.remainingItemCount = result.remainingItemCount;
  const head = `{"kind":${JSON.stringify(`${r.kind}List`)},"apiVersion":${JSON.stringify(gv)},"metadata":${JSON.stringify(meta)},"items":[`;
  const entries = result.entries;
  if (entries.length <= LIST_CHUNK) {
    sendJson(rr.res, 200, `${head}${entries.map((e) => item(e.json)).join(',')}]}`);
    return;
  }
  const res = rr.res;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.write(head);
  for (let i = 0; i < entries.length && !res.destroyed; i += LIST_CHUNK) {
    const chunk = entries.slice(i, i + LIST_CHUNK).map((e) => item(e.json)).join(',');
    if (!res.write(i === 0 ? chunk : `,${chunk}`)) await drained(res);
  }
  res.end(']}');
}

function deleteOptionsOf(q: URLSearchParams, body: JsonValue | undefined): { opts: DeleteOptions; dryRun: boolean } {
  const b = isJsonObject(body) ? body : {};
  const policy = (q.get('propagationPolicy') ?? b.propagationPolicy ?? undefined) as DeleteOptions['propagationPolicy'] | undefined;
  if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw badRequest(`propagationPolicy must be one of Background, Foreground, Orphan; got "${String(policy)}"`);
  }
  const orphan = b.orphanDependents === true ? 'Orphan' : undefined;
  const pre = isJsonObject(b.preconditions) ? b.preconditions : {};
  const bodyDry = Array.isArray(b.dryRun) && b.dryRun.includes('All');
  return {
    opts: {
      propagationPolicy: policy ?? orphan,
      preconditions: { uid: typeof pre.uid === 'string' ? pre.uid : undefined, resourceVersion: typeof pre.resourceVersion === 'string' ? pre.resourceVersion : undefined },
    },
    dryRun: bodyDry,
  };
}

async function readDecoded(req: IncomingMessage): Promise<JsonValue> {
  const buf = await readBody(req);
  return decodeBody(buf, req.headers['content-type']);
}

async function serveWrite(deps: HandlerDeps, rr: ResourceRequest, r: ServedResource, verb: string): Promise<void> {
  const { p, req, res } = rr;
  const core = deps.core;
  const ctx = writeContext(rr);
  if (verb === 'delete' || verb === 'deletecollection') {
    const buf = await readBody(req);
    const body = buf.length > 0 ? decodeBody(buf, req.headers['content-type'] ?? 'application/json') : undefined;
    const { opts, dryRun } = deleteOptionsOf(rr.url.searchParams, body);
    if (dryRun) ctx.dryRun = true;
    if (verb === 'delete') {
      const out = core.delete({ r, ns: p.namespace, name: p.name ?? '' }, opts, ctx);
      await settled(core);
      sendJson(res, 200, objectJson(core, out.object), warningHeaders(ctx));
      return;
    }
    const items = core.deleteCollection(r, listOptions(rr.url.searchParams, p.namespace), opts, ctx);
    await settled(core);
    sendJson(res, 200, { kind: `${r.kind}List`, apiVersion: groupVersion(r), metadata: {}, items: items as unknown as JsonObject[] }, warningHeaders(ctx));
    return;
  }
  if (verb === 'patch') {
    const type = patchTypeOf(req.headers['content-type']);
    const buf = await readBody(req);
    const body = decodeBody(buf, type === 'apply' ? 'application/yaml' : 'application/json');
    const existed = type === 'apply' ? core.store.get(r.rkey, r.namespaced ? p.namespace ?? '' : '', p.name ?? '') !== undefined : true;
    const out = core.patch({ r, ns: p.namespace, name: p.name ?? '' }, { type, body, sub: p.subresource }, ctx);
    await settled(core);
    sendJson(res, existed ? 200 : 201, objectJson(core, out), warningHeaders(ctx));
    return;
  }
  const body = await readDecoded(req);
  if (verb === 'create') {
    if (p.name && r.rkey !== '/namespaces') throw new ApiError(405, StatusReason.methodNotAllowed, 'the server does not allow this method on the requested resource');
    const out = core.create(r, p.namespace, body, ctx);
    await settled(core);
    sendJson(res, 201, objectJson(core, out), warningHeaders(ctx));
    return;
  }
  const sub = p.subresource === 'finalize' ? undefined : p.subresource;
  const out: KubeObject = core.update({ r, ns: p.namespace, name: p.name ?? '' }, body, ctx, sub);
  await settled(core);
  sendJson(res, 200, objectJson(core, out), warningHeaders(ctx));
}

/** Self/Local/SubjectAccessReview: evaluated with the authorizer (RBAC's evaluation), never stored. */
async function serveAccessReview(deps: HandlerDeps, rr: ResourceRequest, r: ServedResource): Promise<void> {
  if (rr.req.method !== 'POST') throw new ApiError(405, StatusReason.methodNotAllowed, 'the server does not allow this method on the requested resource');
  const body = await readDecoded(rr.req);
  if (!isJsonObject(body) || !isJsonObject(body.spec)) throw badRequest('spec is required');
  const review = { ...body, apiVersion: groupVersion(r), kind: r.kind, metadata: isJsonObject(body.metadata) ? body.metadata : {} } as KubeObject;
  if (r.kind === 'LocalSubjectAccessReview') review.metadata.namespace = rr.p.namespace;
  const out = evaluateAccessReview(masterAware(deps.authorizer), review, rr.user);
  sendJson(rr.res, 201, out as unknown as JsonObject);
}

/**
 * SelfSubjectRulesReview (`kubectl auth can-i --list`): the requester's rules in `spec.namespace` from the RBAC
 * authorizer's snapshot, never stored. With an authorizer that cannot list rules (not RBAC) the status is
 * `incomplete` with an `evaluationError`, as the API server reports for authorizers without rule resolution.
 */
async function serveRulesReview(deps: HandlerDeps, rr: ResourceRequest, r: ServedResource): Promise<void> {
  if (rr.req.method !== 'POST') throw new ApiError(405, StatusReason.methodNotAllowed, 'the server does not allow this method on the requested resource');
  const body = await readDecoded(rr.req);
  if (!isJsonObject(body) || !isJsonObject(body.spec)) throw badRequest('spec is required');
  const review = { ...body, apiVersion: groupVersion(r), kind: r.kind, metadata: isJsonObject(body.metadata) ? body.metadata : {} } as KubeObject;
  const snapshot = (deps.authorizer as Partial<RbacAuthorizer>).snapshot;
  const out: KubeObject =
    typeof snapshot === 'function'
      ? evaluateRulesReview(snapshot.call(deps.authorizer), review, rr.user)
      : { ...review, status: { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'the authorizer cannot list rules' } };
  sendJson(rr.res, 201, out as unknown as JsonObject);
}

/** The authorizer with `system:masters` allowed everything. */
function masterAware(a: Authorizer): Authorizer {
  return { authorize: (attrs) => (attrs.user.groups.includes(MASTERS) ? { allowed: true } : a.authorize(attrs)) };
}
