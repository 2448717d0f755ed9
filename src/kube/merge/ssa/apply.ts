/**
 * Server-side apply and ownership tracking for ordinary writes, as the API server's field manager does
 * them (structured-merge-diff's Updater behind the API server's managedFields layers):
 *
 * - Apply merges the configuration into the live object, takes ownership of exactly the fields the
 *   configuration sets, removes fields this manager applied before and no longer applies unless another
 *   manager owns them, and refuses (without `force`) to change fields other managers own. Same value as
 *   another manager = shared ownership.
 * - Update (create, update, patch) gives the writer the fields it changed and takes them from the others.
 * - `apiVersion`, `kind` and server-owned metadata are never tracked; an object that exists without
 *   managedFields is first attributed to `before-first-apply` when applied to; an Update of such an
 *   object stays untracked (the API server only starts tracking on create or on the first apply).
 */
import type { JsonObject, JsonValue, KubeObject } from '../../object.js';
import { isJsonObject } from '../../object.js';
import type { SchemaNode } from '../../schema/types.js';
import { MergeError, MergeErrorCode } from '../errors.js';
import type { FieldConflict } from './conflicts.js';
import { FieldSet } from './fieldset.js';
import type { ManagedFields, ManagerEntry } from './managedfields.js';
import { ManagedFieldsError, decodeManagedFields, decodeManagedFieldsCopied, managerId, setManagedFieldsSharing, setManagedFieldsTaking, withoutManagedFields } from './managedfields.js';
import { pathToString } from './pathelement.js';
import { removeMember, sortedCopy } from './rawset.js';
import { jsonCopy, jsonEqual, withItemKeyMemo } from './shape.js';
import type { Comparison } from './typed.js';
import { FieldPathError, compareValues, fieldSetOf, isSame } from './typed.js';
import type { RawNode } from './rawset.js';
import { prune } from './prune.js';
import { UNTRACKED_PATHS } from './untracked.js';
import type { ApplyWalkOptions, ApplyWalkResult } from './walk.js';
import { InvalidConfiguration, applyWalk, collectConfig } from './walk.js';
import { zeroObject } from './zero.js';

/** The manager that owns everything of an untracked object when it is first applied to. */
export const BEFORE_FIRST_APPLY_MANAGER = 'before-first-apply';

/** Options of {@link serverSideApply}. */
export interface ApplyOptions {
  /** Current object (with metadata.managedFields), or undefined on create. */
  live: KubeObject | undefined;
  /** The apply configuration the client sent (already parsed). */
  applied: KubeObject;
  /** The field manager. */
  manager: string;
  force: boolean;
  /** Schema of the whole object; undefined = unknown kind, treated as untyped (lists atomic, maps granular). */
  schema: SchemaNode | undefined;
  /** RFC3339 time for managedFields entries (default: now, seconds precision). */
  now?: string;
  /** E.g. 'status' when applying to /status. */
  subresource?: string;
}

/** What {@link serverSideApply} did. */
export interface ApplyResult {
  /** The new object with managedFields; with conflicts (and no force) the live object, unchanged. */
  object: KubeObject;
  /** Fields other managers own that the apply would change; empty on success. */
  conflicts: FieldConflict[];
}

/** Options of {@link recordUpdate}. */
export interface UpdateOptions {
  live: KubeObject | undefined;
  updated: KubeObject;
  manager: string;
  schema: SchemaNode | undefined;
  now?: string;
  subresource?: string;
  operation?: 'Update';
}

/** Fields the API server never tracks (stripped from the acting manager's set after each operation). */
const STRIPPED = FieldSet.of(UNTRACKED_PATHS);

/** The API server keeps at most this many Update entries; older ones are merged into {@link ANCIENT_CHANGES_MANAGER}. */
export const MAX_UPDATE_MANAGERS = 10;
/** The manager that collects the oldest Update entries beyond {@link MAX_UPDATE_MANAGERS}, one entry per API version. */
export const ANCIENT_CHANGES_MANAGER = 'ancient-changes';

