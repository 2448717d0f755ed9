/**
 * The API server's semantics, independent of HTTP: create, update, patch, delete and list of objects with
 * admission, resourceVersions, generation, managedFields, finalizers, dry-run and the status/scale
 * subresources. The HTTP layer (`http/`) and the in-process {@link InternalClient} both call it, so
 * controllers see exactly what HTTP clients see. All methods are synchronous: a write is checked and
 * committed without yielding, so concurrent requests never interleave inside one write.
 */
import type { JsonObject, JsonValue, KubeObject } from '../kube/object.js';
import { isJsonObject } from '../kube/object.js';
import type { ResourceCatalog, ServedResource } from './catalog.js';
import {
  ApiError,
  CauseType,
  StatusReason,
  alreadyExists,
  badRequest,
  conflict,
  invalid,
  notFound,
  type StatusCause,
} from './errors.js';
import type { MergeEngine } from './merge.js';
import { clone, finalizersOf, groupVersion, newUid, randomSuffix, rfc3339, sameIgnoringVolatile, sameSpec } from './meta.js';
import { nameCauses } from './names.js';
import type { AdmissionOperation, AdmissionPlugin, AdmissionRequest, DeleteOptions, PatchType, UserInfo } from './plugins.js';
import type { AdmissionRequestExtras } from './admission/index.js';
import { labelEqualities, matchFields, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { convertEventFor, EVENTS_RKEY } from './event-conversion.js';
import { type ChangeEvent, type ObjectStore, type StoreWrite, type StoredEntry, ownerTerm } from './store.js';
import { unknownFieldPaths } from './validation.js';

/** How unknown or duplicate fields are treated (`fieldValidation` query parameter). */
export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/** Per-request facts of a write. */
export interface WriteContext {
  user: UserInfo;
  dryRun: boolean;
  /** Field manager for managedFields; required for apply. */
  fieldManager: string;
  force: boolean;
  fieldValidation: FieldValidation;
  /** Warnings to return in `Warning` headers. */
  warnings: string[];
}

/** Options of {@link ClusterCore}. */
export interface ClusterCoreOptions {
  store: ObjectStore;
  catalog: ResourceCatalog;
  merge: MergeEngine;
  admission: readonly AdmissionPlugin[];
  /** Add `foregroundDeletion`/`orphan` finalizers for those propagation policies (needs a GC controller). */
  propagationFinalizers: boolean;
  now?: () => Date;
}

/** A list result with the raw stored entries (the HTTP layer streams their JSON without re-encoding). */
export interface CoreListResult {
  entries: StoredEntry[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** The object a write addresses. */
export interface ObjectAddress {
  r: ServedResource;
  ns: string | undefined;
  name: string;
}

/** Options of a list. */
export interface CoreListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  /** Only objects with an ownerReference to this uid (the internal client's dependents lists). */
  ownerUid?: string;
}

const CRD_RKEY = 'apiextensions.k8s.io/customresourcedefinitions';
const NS_RKEY = '/namespaces';
/** Namespaces the API server refuses to delete. */
const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);
const SERVER_META = ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const;

function target(r: ServedResource, name?: string): { group: string; plural: string; kind: string; name?: string } {
  return { group: r.group, plural: r.plural, kind: r.kind, name };
}

/** Encodes a continue token: the last key returned and the list's resourceVersion. */
function encodeContinue(lastKey: string, rv: string): string {
  return Buffer.from(JSON.stringify({ k: lastKey, rv })).toString('base64url');
}

function decodeContinue(token: string): { k: string; rv: string } {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (isJsonObject(v) && typeof v.k === 'string' && typeof v.rv === 'string') return { k: v.k, rv: v.rv };
  } catch {
    // fall through
  }
  throw badRequest('continue key is not valid: invalid continue token');
}

/** The core: see the module comment. */
export class ClusterCore {
  readonly store: ObjectStore;
  readonly catalog: ResourceCatalog;
  private readonly merge: MergeEngine;
  private readonly admission: readonly AdmissionPlugin[];
  /** Add finalizers for Foreground/Orphan deletion (set when a GC controller runs). */
  propagationFinalizers: boolean;
  private readonly now: () => Date;
  /** What admission plugins see as `catalog` (live views of the resource catalog). */
  private readonly admissionCatalog: AdmissionRequest['catalog'];

