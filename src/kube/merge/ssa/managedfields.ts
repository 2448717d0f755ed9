/**
 * `metadata.managedFields`: decoding into field sets per manager and encoding back in the API server's
 * shape and order.
 *
 * A manager is identified as the API server does: by (manager, operation, subresource) for `Apply`
 * entries and by (manager, operation, apiVersion, subresource) for `Update` entries, so one field manager
 * can hold one Apply entry plus one Update entry per API version.
 */
import type { JsonObject, JsonValue, KubeObject } from '../../object.js';
import { isJsonObject } from '../../object.js';
import { FieldSet } from './fieldset.js';
import { canonicalElement } from './pathelement.js';
import { checkedCopy } from './rawset.js';

/** The operation of a managedFields entry. */
export type ManagedOperation = 'Apply' | 'Update';

/** One decoded managedFields entry. */
export interface ManagerEntry {
  manager: string;
  operation: ManagedOperation;
  apiVersion: string;
  /** RFC3339 time, when the entry has one. */
  time?: string;
  subresource?: string;
  fields: FieldSet;
}

/** Decoded managed fields: entries by manager identity (see {@link managerId}). */
export type ManagedFields = Map<string, ManagerEntry>;

/** The maximum number of managedFields entries read from an object. */
export const MAX_MANAGED_ENTRIES = 1000;

/** What makes a manager distinct, as the JSON the API server builds it from (also used to sort). */
export function managerId(e: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let id = `{"manager":${jsonString(e.manager)},"operation":"${e.operation}"`;
  if (e.operation !== 'Apply' && e.apiVersion) id += `,"apiVersion":${jsonString(e.apiVersion)}`;
  if (e.subresource) id += `,"subresource":${jsonString(e.subresource)}`;
  return `${id}}`;
}

/** Names of managers and API versions as they usually are: nothing to escape in JSON. */
const PLAIN = /^[\w.:/@+-]*$/;

/** `JSON.stringify` of a string (a plain one quoted directly). */
function jsonString(s: string): string {
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s);
}

/** Why managedFields could not be decoded. */
export class ManagedFieldsError extends Error {
  override readonly name = 'ManagedFieldsError';
}

/** True for `f:`, `k:`, `v:` and `i:` (char codes: f 102, k 107, v 118, i 105, colon 58). */
function hasElementPrefix(k: string): boolean {
  if (k.charCodeAt(1) !== 58) return false;
  const c = k.charCodeAt(0);
  return c === 102 || c === 107 || c === 118 || c === 105;
}

interface CheckState {
  /** Every key element seen was in canonical form. */
  canonical: boolean;
  /** Whether the node checked last is a member (set by {@link checkRaw} on return). */
  member: boolean;
}

/**
 * Checks the structure of a FieldsV1 object and counts its paths (in one walk); clears `st.canonical`
 * when some key element is not in canonical form.
 */
function checkRaw(o: JsonObject, depth: number, st: CheckState): number {
  if (depth <= 0) throw new Error('fieldsV1 nested too deeply');
  let size = 0;
  let self = false;
  let children = false;
  for (const k in o) {
    const v = o[k];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`fieldsV1 value of ${JSON.stringify(k)} must be an object`);
    if (k === '.') {
      self = true;
      continue;
    }
    if (!hasElementPrefix(k)) throw new Error(`unknown path element ${JSON.stringify(k)}: must start with f:, k:, v: or i:`);
    if (k.charCodeAt(0) !== 102 && canonicalElement(k) !== k) st.canonical = false;
    children = true;
    // Most nodes are leaves (`{}`): counted here, without a call.
    let leaf = true;
    for (const _ in v) {
      leaf = false;
      break;
    }
    if (leaf) {
      if (depth <= 1) throw new Error('fieldsV1 nested too deeply');
      size++;
      continue;
    }
    size += checkRaw(v, depth - 1, st);
    if (st.member) size++;
  }
  st.member = self || !children;
  return size;
}

