/**
 * A resource during a build: the object plus what kustomize tracks beside it (previous ids for name
 * references, the prefixes and suffixes applied, generator behaviour and hash needs).
 */
import type { JsonObject } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import type { Gvk, ResId } from './resid.js';
import { gvkOf } from './resid.js';

/** One object being built. */
export interface Resource {
  obj: JsonObject;
  /** Ids the object had before renames (oldest first); empty when never renamed. */
  prevIds: ResId[];
  prefixes: string[];
  suffixes: string[];
  /** Generated ConfigMap/Secret that gets a content hash suffix at the end of the build. */
  needsHash: boolean;
  /** `behavior` of a generated object (create, merge, replace). */
  behavior?: string;
  /** File it came from (absolute path), for errors and origin annotations. */
  origin: string;
  /** For generated objects: the generator kind (ConfigMapGenerator, SecretGenerator). */
  generatedBy?: string;
}

/** Creates a resource for an object read or generated. */
export function newResource(obj: JsonObject, origin: string): Resource {
  // kustomize keeps internal annotations on every object during a build, so `metadata.annotations`
  // always exists (JSON patches may add into it); empty annotations are dropped at the end.
  const meta = metadataOf(obj);
  if (!isJsonObject(meta.annotations)) meta.annotations = {};
  return { obj, prevIds: [], prefixes: [], suffixes: [], needsHash: false, origin };
}

/** The object's name ('' when absent). */
export function nameOf(obj: JsonObject): string {
  const m = obj.metadata;
  return isJsonObject(m) && typeof m.name === 'string' ? m.name : '';
}

/** The object's namespace ('' when absent). */
export function namespaceOf(obj: JsonObject): string {
  const m = obj.metadata;
  return isJsonObject(m) && typeof m.namespace === 'string' ? m.namespace : '';
}

/** `metadata`, created when missing. */
export function metadataOf(obj: JsonObject): JsonObject {
  if (!isJsonObject(obj.metadata)) obj.metadata = {};
  return obj.metadata as JsonObject;
}

/** Current id. */
export function curId(r: Resource): ResId {
  return { gvk: gvkOf(r.obj), name: nameOf(r.obj), namespace: namespaceOf(r.obj) };
}

/** The first id the resource had. */
export function orgId(r: Resource): ResId {
  return r.prevIds[0] ?? curId(r);
}

/** Records the current id before a rename or move (namespace recorded as kustomize's effective one). */
export function storePreviousId(r: Resource): void {
  const id = curId(r);
  r.prevIds.push({ gvk: id.gvk, name: id.name, namespace: id.namespace || 'default' });
}

/** Same GVK, name and namespace. */
export function idEquals(a: ResId, b: ResId): boolean {
  return gvkEquals(a.gvk, b.gvk) && a.name === b.name && a.namespace === b.namespace;
}

/** Same group, version and kind. */
export function gvkEquals(a: Gvk, b: Gvk): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

/** Namespaces equal as kustomize compares them ('' and 'default' are the same). */
export function nsEquals(a: string, b: string): boolean {
  return (a || 'default') === (b || 'default');
}