function timeSeconds(t: string | undefined): number {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** Merges the oldest Update entries into per-version `ancient-changes` entries until at most the cap remain. */
function capUpdateManagers(managed: ManagedFields): void {
  if (managed.size <= MAX_UPDATE_MANAGERS) return;
  const updaters = [...managed].filter(([, e]) => e.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  updaters.sort(([ia, a], [ib, b]) => timeSeconds(a.time) - timeSeconds(b.time) || (ia < ib ? -1 : ia > ib ? 1 : 0));
  let count = updaters.length;
  for (const [id, e] of updaters) {
    if (count <= MAX_UPDATE_MANAGERS) break;
    const bucketId = managerId({ manager: ANCIENT_CHANGES_MANAGER, operation: 'Update', apiVersion: e.apiVersion });
    if (id === bucketId) continue;
    const bucket = managed.get(bucketId);
    managed.delete(id);
    if (bucket) {
      const time = timeSeconds(e.time) > timeSeconds(bucket.time) ? e.time : bucket.time;
      managed.set(bucketId, { ...bucket, fields: bucket.fields.union(e.fields), ...(time ? { time } : {}) });
      count--;
    } else {
      const moved: ManagerEntry = { manager: ANCIENT_CHANGES_MANAGER, operation: 'Update', apiVersion: e.apiVersion, fields: e.fields };
      if (e.time) moved.time = e.time;
      managed.set(bucketId, moved);
    }
  }
}

/** RFC3339 UTC time with seconds precision. */
export function nowRfc3339(d: Date = new Date()): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

function gvString(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
}

function decodeOrThrow(obj: KubeObject | undefined): ManagedFields {
  try {
    return decodeManagedFields(obj);
  } catch (e) {
    if (e instanceof ManagedFieldsError) throw new MergeError(MergeErrorCode.invalidPatch, '/metadata/managedFields', `failed to decode managed fields: ${e.message}`);
    throw e;
  }
}

function decodeOrEmpty(obj: KubeObject | undefined): ManagedFields {
  try {
    return decodeManagedFieldsCopied(obj);
  } catch (e) {
    if (e instanceof ManagedFieldsError) return new Map();
    throw e;
  }
}

interface UpdateStep {
  managed: ManagedFields;
  comparison: Comparison;
  conflicts: Map<string, FieldSet>;
}

/**
 * Takes what changed from `oldObj` to `newObj` away from every manager but `actor`: changed or added
 * fields (conflicts, returned) and removed fields. With `force` false and conflicts, `managed` is left
 * untouched.
 */
function takeChanged(opts: {
  oldObj: JsonValue;
  newObj: JsonValue;
  schema: SchemaNode | undefined;
  managed: ManagedFields;
  actor: string;
  force: boolean;
  /** The comparison of oldObj with newObj, when already known. */
  comparison?: Comparison;
}): UpdateStep {
  const comparison = opts.comparison ?? compareValues(opts.oldObj, opts.newObj, opts.schema);
  const changed = comparison.modified.union(comparison.added);
  const conflicts = new Map<string, FieldSet>();
  const removedHits = new Map<string, FieldSet>();
  for (const [id, e] of opts.managed) {
    if (id === opts.actor) continue;
    if (!changed.isEmpty()) {
      const c = e.fields.intersection(changed);
      if (!c.isEmpty()) conflicts.set(id, c);
    }
    if (!comparison.removed.isEmpty()) {
      const r = e.fields.intersection(comparison.removed);
      if (!r.isEmpty()) removedHits.set(id, r);
    }
  }
  if (conflicts.size > 0 && !opts.force) return { managed: opts.managed, comparison, conflicts };
  for (const [id, e] of opts.managed) {
    const c = conflicts.get(id);
    const r = removedHits.get(id);
    if (!c && !r) continue;
    let fields = c ? e.fields.difference(c) : e.fields;
    if (r) fields = fields.difference(r);
    if (fields.isEmpty()) opts.managed.delete(id);
    else opts.managed.set(id, { ...e, fields });
  }
  return { managed: opts.managed, comparison, conflicts };
}

function conflictList(conflicts: Map<string, FieldSet>, managed: ManagedFields): FieldConflict[] {
  const out: FieldConflict[] = [];
  for (const id of [...conflicts.keys()].sort()) {
    const e = managed.get(id) as ManagerEntry;
    for (const p of (conflicts.get(id) as FieldSet).paths()) {
      const c: FieldConflict = { manager: e.manager, path: pathToString(p), operation: e.operation, apiVersion: e.apiVersion };
      if (e.subresource) c.subresource = e.subresource;
      out.push(c);
    }
  }
  return out;
}

/** Records an Update by `entry`'s identity: fields changed from `oldObj` to `newObj` become its own. */
function recordChanges(opts: { oldObj: JsonValue; newObj: JsonValue; schema: SchemaNode | undefined; managed: ManagedFields; entry: Omit<ManagerEntry, 'fields'> }): void {
  const actor = '\u0000current-operation';
  const { comparison } = takeChanged({ ...opts, actor, force: true });
  const taken = comparison.modified.union(comparison.added).difference(STRIPPED);
  if (taken.isEmpty()) return;
  const id = managerId(opts.entry);
  const prev = opts.managed.get(id);
  opts.managed.set(id, { ...opts.entry, fields: prev ? prev.fields.union(taken) : taken });
}

function validationError(e: FieldPathError, applied: KubeObject): MergeError {
  const what = `failed to create typed patch object (${gvString(applied.apiVersion)}, Kind=${applied.kind})`;
  return new MergeError(e.code, e.pointer, `${what}: ${e.message}`);
}

function checkApplied(applied: KubeObject): void {
  if (!isJsonObject(applied as unknown)) throw new MergeError(MergeErrorCode.invalidPatch, '', 'apply configuration must be an object');
  if (typeof applied.apiVersion !== 'string' || applied.apiVersion === '') throw new MergeError(MergeErrorCode.invalidPatch, '/apiVersion', 'apiVersion must be set in an apply configuration');
  if (typeof applied.kind !== 'string' || applied.kind === '') throw new MergeError(MergeErrorCode.invalidPatch, '/kind', 'kind must be set in an apply configuration');
  const mf = (applied.metadata as JsonObject | undefined)?.managedFields;
  if (mf !== undefined && mf !== null) throw new MergeError(MergeErrorCode.invalidPatch, '/metadata/managedFields', 'metadata.managedFields must be nil');
}

/**
 * Server-side apply. With conflicts and `!force`: returns the conflicts and `object` = a copy of live,
 * unchanged (the caller answers 409 with {@link formatConflictMessage}). Throws {@link MergeError} for an
 * apply configuration of the wrong shape (type mismatches, list-map items without keys, duplicate keys) or
 * undecodable live managedFields. Nulls in the configuration mean "not set": the field is owned but left
 * out of the result. The inputs are never mutated.
 *
 * Structural sharing: the result is built fresh only where it differs from its inputs. Subtrees it takes
 * unchanged — live values the configuration does not reach, the configuration's leaves (scalars, atomic
 * lists and maps), the `fieldsV1` objects of managedFields entries the apply leaves alone — are the
 * inputs' own nodes. The result's root object and its `metadata` object are always its own, so the
 * caller may set or delete their keys. Anything deeper: **inputs must not be mutated afterwards, and the
 * result may share nodes with them** — a caller that edits nested values of the result, or keeps using
 * and editing the inputs, passes copies (the local cluster's apply handler passes a private clone of the
 * stored object and of the request body, so it may edit the result freely).
 */
export function serverSideApply(opts: ApplyOptions): ApplyResult {
  const { live, applied, schema, force } = opts;
  checkApplied(applied);
  const now = opts.now ?? nowRfc3339();
  const subresource = opts.subresource ?? '';
  const managed = decodeOrThrow(live);
  const liveBody: JsonObject = live ? (withoutManagedFields(live) as unknown as JsonObject) : {};
  const applierId = managerId({ manager: opts.manager, operation: 'Apply', apiVersion: applied.apiVersion, subresource });
  const previous = managed.get(applierId);
  // One walk: the merged object (fresh), live compared with it, the configuration validated and its
  // fields checked against the previous set.
  const walk = walkOrThrow({ live: liveBody, applied: applied as unknown as JsonObject, schema, share: true, ...previousOf(previous) });

  if (live && managed.size === 0) {
    const entry = { manager: BEFORE_FIRST_APPLY_MANAGER, operation: 'Update' as const, apiVersion: applied.apiVersion, time: now };
    withItemKeyMemo(() => recordChanges({ oldObj: zeroObject(schema, live.apiVersion, live.kind), newObj: liveBody, schema, managed, entry }));
  }

  // The configuration's set (unstripped, as managers see it while pruning), unless it is the previous one.
  const config = walk.sameAsPrevious ? undefined : collectConfig(applied as unknown as JsonObject, schema);
  const applierEntry: ManagerEntry = { manager: opts.manager, operation: 'Apply', apiVersion: applied.apiVersion, fields: previous?.fields ?? new FieldSet() };
  if (config) applierEntry.fields = FieldSet.lazy(config.raw as unknown as JsonObject);
  if (subresource) applierEntry.subresource = subresource;
  managed.set(applierId, applierEntry);
  // A previous set within the new one: nothing to prune (the common re-apply).
  const previousSize = !previous ? 0 : config ? previous.fields.subsetSizeIn(config.raw as unknown as JsonObject) : previous.fields.size();
  const result = previous && previousSize < 0 ? pruned({ walk, liveBody, managed, lastSet: previous.fields, schema }) : walkResult(walk);

  const step = takeChanged({ oldObj: liveBody, newObj: result.merged, schema, managed, actor: applierId, force, comparison: result.comparison });
  if (step.conflicts.size > 0 && !force) {
    return { object: live ? structuredClone(live) : structuredClone(applied), conflicts: conflictList(step.conflicts, managed) };
  }
  recordApplier({ managed, applierId, entry: applierEntry, previous, previousSize, config, changed: result.changed, now });
  capUpdateManagers(managed);
  // (liveBody is live itself, or a copy of its root and metadata made here: only live's and the
  // configuration's nodes need guarding.)
  const object = ownRootAndMetadata(result.merged, [live as unknown as JsonObject | undefined, applied as unknown as JsonObject]);
  return { object: setManagedFieldsSharing(object as unknown as KubeObject, managed), conflicts: [] };
}

/**
 * `merged` with its root and `metadata` objects its own (shallow copies where they are an input's), so
 * that managedFields can be set and callers may edit the top two levels.
 */
function ownRootAndMetadata(merged: JsonObject, inputs: readonly (JsonObject | undefined)[]): JsonObject {
  let out = merged;
  for (const i of inputs) if (i === merged) out = { ...merged };
  const md = out.metadata;
  if (!isJsonObject(md)) return out;
  for (const i of inputs) {
    if (i !== undefined && i.metadata === md) {
      out.metadata = { ...md };
      break;
    }
  }
  return out;
}

/** The previous set to check the configuration's against (when it is undecoded FieldsV1, as decoded here). */
function previousOf(previous: ManagerEntry | undefined): Pick<ApplyWalkOptions, 'previous'> {
  const raw = previous?.fields.undecodedFieldsV1() as RawNode | undefined;
  return previous && raw ? { previous: { raw, size: previous.fields.size() } } : {};
}

interface Outcome {
  merged: JsonObject;
  comparison: Comparison;
  /** The result differs from live. */
  changed: boolean;
}

function walkResult(walk: ApplyWalkResult): Outcome {
  return { merged: walk.merged, comparison: walk.comparison, changed: !isSame(walk.comparison) || walk.reordered };
}

/** The merge pruned of what the applier applied before and no longer does (compared with live again). */
function pruned(opts: { walk: ApplyWalkResult; liveBody: JsonObject; managed: ManagedFields; lastSet: FieldSet; schema: SchemaNode | undefined }): Outcome {
  const { liveBody, managed, lastSet, schema } = opts;
  return withItemKeyMemo(() => {
    const merged = prune(opts.walk.merged, { sets: [...managed.values()].map((e) => e.fields), lastSet, schema });
    const comparison = compareValues(liveBody, merged, schema);
    return { merged, comparison, changed: !isSame(comparison) || !jsonEqual(liveBody, merged) };
  });
}

/**
 * The applier's entry after a successful apply: the fields it applied but those never tracked, the time
 * kept when neither the fields nor the object changed; no entry when it owns nothing.
 */
function recordApplier(opts: {
  managed: ManagedFields;
  applierId: string;
  entry: ManagerEntry;
  previous: ManagerEntry | undefined;
  /** Paths of the previous set, all in the configuration's set; -1 when some are not. */
  previousSize: number;
  /** The configuration's set, collected (undefined: it is the previous one). */
  config: { raw: RawNode; size: number } | undefined;
  changed: boolean;
  now: string;
}): void {
  const { managed, applierId, previous, config } = opts;
  const ownedSize = config ? ownedOf(config) : opts.previousSize;
  if (ownedSize === 0) {
    managed.delete(applierId);
    return;
  }
  // Same fields as before: keep the previous set, so it is re-encoded as it was.
  // (previous is stored stripped, so previous ⊆ configSet implies previous ⊆ owned).
  const same = previous !== undefined && opts.previousSize === ownedSize;
  const keepTime = same && !opts.changed && previous.time !== undefined;
  const fields = same || !config ? (previous?.fields as FieldSet) : FieldSet.lazy(sortedCopy(config.raw) as unknown as JsonObject, { owned: true });
  managed.set(applierId, { ...opts.entry, fields, time: keepTime ? previous.time : opts.now });
}

/** Strips the untracked fields from a collected configuration set; returns the number of paths left. */
function ownedOf(config: { raw: RawNode; size: number }): number {
  let size = config.size;
  for (const path of UNTRACKED_PATHS) size -= removeMember(config.raw, path);
  return size;
}

/** {@link applyWalk}, with an invalid configuration reported as the validator reports it. */
function walkOrThrow(opts: ApplyWalkOptions): ApplyWalkResult {
  try {
    return applyWalk(opts);
  } catch (e) {
    if (!(e instanceof InvalidConfiguration)) throw e;
  }
  const applied = opts.applied as unknown as KubeObject;
  try {
    fieldSetOf(opts.applied, opts.schema, { strict: true });
  } catch (e) {
    if (e instanceof FieldPathError) throw validationError(e, applied);
    throw e;
  }
  throw new Error('server-side apply: the apply walk refused a configuration the validator accepts');
}

/**
 * Records ownership for a non-apply write (create, update, patch): returns a copy of `updated` with
 * managedFields set. Managed fields sent in `updated` (valid, non-empty, not on a subresource) replace
 * the live ones, as the API server allows; otherwise the live ones are carried over. An existing object
 * without managedFields stays untracked (returned without managedFields).
 */
export function recordUpdate(opts: UpdateOptions): KubeObject {
  return withItemKeyMemo(() => updateOnce(opts));
}

function updateOnce(opts: UpdateOptions): KubeObject {
  const { live, updated, schema } = opts;
  const now = opts.now ?? nowRfc3339();
  const subresource = opts.subresource ?? '';
  let managed = subresource ? new Map() : decodeOrEmpty(updated);
  if (managed.size === 0) managed = decodeOrEmpty(live);
  const newBody = jsonCopy(withoutManagedFields(updated) as unknown as JsonObject);
  if (live && managed.size === 0) {
    if (isJsonObject(newBody.metadata)) delete newBody.metadata.managedFields;
    return newBody as unknown as KubeObject;
  }
  const oldObj: JsonObject = live ? (withoutManagedFields(live) as unknown as JsonObject) : zeroObject(schema, updated.apiVersion, updated.kind);
  const entry: Omit<ManagerEntry, 'fields'> = { manager: opts.manager, operation: opts.operation ?? 'Update', apiVersion: updated.apiVersion, time: now };
  if (subresource) entry.subresource = subresource;
  recordChanges({ oldObj, newObj: newBody, schema, managed, entry });
  capUpdateManagers(managed);
  return setManagedFieldsTaking(newBody as unknown as KubeObject, managed);
}