/**
 * A field set over a FieldsV1 value: decoded lazily when canonical (the common case), eagerly otherwise.
 * With `copy`, the lazy set is over a copy made while checking (one walk), which the set owns.
 */
function readFieldsV1(v: JsonValue, copy: boolean): FieldSet {
  if (!isJsonObject(v)) return FieldSet.fromFieldsV1(v);
  if (copy) {
    const c = checkedCopy(v, 64);
    return c ? FieldSet.lazy(c.raw as unknown as JsonObject, { owned: true, size: c.size }) : FieldSet.fromFieldsV1(v);
  }
  const st: CheckState = { canonical: true, member: false };
  const size = checkRaw(v, 64, st);
  return st.canonical ? FieldSet.lazy(v, { size }) : FieldSet.fromFieldsV1(v);
}

function decodeEntry(raw: JsonValue, at: { index: number; copy: boolean }): ManagerEntry {
  const { index } = at;
  if (!isJsonObject(raw)) throw new ManagedFieldsError(`managedFields[${index}] is not an object`);
  const { manager, operation, apiVersion, time, subresource, fieldsType, fieldsV1 } = raw;
  if (operation !== 'Apply' && operation !== 'Update') {
    throw new ManagedFieldsError(`managedFields[${index}]: operation must be Apply or Update, got ${JSON.stringify(operation ?? null)}`);
  }
  if (fieldsType !== undefined && fieldsType !== 'FieldsV1') {
    throw new ManagedFieldsError(`managedFields[${index}]: unsupported fieldsType ${JSON.stringify(fieldsType)}`);
  }
  let fields: FieldSet;
  try {
    fields = fieldsV1 === undefined || fieldsV1 === null ? new FieldSet() : readFieldsV1(fieldsV1, at.copy);
  } catch (e) {
    throw new ManagedFieldsError(`managedFields[${index}].fieldsV1: ${(e as Error).message}`);
  }
  const entry: ManagerEntry = {
    manager: typeof manager === 'string' ? manager : '',
    operation,
    apiVersion: typeof apiVersion === 'string' ? apiVersion : '',
    fields,
  };
  if (typeof time === 'string') entry.time = time;
  if (typeof subresource === 'string' && subresource !== '') entry.subresource = subresource;
  return entry;
}

/**
 * Decodes `metadata.managedFields` of an object (none → empty map). Throws {@link ManagedFieldsError} for
 * malformed entries or duplicate manager identities, as the API server refuses them.
 */
export function decodeManagedFields(obj: Pick<KubeObject, 'metadata'> | undefined): ManagedFields {
  return decode(obj, false);
}

/**
 * {@link decodeManagedFields} into sets that own copies of the FieldsV1 objects (made in the same walk
 * that checks them), so that {@link setManagedFieldsTaking} can hand them out without copying again.
 */
export function decodeManagedFieldsCopied(obj: Pick<KubeObject, 'metadata'> | undefined): ManagedFields {
  return decode(obj, true);
}

function decode(obj: Pick<KubeObject, 'metadata'> | undefined, copy: boolean): ManagedFields {
  const out: ManagedFields = new Map();
  const raw = obj?.metadata?.managedFields;
  if (raw === undefined || raw === null) return out;
  if (!Array.isArray(raw)) throw new ManagedFieldsError('metadata.managedFields must be a list');
  if (raw.length > MAX_MANAGED_ENTRIES) throw new ManagedFieldsError(`metadata.managedFields has more than ${MAX_MANAGED_ENTRIES} entries`);
  for (let i = 0; i < raw.length; i++) {
    const e = decodeEntry(raw[i] as JsonValue, { index: i, copy });
    const id = managerId(e);
    if (out.has(id)) throw new ManagedFieldsError(`managedFields: duplicate entry for manager ${id}`);
    out.set(id, e);
  }
  return out;
}

