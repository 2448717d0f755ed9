/**
 * KubeClient: the only way Lockstep talks to an API server. Objects travel as raw JSON (no typed models,
 * so no field is dropped); URLs come from the {@link RestMapper}; every failure is a {@link KubeApiError}
 * classified by HTTP status.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { JsonValue, KubeObject } from '../object.js';
import { isJsonObject } from '../object.js';
import { loadKubeConfig, type LoadKubeConfigOptions } from './config.js';
import { ApiReason, KubeApiError, classifyStatusCode, isNotFound } from './errors.js';
import { RestMapper, parseApiVersion, type ResourceMapping, type RestMapperOptions } from './discovery.js';
import { Transport, type Query, type TransportOptions } from './transport.js';

/** Names a kind. */
export interface TypeRef {
  apiVersion: string;
  kind: string;
}

/** Names one object; `namespace` is ignored for cluster-scoped kinds. */
export interface ObjectRef extends TypeRef {
  name: string;
  namespace?: string | undefined;
}

/** Options shared by writes. */
export interface WriteOptions {
  /** Server-side dry run (`dryRun=All`): validated and defaulted, not persisted. */
  dryRun?: boolean;
  /** Recorded in managedFields. */
  fieldManager?: string;
}

/** Server-side apply. */
export interface ApplyOptions extends WriteOptions {
  fieldManager: string;
  /** Take ownership of conflicting fields (default true, as controllers do). */
  force?: boolean;
  /** Apply to a subresource (`status`). */
  subresource?: string;
}

/** Patch types the API server understands. */
export const PatchType = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;
export type PatchType = keyof typeof PatchType;

export interface PatchOptions extends WriteOptions {
  type: PatchType;
  subresource?: string;
  force?: boolean;
}

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  /** Only delete this exact object (uid and/or resourceVersion must match, else Conflict). */
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface ListOptions {
  /** Only this namespace; all namespaces when absent (for namespaced kinds). */
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Page size; pages are followed until the end (default 500). */
  pageSize?: number;
  /** Stop with an error when more items than this arrive (default 100 000). */
  maxItems?: number;
}