  constructor(opts: ClusterCoreOptions) {
    this.store = opts.store;
    this.catalog = opts.catalog;
    this.merge = opts.merge;
    this.admission = opts.admission;
    this.propagationFinalizers = opts.propagationFinalizers;
    this.now = opts.now ?? (() => new Date());
    const catalog = opts.catalog;
    this.admissionCatalog = {
      get registry() {
        return catalog.schemas();
      },
      crdFor: (g: string, k: string) => catalog.crdFor(g, k),
    };
    this.refreshCrds();
  }

  /** Re-reads the stored CRDs into the catalog. */
  refreshCrds(): void {
    const crds = this.store.list(CRD_RKEY).map((e) => JSON.parse(e.json) as KubeObject);
    this.catalog.setCrds(crds);
  }

  // ---------------------------------------------------------------- reads

  /** The stored object as the given version serves it, or undefined. */
  find(r: ServedResource, ns: string | undefined, name: string): KubeObject | undefined {
    const e = this.store.get(r.rkey, r.namespaced ? ns ?? '' : '', name);
    return e ? this.decodeEntry(r, e) : undefined;
  }

  /** The stored object, or 404. */
  get(r: ServedResource, ns: string | undefined, name: string): KubeObject {
    const o = this.find(r, ns, name);
    if (!o) throw notFound(target(r, name));
    return o;
  }

  /** A stored entry's object as the given version serves it (a fresh copy: {@link decode} of its JSON, from the store's cache when it has it). */
  decodeEntry(r: ServedResource, e: StoredEntry): KubeObject {
    return this.served(r, this.store.read(e));
  }

  /** Parses stored JSON and sets the apiVersion of the requested version (Events: converted between groups). */
  decode(r: ServedResource, json: string): KubeObject {
    return this.served(r, JSON.parse(json) as KubeObject);
  }

  private served(r: ServedResource, parsed: KubeObject): KubeObject {
    // Events are stored in the shape of the group that wrote them and converted for the other one
    const o = r.rkey === EVENTS_RKEY ? convertEventFor(r.group, parsed) : parsed;
    o.apiVersion = groupVersion(r);
    return o;
  }