function seconds(time: string | undefined): number {
  if (!time) return 0;
  const t = Date.parse(time);
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The managedFields list for an object: entries with empty sets left out, sorted as the API server keeps
 * them (operation — Apply before Update —, then time, manager, apiVersion, subresource).
 */
export function encodeManagedFields(managed: ManagedFields): JsonObject[] {
  return encode(managed, 'copy');
}

/**
 * How {@link encode} produces the FieldsV1 objects: copies; the objects lazy sets own, handed out
 * ({@link FieldSet.takeFieldsV1}); or the objects lazy sets are over, whoever owns them
 * ({@link FieldSet.sharedFieldsV1}).
 */
type EncodeMode = 'copy' | 'take' | 'share';

function fieldsV1Of(fields: FieldSet, mode: EncodeMode): JsonObject {
  if (mode === 'share') return fields.sharedFieldsV1();
  return mode === 'take' ? fields.takeFieldsV1() : fields.toFieldsV1();
}

function encode(managed: ManagedFields, mode: EncodeMode): JsonObject[] {
  // Times parsed once per entry, not once per comparison.
  const entries = [...managed.values()].filter((e) => !e.fields.isEmpty()).map((e) => ({ e, t: seconds(e.time) }));
  entries.sort(
    ({ e: p, t: pt }, { e: q, t: qt }) =>
      cmp(p.operation, q.operation) || pt - qt || cmp(p.manager, q.manager) || cmp(p.apiVersion, q.apiVersion) || cmp(p.subresource ?? '', q.subresource ?? ''),
  );
  return entries.map(({ e }) => {
    const o: JsonObject = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
    if (e.time !== undefined) o.time = e.time;
    o.fieldsType = 'FieldsV1';
    o.fieldsV1 = fieldsV1Of(e.fields, mode);
    if (e.subresource) o.subresource = e.subresource;
    return o;
  });
}

/** A copy of the object (metadata copied, the rest shared) without `metadata.managedFields`. */
export function withoutManagedFields<T extends Pick<KubeObject, 'metadata'>>(obj: T): T {
  if (!obj.metadata || !('managedFields' in obj.metadata)) return obj;
  // Copied key by key rather than spread and deleted: a deleted key turns the copy into a slow
  // (dictionary-mode) object, and the apply walk reads it a lot.
  const metadata: Record<string, unknown> = {};
  const from = obj.metadata as Record<string, unknown>;
  for (const k in from) if (k !== 'managedFields') metadata[k] = from[k];
  return { ...obj, metadata };
}

/** Sets (or, when empty, removes) `metadata.managedFields` on an object, in place. */
export function setManagedFields(obj: KubeObject, managed: ManagedFields): KubeObject {
  return set(obj, encode(managed, 'copy'));
}

/**
 * {@link setManagedFields} that hands out the FieldsV1 objects the sets own (see
 * {@link FieldSet.takeFieldsV1}) instead of copies: `managed` must not be used afterwards.
 */
export function setManagedFieldsTaking(obj: KubeObject, managed: ManagedFields): KubeObject {
  return set(obj, encode(managed, 'take'));
}

/**
 * {@link setManagedFields} that puts in the FieldsV1 objects lazy sets are over as they are (see
 * {@link FieldSet.sharedFieldsV1}): an entry read with {@link decodeManagedFields} and left undecoded
 * shares its FieldsV1 object with the object it was read from. `managed` must not be used afterwards, and
 * neither object's FieldsV1 may be mutated.
 */
export function setManagedFieldsSharing(obj: KubeObject, managed: ManagedFields): KubeObject {
  return set(obj, encode(managed, 'share'));
}

function set(obj: KubeObject, encoded: JsonObject[]): KubeObject {
  if (!isJsonObject(obj.metadata as unknown)) obj.metadata = {};
  if (encoded.length > 0) obj.metadata.managedFields = encoded;
  else delete obj.metadata.managedFields;
  return obj;
}