export interface ObjectList {
  /** The list's resourceVersion, to start a watch from. */
  resourceVersion: string;
  items: KubeObject[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export interface WatchOptions {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  resourceVersion?: string | undefined;
  /** Ask the server to close the watch after this long (default 300 s, jittered by the caller). */
  timeoutSeconds?: number;
  /** Aborting ends the watch; the returned promise then resolves. */
  signal?: AbortSignal;
  /** Idle limit: a stream silent this long is treated as dead (default: none). */
  idleTimeoutMs?: number;
}

export interface KubeClientOptions extends TransportOptions, RestMapperOptions {}

const MAX_WATCH_LINE = 16 * 1024 * 1024;

/** See the module comment. */
export class KubeClient {
  readonly transport: Transport;
  readonly mapper: RestMapper;

  constructor(readonly kubeConfig: KubeConfig, opts: KubeClientOptions = {}) {
    this.transport = new Transport(kubeConfig, opts);
    this.mapper = new RestMapper(this.transport, opts);
  }

  /** Loads a kubeconfig (see {@link loadKubeConfig}) and builds a client over it. */
  static fromKubeConfig(load: LoadKubeConfigOptions = {}, opts: KubeClientOptions = {}): KubeClient {
    return new KubeClient(loadKubeConfig(load), opts);
  }

  /** The URL of the API server. */
  get server(): string {
    return this.transport.server.toString();
  }

  /** Frees pooled connections. */
  close(): void {
    this.transport.close();
  }

  /** The mapping for a kind (see {@link RestMapper.mappingFor}). */
  mappingFor(type: TypeRef): Promise<ResourceMapping> {
    return this.mapper.mappingFor({ ...parseApiVersion(type.apiVersion), kind: type.kind });
  }

  /**
   * The URL path of a collection (no name) or an object, with an optional subresource. Namespaced kinds
   * without a namespace give the all-namespaces collection.
   */
  async pathFor(ref: TypeRef & { name?: string | undefined; namespace?: string | undefined }, subresource?: string): Promise<string> {
    const m = await this.mappingFor(ref);
    let p = m.group ? `/apis/${m.group}/${m.version}` : `/api/${m.version}`;
    if (m.namespaced && ref.namespace) p += `/namespaces/${encodeURIComponent(ref.namespace)}`;
    p += `/${m.resource}`;
    if (ref.name !== undefined) {
      if (m.namespaced && !ref.namespace) throw new Error(`${ref.kind}/${ref.name}: a namespace is required for this kind`);
      p += `/${encodeURIComponent(ref.name)}`;
      if (subresource) p += `/${subresource}`;
    }
    return p;
  }

  /** Any request; the answer is parsed as JSON (empty bodies give `{}`). */
  async requestJson<T = JsonValue>(req: { method: string; path: string; query?: Query; body?: JsonValue | string; contentType?: string }): Promise<T> {
    const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    const res = await this.transport.request({ method: req.method, path: req.path, ...(req.query ? { query: req.query } : {}), ...(body !== undefined ? { body } : {}), ...(req.contentType ? { contentType: req.contentType } : {}) });
    if (!res.body) return {} as T;
    try {
      return JSON.parse(res.body) as T;
    } catch (err) {
      throw new KubeApiError({ code: res.status, reason: ApiReason.Unknown, message: 'answer is not JSON', target: { method: req.method, path: req.path }, cause: err });
    }
  }

  /** Reads an object; rejects NotFound when absent. */
  async get(ref: ObjectRef): Promise<KubeObject> {
    return this.requestJson<KubeObject>({ method: 'GET', path: await this.pathFor(ref) });
  }

  /** Reads an object, or `undefined` when it (or its kind) does not exist. */
  async tryGet(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return await this.get(ref);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Lists objects, following `continue` pages; items get apiVersion/kind filled in. */
  async list(type: TypeRef, opts: ListOptions = {}): Promise<ObjectList> {
    const path = await this.pathFor({ ...type, namespace: opts.namespace });
    const items: KubeObject[] = [];
    const maxItems = opts.maxItems ?? 100_000;
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.requestJson<{ metadata?: { resourceVersion?: string; continue?: string }; items?: KubeObject[] }>({
        method: 'GET',
        path,
        query: { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, limit: opts.pageSize ?? 500, continue: cont },
      });
      for (const it of page.items ?? []) items.push({ ...it, apiVersion: it.apiVersion ?? type.apiVersion, kind: it.kind ?? type.kind });
      if (items.length > maxItems) throw new Error(`list ${path}: more than ${maxItems} items`);
      rv = page.metadata?.resourceVersion ?? rv;
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return { resourceVersion: rv, items };
  }

  /** Creates an object (POST). */
  async create(obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    const path = await this.pathFor({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace });
    return this.requestJson<KubeObject>({ method: 'POST', path, query: writeQuery(opts), body: JSON.stringify(obj) });
  }

  /** Replaces an object (PUT); a `metadata.resourceVersion` makes it conditional (Conflict when stale). */
  async replace(obj: KubeObject, opts: WriteOptions & { subresource?: string } = {}): Promise<KubeObject> {
    const path = await this.pathFor(refOf(obj), opts.subresource);
    return this.requestJson<KubeObject>({ method: 'PUT', path, query: writeQuery(opts), body: JSON.stringify(obj) });
  }

  /** Replaces the status subresource (PUT …/status); conditional on `metadata.resourceVersion`. */
  updateStatus(obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    return this.replace(obj, { ...opts, subresource: 'status' });
  }

  /** Patches an object with the given patch type. */
  async patch(ref: ObjectRef, patch: JsonValue, opts: PatchOptions): Promise<KubeObject> {
    const path = await this.pathFor(ref, opts.subresource);
    return this.requestJson<KubeObject>({
      method: 'PATCH',
      path,
      query: { ...writeQuery(opts), force: opts.type === 'apply' ? (opts.force ?? true) : undefined },
      body: JSON.stringify(patch),
      contentType: PatchType[opts.type],
    });
  }

  /**
   * Server-side apply of `obj` exactly as given (JSON is valid YAML, so it is sent as the apply body).
   * `force` defaults to true. Conflicts reject with reason Conflict.
   */
  apply(obj: KubeObject, opts: ApplyOptions): Promise<KubeObject> {
    return this.patch(refOf(obj), obj as unknown as JsonValue, { ...opts, type: 'apply' });
  }

  /** Deletes an object; rejects NotFound when absent. Resolves to the server's answer. */
  async delete(ref: ObjectRef, opts: DeleteOptions = {}): Promise<JsonValue> {
    const body: Record<string, JsonValue> = { apiVersion: 'v1', kind: 'DeleteOptions' };
    if (opts.propagationPolicy) body['propagationPolicy'] = opts.propagationPolicy;
    if (opts.gracePeriodSeconds !== undefined) body['gracePeriodSeconds'] = opts.gracePeriodSeconds;
    if (opts.preconditions) body['preconditions'] = { ...opts.preconditions };
    return this.requestJson({ method: 'DELETE', path: await this.pathFor(ref), query: { dryRun: opts.dryRun ? 'All' : undefined }, body });
  }

  /**
   * Watches a collection, calling `onEvent` for each event in order. Resolves when the server ends the
   * stream or `signal` aborts; rejects with a KubeApiError on failure — reason Gone/Expired when the
   * resourceVersion is too old (relist then).
   */
  async watch(type: TypeRef, opts: WatchOptions, onEvent: (e: WatchEvent) => void): Promise<void> {
    const path = await this.pathFor({ ...type, namespace: opts.namespace });
    const query: Query = {
      watch: 'true',
      allowWatchBookmarks: 'true',
      resourceVersion: opts.resourceVersion,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      timeoutSeconds: opts.timeoutSeconds ?? 300,
    };
    const target = { method: 'GET', path };
    if (opts.signal?.aborted) return;
    let res;
    try {
      res = await this.transport.stream({ method: 'GET', path, query, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.idleTimeoutMs ? { timeoutMs: opts.idleTimeoutMs } : {}) });
    } catch (err) {
      if (opts.signal?.aborted) return;
      throw err;
    }
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      let failed = false;
      const fail = (err: unknown): void => {
        if (failed) return;
        failed = true;
        res.destroy();
        if (opts.signal?.aborted) resolve();
        else reject(err);
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while (!failed && (nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (!line) continue;
          try {
            const ev = parseWatchLine(line, target);
            onEvent({ ...ev, object: { ...ev.object, apiVersion: ev.object.apiVersion ?? type.apiVersion, kind: ev.object.kind ?? type.kind } });
          } catch (err) {
            fail(err);
          }
        }
        if (buf.length > MAX_WATCH_LINE) fail(new KubeApiError({ code: 200, reason: ApiReason.Unknown, message: `watch event larger than ${MAX_WATCH_LINE} bytes`, target }));
      });
      res.on('end', () => {
        if (!failed) resolve();
      });
      res.on('error', (err) => fail(new KubeApiError({ code: 0, reason: ApiReason.Network, message: err.message, target, cause: err })));
      res.on('aborted', () => fail(new KubeApiError({ code: 0, reason: ApiReason.Network, message: 'watch aborted', target })));
    });
  }
}