  /** Lists with selectors and paging. Entries are in namespace/name order. */
  list(r: ServedResource, opts: CoreListOptions): CoreListResult {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector);
    const ns = r.namespaced ? opts.namespace : undefined;
    // equality terms narrow through the store's label index; the full matcher below still decides
    const terms = labels ? labelEqualities(opts.labelSelector) : [];
    if (opts.ownerUid !== undefined) terms.push(ownerTerm(opts.ownerUid));
    let entries = this.store.list(r.rkey, ns, terms.length > 0 ? terms : undefined);
    let rv = String(this.store.currentRv());
    if (opts.continue) {
      const c = decodeContinue(opts.continue);
      rv = c.rv;
      entries = entries.filter((e) => `${e.ns}\u0000${e.name}` > c.k);
    }
    if (labels) entries = entries.filter((e) => labels(e.labels));
    if (fields.length > 0) entries = entries.filter((e) => this.matchFieldSel(r, fields, e));
    const limit = opts.limit && opts.limit > 0 ? opts.limit : undefined;
    if (limit === undefined || entries.length <= limit) return { entries, resourceVersion: rv };
    const page = entries.slice(0, limit);
    const last = page[page.length - 1] as StoredEntry;
    return {
      entries: page,
      resourceVersion: rv,
      continue: encodeContinue(`${last.ns}\u0000${last.name}`, rv),
      remainingItemCount: entries.length - limit,
    };
  }

  private matchFieldSel(r: ServedResource, fields: ReturnType<typeof parseFieldSelector>, e: { ns: string; name: string; json: string }): boolean {
    if (fields.every((f) => f.path === 'metadata.name' || f.path === 'metadata.namespace')) {
      return matchFields(fields, { metadata: { name: e.name, namespace: r.namespaced ? e.ns : '' } });
    }
    return matchFields(fields, r.rkey === EVENTS_RKEY ? this.decode(r, e.json) : JSON.parse(e.json));
  }

  /** True when a change event belongs to this list/watch (resource, namespace, selectors). */
  eventMatcher(r: ServedResource, opts: CoreListOptions): (ev: ChangeEvent) => boolean {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector);
    const ns = r.namespaced ? opts.namespace : undefined;
    return (ev) =>
      ev.rkey === r.rkey &&
      (ns === undefined || ev.ns === ns) &&
      (!labels || labels(ev.labels)) &&
      (fields.length === 0 || this.matchFieldSel(r, fields, ev));
  }

  // ---------------------------------------------------------------- create

  /** Creates an object (POST). `body` is the decoded request body. */
  create(r: ServedResource, ns: string | undefined, body: JsonValue, ctx: WriteContext): KubeObject {
    const obj = this.decodeBody(r, ns, body);
    this.prepareCreate(r, obj);
    this.checkFields(r, obj, ctx);
    return this.finishCreate(r, obj, ctx, true);
  }

  private finishCreate(r: ServedResource, obj: KubeObject, ctx: WriteContext, recordOwnership: boolean): KubeObject {
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    if (r.namespaced) this.checkNamespaceOpen(ns);
    if (this.store.get(r.rkey, ns, name)) throw alreadyExists(target(r, name));
    let out = this.admit('CREATE', r, { object: obj, ctx });
    if (recordOwnership) {
      const updated = out;
      out = mergeCall(() => this.merge.recordUpdate({ live: undefined, updated, manager: ctx.fieldManager, schema: this.catalog.schemaFor(r), now: this.stamp() }));
    }
    if (ctx.dryRun) return out;
    this.persist(r, [{ rkey: r.rkey, ns, name, type: 'ADDED', obj: out }]);
    return out;
  }

  /** Checks apiVersion/kind/namespace of a body against the URL and fills what is missing. */
  private decodeBody(r: ServedResource, ns: string | undefined, body: JsonValue): KubeObject {
    if (!isJsonObject(body)) throw badRequest('the body of the request was in an unknown format: expected a JSON object');
    const gv = groupVersion(r);
    if (body.kind !== undefined && body.kind !== r.kind) {
      throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${r.kind})`);
    }
    if (body.apiVersion !== undefined && body.apiVersion !== gv) {
      throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${gv})`);
    }
    const metadata = isJsonObject(body.metadata) ? body.metadata : {};
    const obj = { ...body, apiVersion: gv, kind: r.kind, metadata: { ...metadata } } as KubeObject;
    if (r.namespaced) {
      const bodyNs = obj.metadata.namespace;
      if (bodyNs !== undefined && bodyNs !== '' && ns !== undefined && bodyNs !== ns) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = ns ?? bodyNs ?? '';
      if (!obj.metadata.namespace) throw badRequest('the server could not find the requested resource: a namespace is required');
    } else {
      delete obj.metadata.namespace;
    }
    return obj;
  }

  private prepareCreate(r: ServedResource, obj: KubeObject): void {
    const m = obj.metadata;
    if (!m.name && m.generateName) m.name = `${m.generateName}${randomSuffix()}`;
    if (!m.name) {
      throw invalid(target(r, ''), [{ reason: CauseType.fieldValueRequired, message: 'Required value: name or generateName is required', field: 'metadata.name' }]);
    }
    this.validateName(r, obj);
    if (m.resourceVersion) {
      throw badRequest('resourceVersion should not be set on objects to be created');
    }
    delete m.resourceVersion;
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    delete m.managedFields;
    m.uid = newUid();
    m.creationTimestamp = rfc3339(this.now());
    m.generation = 1;
    if (r.subresources.includes('status') && r.plural !== 'namespaces') delete obj.status;
  }

  private validateName(r: ServedResource, obj: KubeObject): void {
    const name = obj.metadata.name ?? '';
    const causes: StatusCause[] = nameCauses(r, name);
    if (r.rkey === CRD_RKEY) {
      const spec = isJsonObject(obj.spec) ? obj.spec : {};
      const names = isJsonObject(spec.names) ? spec.names : {};
      const want = `${String(names.plural ?? '')}.${String(spec.group ?? '')}`;
      if (name !== want) causes.push({ reason: CauseType.fieldValueInvalid, message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`, field: 'metadata.name' });
    }
    if (causes.length > 0) throw invalid(target(r, name), causes);
  }

  private checkNamespaceOpen(ns: string): void {
    const e = this.store.get(NS_RKEY, '', ns);
    if (!e) throw new ApiError(404, StatusReason.notFound, `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
    // the common case (not terminating) needs no parse
    const o = e.json.includes('"deletionTimestamp"') ? (JSON.parse(e.json) as KubeObject) : undefined;
    if (o?.metadata.deletionTimestamp) {
      throw new ApiError(403, StatusReason.forbidden, `unable to create new content in namespace ${ns} because it is being terminated`, {
        name: ns,
        kind: 'namespaces',
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  }

  /** Unknown fields: 400 under Strict, a warning under Warn. */
  private checkFields(r: ServedResource, obj: KubeObject, ctx: WriteContext): void {
    if (ctx.fieldValidation === 'Ignore' || r.crd) return; // custom resources: pruned by admission
    const schema = this.catalog.schemaFor(r);
    if (!schema) return;
    const unknown = unknownFieldPaths(obj, schema);
    if (unknown.length === 0) return;
    if (ctx.fieldValidation === 'Strict') {
      const parts = unknown.map((p) => `unknown field "${p}"`);
      throw badRequest(`strict decoding error: ${parts.join(', ')}`);
    }
    for (const p of unknown) ctx.warnings.push(`unknown field "${p}"`);
  }

  // ---------------------------------------------------------------- update

  /** Replaces an object (PUT), or its status/scale with `sub`. */
  update(at: ObjectAddress, body: JsonValue, ctx: WriteContext, sub?: string): KubeObject {
    const { r, ns, name } = at;
    const old = this.get(r, ns, name);
    if (sub === 'scale') return this.updateScale(r, old, body, ctx);
    const obj = this.decodeBody(r, ns, body);
    if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
      throw badRequest(`the name of the object (${String(obj.metadata.name)}) does not match the name on the URL (${name})`);
    }
    obj.metadata.name = name;
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion) throw conflict(target(r, name));
    this.checkFields(r, obj, ctx);
    const merged = this.carryOver(r, old, obj, sub);
    return this.finishUpdate(r, { old, merged, ctx, sub, recordOwnership: true });
  }

  /** Server-owned metadata comes from the stored object; status or the rest is reset per subresource. */
  private carryOver(r: ServedResource, old: KubeObject, obj: KubeObject, sub: string | undefined): KubeObject {
    if (sub === 'status') {
      const out = clone(old);
      if (obj.status === undefined) delete out.status;
      else out.status = clone(obj.status);
      return out;
    }
    // `obj` is always a fresh object (decoded body or merge result), so it is modified in place
    const out = obj;
    const meta = out.metadata as Record<string, unknown>;
    for (const k of SERVER_META) {
      if (old.metadata[k] === undefined) delete meta[k];
      else meta[k] = old.metadata[k];
    }
    if (!Array.isArray(obj.metadata.managedFields) || obj.metadata.managedFields.length === 0) {
      if (old.metadata.managedFields === undefined) delete out.metadata.managedFields;
      else out.metadata.managedFields = clone(old.metadata.managedFields);
    }
    out.metadata.namespace = old.metadata.namespace;
    if (!r.namespaced) delete out.metadata.namespace;
    if (r.subresources.includes('status')) {
      if (old.status === undefined) delete out.status;
      else out.status = clone(old.status);
    }
    return out;
  }

  private finishUpdate(
    r: ServedResource,
    args: { old: KubeObject; merged: KubeObject; ctx: WriteContext; sub: string | undefined; recordOwnership: boolean },
  ): KubeObject {
    const { old, ctx, sub } = args;
    let obj = this.admit('UPDATE', r, { object: args.merged, old, ctx, sub });
    const dropStatus = r.subresources.includes('status');
    if (!sameSpec(obj, old, dropStatus)) {
      obj.metadata.generation = (typeof old.metadata.generation === 'number' ? old.metadata.generation : 1) + 1;
    }
    if (args.recordOwnership) {
      const updated = obj;
      obj = mergeCall(() => this.merge.recordUpdate({ live: old, updated, manager: ctx.fieldManager, schema: this.catalog.schemaFor(r), subresource: sub, now: this.stamp() }));
    }
    obj.metadata.resourceVersion = old.metadata.resourceVersion;
    if (sameIgnoringVolatile(obj, old)) return old;
    if (ctx.dryRun) return obj;
    const ns = old.metadata.namespace ?? '';
    const name = old.metadata.name ?? '';
    if (this.readyToDelete(r, obj)) {
      this.persist(r, [{ rkey: r.rkey, ns, name, type: 'DELETED', obj }]);
      return obj;
    }
    this.persist(r, [{ rkey: r.rkey, ns, name, type: 'MODIFIED', obj }]);
    return obj;
  }

  /** An object marked for deletion whose last finalizer is gone (namespaces: also spec.finalizers). */
  private readyToDelete(r: ServedResource, obj: KubeObject): boolean {
    if (!obj.metadata.deletionTimestamp || finalizersOf(obj).length > 0) return false;
    if (r.rkey === NS_RKEY) {
      const spec = isJsonObject(obj.spec) ? obj.spec : {};
      if (Array.isArray(spec.finalizers) && spec.finalizers.length > 0) return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- patch

  /** Patches an object (PATCH) with one of the four patch types; apply creates when missing. */
  patch(at: ObjectAddress, p: { type: PatchType; body: JsonValue; sub?: string }, ctx: WriteContext): KubeObject {
    if (p.type === 'apply') return this.apply(at, p, ctx);
    const { r, ns, name } = at;
    const old = this.get(r, ns, name);
    const base: KubeObject = p.sub === 'scale' ? this.scaleOf(r, old) : old;
    const patched = this.runPatch(r, base, p.type, p.body);
    if (p.sub === 'scale') return this.updateScale(r, old, patched, ctx);
    const obj = this.decodeBody(r, ns, patched);
    obj.metadata.name = name;
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== old.metadata.resourceVersion) throw conflict(target(r, name));
    this.checkFields(r, obj, ctx);
    const merged = this.carryOver(r, old, obj, p.sub);
    return this.finishUpdate(r, { old, merged, ctx, sub: p.sub, recordOwnership: true });
  }

  private runPatch(r: ServedResource, base: KubeObject, type: Exclude<PatchType, 'apply'>, body: JsonValue): JsonValue {
    const doc = base as unknown as JsonObject;
    try {
      if (type === 'json') return this.merge.jsonPatch(doc, body);
      if (type === 'merge') return this.merge.mergePatch(doc, body);
      if (r.crd) {
        throw new ApiError(415, StatusReason.unsupportedMediaType, `strategic merge patch is not supported for ${groupVersion(r)}, Kind=${r.kind}`);
      }
      if (!isJsonObject(body)) throw badRequest('strategic merge patch must be a JSON object');
      return this.merge.strategicMergePatch(doc, body, this.catalog.schemaFor(r));
    } catch (e) {
      if (e instanceof ApiError) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      if (type === 'json' && /test/i.test(msg) && /fail/i.test(msg)) throw new ApiError(422, StatusReason.invalid, `the server rejected our request due to an error in our request: ${msg}`);
      throw new ApiError(422, StatusReason.invalid, msg);
    }
  }

  private apply(at: ObjectAddress, p: { body: JsonValue; sub?: string }, ctx: WriteContext): KubeObject {
    const { r, ns, name } = at;
    if (!ctx.fieldManager || ctx.fieldManager === '') {
      throw badRequest('PATCH, actionType: apply, requires fieldManager to be set');
    }
    if (!isJsonObject(p.body)) throw badRequest('error decoding YAML: the apply configuration must be an object');
    if (typeof p.body.apiVersion !== 'string' || typeof p.body.kind !== 'string') {
      throw badRequest('invalid object type: apply configurations need apiVersion and kind');
    }
    const applied = this.decodeBody(r, ns, p.body);
    if (applied.metadata.name !== undefined && applied.metadata.name !== name) {
      throw badRequest(`the name of the object (${String(applied.metadata.name)}) does not match the name on the URL (${name})`);
    }
    applied.metadata.name = name;
    if (p.sub !== 'status' && r.subresources.includes('status')) delete applied.status;
    this.checkFields(r, applied, ctx);
    const old = this.find(r, ns, name);
    const schema = this.catalog.schemaFor(r);
    const live = old ? clone(old) : undefined;
    const res = mergeCall(() => this.merge.apply({ live, applied: stripApplyMeta(applied), manager: ctx.fieldManager, force: ctx.force, schema, subresource: p.sub, now: this.stamp() }));
    if (res.conflicts.length > 0) {
      const msg = this.merge.conflictMessage(res.conflicts, groupVersion(r));
      throw conflict(target(r, name), msg, this.merge.conflictCauses(res.conflicts, groupVersion(r)));
    }
    if (!old) {
      if (p.sub) throw notFound(target(r, name));
      const obj = res.object;
      const mf = obj.metadata.managedFields;
      this.prepareCreate(r, obj);
      if (mf !== undefined) obj.metadata.managedFields = mf;
      return this.finishCreate(r, obj, ctx, false);
    }
    const rv = applied.metadata.resourceVersion;
    if (rv !== undefined && rv !== old.metadata.resourceVersion) throw conflict(target(r, name));
    const merged = this.carryOver(r, old, res.object, p.sub);
    merged.metadata.managedFields = res.object.metadata.managedFields;
    return this.finishUpdate(r, { old, merged, ctx, sub: p.sub, recordOwnership: false });
  }

  // ---------------------------------------------------------------- scale

  /** The autoscaling/v1 Scale of an object. */
  scaleOf(r: ServedResource, o: KubeObject): KubeObject {
    const paths = scalePaths(r);
    const spec = getPath(o, paths.specReplicas);
    const status = getPath(o, paths.statusReplicas);
    const sel = paths.labelSelector ? getPath(o, paths.labelSelector) : selectorString(getPath(o, '.spec.selector'));
    const m = o.metadata;
    const scale: KubeObject = {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp as string },
      spec: { replicas: typeof spec === 'number' ? spec : 0 },
      status: { replicas: typeof status === 'number' ? status : 0, ...(typeof sel === 'string' && sel ? { selector: sel } : {}) },
    };
    if (!r.namespaced) delete scale.metadata.namespace;
    return scale;
  }

  private updateScale(r: ServedResource, old: KubeObject, body: JsonValue, ctx: WriteContext): KubeObject {
    if (!isJsonObject(body) || !isJsonObject(body.spec)) throw badRequest('a Scale object with spec.replicas is required');
    const md = isJsonObject(body.metadata) ? body.metadata : {};
    if (typeof md.resourceVersion === 'string' && md.resourceVersion !== '' && md.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(target(r, old.metadata.name));
    }
    const replicas = body.spec.replicas;
    if (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas)) {
      throw invalid({ ...target(r, old.metadata.name), kind: 'Scale', group: 'autoscaling' }, [
        { reason: CauseType.fieldValueInvalid, message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' },
      ]);
    }
    const merged = clone(old);
    setPath(merged, scalePaths(r).specReplicas, replicas);
    const out = this.finishUpdate(r, { old, merged, ctx, sub: 'scale', recordOwnership: true });
    return this.scaleOf(r, out);
  }

  // ---------------------------------------------------------------- delete

  /** Deletes an object, or marks it when finalizers (or the propagation policy) keep it. */
  delete(at: ObjectAddress, opts: DeleteOptions, ctx: WriteContext): { object: KubeObject; deleted: boolean } {
    const { r, ns, name } = at;
    if (r.rkey === NS_RKEY && IMMORTAL_NAMESPACES.has(name)) {
      throw new ApiError(403, StatusReason.forbidden, `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
    }
    const old = this.get(r, ns, name);
    checkPreconditions(r, old, opts.preconditions);
    this.admit('DELETE', r, { old, ctx });
    const obj = clone(old);
    const fins = finalizersOf(obj);
    const extra = this.propagationFinalizer(opts.propagationPolicy);
    if (extra && !fins.includes(extra) && !obj.metadata.deletionTimestamp) fins.push(extra);
    const nsHeld = r.rkey === NS_RKEY && isJsonObject(obj.spec) && Array.isArray(obj.spec.finalizers) && obj.spec.finalizers.length > 0;
    if (fins.length > 0 || nsHeld) {
      if (obj.metadata.deletionTimestamp) return { object: old, deleted: false };
      obj.metadata.deletionTimestamp = rfc3339(this.now());
      obj.metadata.deletionGracePeriodSeconds = 0;
      if (fins.length > 0) obj.metadata.finalizers = fins;
      if (r.rkey === NS_RKEY) obj.status = { ...(isJsonObject(obj.status) ? obj.status : {}), phase: 'Terminating' };
      if (ctx.dryRun) return { object: obj, deleted: false };
      this.persist(r, [{ rkey: r.rkey, ns: obj.metadata.namespace ?? '', name, type: 'MODIFIED', obj }]);
      return { object: obj, deleted: false };
    }
    if (ctx.dryRun) return { object: obj, deleted: true };
    this.persist(r, [{ rkey: r.rkey, ns: obj.metadata.namespace ?? '', name, type: 'DELETED', obj }]);
    return { object: obj, deleted: true };
  }

  private propagationFinalizer(policy: DeleteOptions['propagationPolicy']): string | undefined {
    if (!this.propagationFinalizers) return undefined;
    if (policy === 'Foreground') return 'foregroundDeletion';
    if (policy === 'Orphan') return 'orphan';
    return undefined;
  }

  /** Deletes every object matching the list options; returns the objects deleted or marked. */
  deleteCollection(r: ServedResource, list: CoreListOptions, opts: DeleteOptions, ctx: WriteContext): KubeObject[] {
    const { entries } = this.list(r, { ...list, limit: undefined, continue: undefined });
    const out: KubeObject[] = [];
    for (const e of entries) {
      try {
        out.push(this.delete({ r, ns: e.ns || undefined, name: e.name }, opts, ctx).object);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- internals

  private stamp(): string {
    return rfc3339(this.now());
  }

  private admit(
    op: AdmissionOperation,
    r: ServedResource,
    a: { object?: KubeObject; old?: KubeObject; ctx: WriteContext; sub?: string },
  ): KubeObject {
    let obj = a.object;
    const ns = obj?.metadata.namespace ?? a.old?.metadata.namespace;
    const name = obj?.metadata.name ?? a.old?.metadata.name;
    // one request object for the whole chain (plugins see `object` as the chain has made it so far)
    const req: AdmissionRequest & AdmissionRequestExtras = {
      operation: op,
      resource: r,
      subresource: a.sub,
      namespace: ns || undefined,
      name,
      object: obj,
      oldObject: a.old,
      user: a.ctx.user,
      dryRun: a.ctx.dryRun,
      catalog: this.admissionCatalog,
      // extras read by the admission plugins (see admission/index.ts AdmissionRequestExtras)
      fieldValidation: a.ctx.fieldValidation,
      warnings: a.ctx.warnings,
    };
    for (const p of this.admission) {
      if (!p.mutate) continue;
      req.object = obj;
      const res = p.mutate(req);
      if (res) obj = res;
    }
    req.object = obj;
    for (const p of this.admission) {
      if (!p.validate) continue;
      req.object = obj;
      p.validate(req);
    }
    return obj ?? (a.old as KubeObject);
  }

  /** Commits writes, cascading CRD deletion to its objects and refreshing the catalog on CRD changes. */
  private persist(r: ServedResource, writes: StoreWrite[]): void {
    const all = [...writes];
    if (r.rkey === CRD_RKEY) {
      for (const w of writes) {
        if (w.type !== 'DELETED') continue;
        for (const cr of crdResourceKeys(w.obj)) {
          for (const e of this.store.list(cr)) {
            const o = JSON.parse(e.json) as KubeObject;
            all.unshift({ rkey: cr, ns: e.ns, name: e.name, type: 'DELETED', obj: o });
          }
        }
      }
    }
    this.store.commit(all);
    if (r.rkey === CRD_RKEY) this.refreshCrds();
  }
}

/** Delete preconditions: 409 when the uid or resourceVersion differ. */
function checkPreconditions(r: ServedResource, old: KubeObject, pre: DeleteOptions['preconditions']): void {
  const name = old.metadata.name;
  if (pre?.uid && pre.uid !== old.metadata.uid) {
    throw conflict(target(r, name), `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid ?? ''}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
    throw conflict(target(r, name), `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion ?? ''}`);
  }
}

/** Runs a merge-engine call, turning its errors (bad shapes, bad managedFields) into 422 Invalid. */
function mergeCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(422, StatusReason.invalid, e instanceof Error ? e.message : String(e));
  }
}

/** Storage keys of the resources a CRD defines. */
function crdResourceKeys(crd: KubeObject): string[] {
  const spec = isJsonObject(crd.spec) ? crd.spec : {};
  const names = isJsonObject(spec.names) ? spec.names : {};
  return typeof names.plural === 'string' ? [`${String(spec.group ?? '')}/${names.plural}`] : [];
}

/** Drops server-owned metadata from an apply configuration (as the API server ignores it). */
function stripApplyMeta(o: KubeObject): KubeObject {
  const c = clone(o);
  for (const k of [...SERVER_META, 'resourceVersion', 'managedFields', 'selfLink'] as const) delete c.metadata[k];
  return c;
}

/** Where a resource keeps its replica counts (CRDs declare it; built-ins use spec/status.replicas). */
function scalePaths(r: ServedResource): { specReplicas: string; statusReplicas: string; labelSelector?: string } {
  if (r.crd && isJsonObject(r.crd.spec) && Array.isArray(r.crd.spec.versions)) {
    const v = r.crd.spec.versions.filter(isJsonObject).find((x) => x.name === r.version);
    const sub = v && isJsonObject(v.subresources) && isJsonObject(v.subresources.scale) ? v.subresources.scale : undefined;
    if (sub) {
      return {
        specReplicas: String(sub.specReplicasPath ?? '.spec.replicas'),
        statusReplicas: String(sub.statusReplicasPath ?? '.status.replicas'),
        labelSelector: typeof sub.labelSelectorPath === 'string' ? sub.labelSelectorPath : undefined,
      };
    }
  }
  return { specReplicas: '.spec.replicas', statusReplicas: '.status.replicas' };
}

function getPath(o: unknown, path: string): unknown {
  let cur = o;
  for (const seg of path.split('.').filter((s) => s !== '')) {
    if (!isJsonObject(cur as JsonValue)) return undefined;
    cur = (cur as JsonObject)[seg];
  }
  return cur;
}

function setPath(o: KubeObject, path: string, value: JsonValue): void {
  const segs = path.split('.').filter((s) => s !== '');
  let cur = o as unknown as JsonObject;
  for (const seg of segs.slice(0, -1)) {
    const next = cur[seg];
    if (!isJsonObject(next)) cur[seg] = {};
    cur = cur[seg] as JsonObject;
  }
  const last = segs[segs.length - 1];
  if (last !== undefined) cur[last] = value;
}

/** A LabelSelector object as its string form (`app=web,tier in (a,b)`). */
export function selectorString(sel: unknown): string {
  if (!isJsonObject(sel as JsonValue)) return '';
  const s = sel as JsonObject;
  const parts: string[] = [];
  if (isJsonObject(s.matchLabels)) for (const [k, v] of Object.entries(s.matchLabels)) parts.push(`${k}=${String(v)}`);
  if (Array.isArray(s.matchExpressions)) {
    for (const e of s.matchExpressions.filter(isJsonObject)) {
      const vals = Array.isArray(e.values) ? e.values.map(String).join(',') : '';
      const op = String(e.operator ?? '');
      if (op === 'In') parts.push(`${String(e.key)} in (${vals})`);
      else if (op === 'NotIn') parts.push(`${String(e.key)} notin (${vals})`);
      else if (op === 'Exists') parts.push(String(e.key));
      else if (op === 'DoesNotExist') parts.push(`!${String(e.key)}`);
    }
  }
  return parts.join(',');
}
