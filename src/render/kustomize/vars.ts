/**
 * vars (deprecated, for old repos): `$(NAME)` in the varReference fields is replaced by a field of the
 * object the var names, after all names are final. A field that is exactly `$(NAME)` takes the
 * value's type (number, bool); elsewhere the value is formatted into the text. Unknown `$(X)` stay.
 */
import type { JsonValue } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import { KustomizeError } from './errors.js';
import type { FieldSpec } from './fieldspec.js';
import { specSelects, visitField } from './fieldspec.js';
import type { Kustomization } from './kustomization.js';
import type { Resource } from './resource.js';
import { curId, nsEquals } from './resource.js';
import { gvkOf, isClusterScoped, parseApiVersion } from './resid.js';
import { lookup, splitFieldPath } from './replacements.js';

/** A var and the resource it was matched to when its kustomization was accumulated. */
export interface BoundVar {
  name: string;
  fieldPath: string;
  resource?: Resource;
  file: string;
}

/** Matches the vars of one kustomization against the resources accumulated so far (kustomize's MergeVars). */
export function bindVars(k: Kustomization, resources: Resource[], bound: BoundVar[]): void {
  for (const v of k.vars) {
    if (!isJsonObject(v) || typeof v.name !== 'string' || !isJsonObject(v.objref)) {
      throw new KustomizeError('a var needs a name and an objref', k.file);
    }
    const ref = v.objref;
    const av = typeof ref.apiVersion === 'string' ? parseApiVersion(ref.apiVersion) : { group: String(ref.group ?? ''), version: String(ref.version ?? '') };
    const gvk = { ...av, kind: String(ref.kind ?? '') };
    const name = String(ref.name ?? '');
    const ns = typeof ref.namespace === 'string' ? ref.namespace : '';
    const strict = ns !== '' || isClusterScoped(gvk);
    const matched = resources.filter((r) =>
      [curId(r), ...r.prevIds].some(
        (id) => id.name === name && id.gvk.group === gvk.group && id.gvk.version === gvk.version && id.gvk.kind === gvk.kind && (!strict || nsEquals(id.namespace, ns)),
      ),
    );
    if (matched.length > 1) throw new KustomizeError(`found ${matched.length} resId matches for var ${v.name} (unable to disambiguate)`, k.file);
    if (bound.some((b) => b.name === v.name)) throw new KustomizeError(`var '${v.name}' already encountered`, k.file);
    const fr = isJsonObject(v.fieldref) && typeof v.fieldref.fieldpath === 'string' ? v.fieldref.fieldpath : 'metadata.name';
    const b: BoundVar = { name: v.name, fieldPath: fr, file: k.file };
    if (matched[0]) b.resource = matched[0];
    bound.push(b);
  }
}

/** kustomize's `$(VAR)` expansion of one string. */
export function expandVars(input: string, lookupVar: (name: string) => JsonValue | undefined): JsonValue {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === '$') out += '$';
    else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1);
      if (close < 0) out += '$(';
      else {
        const name = rest.slice(1, close);
        const v = lookupVar(name);
        const mapped = v === undefined ? `$(${name})` : v;
        if (input === `$(${name})`) return mapped;
        out += typeof mapped === 'string' ? mapped : JSON.stringify(mapped);
        advance = close + 1;
      }
    } else out += '$' + (rest[0] ?? '');
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** Resolves every bound var and substitutes it in the varReference fields of `resources`. */
export function resolveVars(bound: BoundVar[], resources: Resource[], specs: readonly FieldSpec[]): void {
  if (bound.length === 0) return;
  const values = new Map<string, JsonValue>();
  for (const b of bound) {
    if (!b.resource) throw new KustomizeError(`var '${b.name}' cannot be mapped to a field in the set of known resources`, b.file);
    const v = lookup(b.resource.obj, splitFieldPath(b.fieldPath.replace(/\[(\d+)\]/g, '.$1')));
    if (v === undefined || v === null || typeof v === 'object') {
      throw new KustomizeError(`field specified in var '${b.name}' not found in corresponding resource`, b.file);
    }
    values.set(b.name, v);
  }
  const get = (name: string): JsonValue | undefined => values.get(name);
  const expand = (v: JsonValue | undefined): JsonValue | undefined => {
    if (typeof v === 'string') return expandVars(v, get);
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? expandVars(x, get) : x));
    if (isJsonObject(v)) {
      for (const [key, x] of Object.entries(v)) if (typeof x === 'string') v[key] = expandVars(x, get);
      return v;
    }
    return undefined;
  };
  for (const r of resources) {
    const g = gvkOf(r.obj);
    for (const fs of specs) if (specSelects(fs, g)) visitField(r.obj, fs, expand, false);
  }
}
