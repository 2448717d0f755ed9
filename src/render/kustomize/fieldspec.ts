/**
 * Field specs: "which field of which kinds" as kustomize's transformer configurations write them
 * (`path: spec/template/metadata/labels`, optional group/version/kind, `create`). A path walks maps;
 * a sequence on the way applies the rest of the path to every element.
 */
import type { JsonObject, JsonValue } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import type { Gvk } from './resid.js';
import { gvkSelected } from './resid.js';

/** One field spec. */
export interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  path: string;
  create?: boolean;
}

/** Splits a field-spec path on `/` (`\/` escapes a slash), dropping `[]` markers. */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\' && path[i + 1] === '/') {
      cur += '/';
      i++;
    } else if (c === '/') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => (s.endsWith('[]') ? s.slice(0, -2) : s)).filter((s) => s !== '');
}

/** True when the spec applies to an object of this GVK. */
export function specSelects(fs: FieldSpec, g: Gvk): boolean {
  return gvkSelected(g, fs);
}

/** Called for each field found (or to be created: `value` undefined); returns the new value or undefined to keep. */
export type FieldVisitor = (value: JsonValue | undefined, parent: JsonObject, key: string) => JsonValue | undefined;

const splitCache = new Map<string, string[]>();

/** Applies `visit` at every place `fs.path` reaches in `obj`. */
export function visitField(obj: JsonObject, fs: FieldSpec, visit: FieldVisitor, create = fs.create === true): void {
  let segs = splitCache.get(fs.path);
  if (!segs) {
    segs = splitPath(fs.path);
    splitCache.set(fs.path, segs);
  }
  walk(obj, { segs, visit, create }, 0);
}

interface Walk {
  segs: string[];
  visit: FieldVisitor;
  create: boolean;
}

function walk(node: JsonValue, w: Walk, i: number): void {
  const { segs, visit, create } = w;
  if (Array.isArray(node)) {
    for (const item of node) walk(item, w, i);
    return;
  }
  if (!isJsonObject(node)) return;
  const key = segs[i] as string;
  const last = i === segs.length - 1;
  const cur = node[key];
  if (last) {
    if (cur === undefined || cur === null) {
      if (!create) return;
    }
    const nv = visit(cur === null ? undefined : cur, node, key);
    if (nv !== undefined) node[key] = nv;
    return;
  }
  if (cur === undefined || cur === null) {
    if (!create) return;
    node[key] = {};
  }
  walk(node[key] as JsonValue, w, i + 1);
}