function parseWatchLine(line: string, target: { method: string; path: string }): WatchEvent {
  const ev = JSON.parse(line) as { type?: string; object?: unknown };
  if (ev.type === 'ERROR') {
    const st = isJsonObject(ev.object) ? ev.object : {};
    const code = typeof st['code'] === 'number' ? st['code'] : 500;
    const reason = typeof st['reason'] === 'string' ? st['reason'] : undefined;
    const message = typeof st['message'] === 'string' ? st['message'] : 'watch error';
    throw new KubeApiError({ code, reason: classifyStatusCode(code, reason), message, target, status: st });
  }
  if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED' && ev.type !== 'DELETED' && ev.type !== 'BOOKMARK') {
    throw new KubeApiError({ code: 200, reason: ApiReason.Unknown, message: `unknown watch event type ${String(ev.type)}`, target });
  }
  if (!isJsonObject(ev.object)) throw new KubeApiError({ code: 200, reason: ApiReason.Unknown, message: 'watch event without object', target });
  return { type: ev.type, object: ev.object as unknown as KubeObject };
}

function writeQuery(opts: WriteOptions): Query {
  return { dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager };
}

/** The reference of an object. */
export function refOf(obj: KubeObject): ObjectRef {
  const name = obj.metadata.name;
  if (!name) throw new Error(`${obj.kind}: metadata.name is required`);
  return { apiVersion: obj.apiVersion, kind: obj.kind, name, namespace: obj.metadata.namespace };
}
