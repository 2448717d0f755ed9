/**
 * replacements: copy a value from one field of one source object into fields of the selected target
 * objects, as kustomize's replacement filter does (field paths with `[key=value]` list selectors and
 * numeric indexes, `delimiter`/`index`, `create`, `reject`). Scalar targets keep their type:
 * kustomize copies the text of the value into the target node and keeps the node's tag.
 */
import type { JsonObject, JsonValue, ObjectSelector } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import { KustomizeError } from './errors.js';
import type { Loader } from './fs.js';
import type { Kustomization } from './kustomization.js';
import { selectorMatches } from './patches.js';
import type { Resource } from './resource.js';
import { curId, metadataOf, nsEquals } from './resource.js';
import type { ResId } from './resid.js';
import { gvkSelected } from './resid.js';
import { parseYamlDocuments, resolvePlain } from './yaml.js';

type Selector = ObjectSelector;

interface FieldOptions {
  delimiter?: string;
  index?: number;
  create?: boolean;
}

interface Replacement {
  source: Selector & { fieldPath?: string; options?: FieldOptions };
  targets: { select?: Selector; reject?: Selector[]; fieldPaths?: string[]; options?: FieldOptions }[];
}

function str(v: JsonValue | undefined): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

function selector(v: JsonValue | undefined): Selector {
  const o = isJsonObject(v) ? v : {};
  const s: Selector = {};
  for (const k of ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const) {
    const x = str(o[k]);
    if (x !== undefined) s[k] = x;
  }
  return s;
}

function options(v: JsonValue | undefined): FieldOptions | undefined {
  if (!isJsonObject(v)) return undefined;
  const o: FieldOptions = {};
  if (v.delimiter !== undefined) o.delimiter = String(v.delimiter);
  if (v.index !== undefined) o.index = Number(v.index);
  if (v.create !== undefined) o.create = v.create === true;
  return o;
}

function parseReplacement(file: string, v: JsonValue): Replacement {
  if (!isJsonObject(v) || !isJsonObject(v.source) || !Array.isArray(v.targets)) {
    throw new KustomizeError('replacements must specify a source and at least one target', file);
  }
  const src = v.source;
  const source: Replacement['source'] = { ...selector(src) };
  const fp = str(src.fieldPath);
  if (fp !== undefined) source.fieldPath = fp;
  const so = options(src.options);
  if (so) source.options = so;
  const targets = v.targets.map((t) => {
    const o = isJsonObject(t) ? t : {};
    const target: Replacement['targets'][number] = {};
    if (o.select !== undefined) target.select = selector(o.select);
    if (Array.isArray(o.reject)) target.reject = o.reject.map(selector);
    if (Array.isArray(o.fieldPaths)) target.fieldPaths = o.fieldPaths.map(String);
    const to = options(o.options);
    if (to) target.options = to;
    return target;
  });
  return { source, targets };
}

/** Loads the replacements of a kustomization (inline entries and `path:` files). */
export function loadReplacements(loader: Loader, k: Kustomization): Replacement[] {
  const out: Replacement[] = [];
  for (const entry of k.replacements) {
    if (isJsonObject(entry) && typeof entry.path === 'string') {
      const f = loader.readRelative(k.dir, entry.path);
      for (const doc of parseYamlDocuments(f.text, { file: entry.path, annotationsAsText: false, timestampsAsText: true })) {
        for (const r of Array.isArray(doc) ? doc : [doc]) out.push(parseReplacement(entry.path, r));
      }
    } else out.push(parseReplacement(k.file, entry));
  }
  return out;
}

function idsOf(r: Resource): ResId[] {
  return [curId(r), ...r.prevIds];
}

function idSelected(id: ResId, s: Selector): boolean {
  return (!s.name || s.name === id.name) && (!s.namespace || nsEquals(s.namespace, id.namespace)) && gvkSelected(id.gvk, s);
}

function hasIdFields(s: Selector): boolean {
  return Boolean(s.group || s.version || s.kind || s.name || s.namespace);
}

/** As kustomize: both selectors are evaluated (annotations first), so a bad one fails even when the other does not match. */
function metaSelected(r: Resource, s: Selector, file: string): boolean {
  const meta = metadataOf(r.obj);
  const annotations = selectorMatches(s.annotationSelector, meta.annotations, file);
  const labels = selectorMatches(s.labelSelector, meta.labels, file);
  return annotations && labels;
}

/** Splits a field path on dots, keeping `[...]` groups whole. */
export function splitFieldPath(path: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const c of path) {
    if (c === '[') depth++;
    if (c === ']') depth--;
    if (c === '.' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export function lookup(v: JsonValue, segs: string[]): JsonValue | undefined {
  let cur: JsonValue | undefined = v;
  for (const seg of segs) {
    if (cur === undefined || cur === null) return undefined;
    const m = /^\[(.*?)=(.*)\]$/.exec(seg);
    if (Array.isArray(cur)) {
      if (m) cur = cur.find((e) => (m[1] === '' ? scalarText(e) === m[2] : isJsonObject(e) && scalarText(e[m[1] as string]) === m[2]));
      else if (/^\d+$/.test(seg)) cur = cur[Number(seg)];
      else return undefined;
    } else if (isJsonObject(cur)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

function scalarText(v: JsonValue | undefined): string | undefined {
  if (v === undefined || v === null || typeof v === 'object') return undefined;
  return String(v);
}

/** Visits (creating when asked) every place a target field path reaches; returns how many. */
function reach(node: JsonValue, segs: string[], create: boolean, set: (parent: JsonObject | JsonValue[], key: string | number) => void): number {
  const [seg, ...rest] = segs;
  if (seg === undefined) return 0;
  const m = /^\[(.*?)=(.*)\]$/.exec(seg);
  if (Array.isArray(node)) {
    let idxs: number[];
    if (seg === '*') idxs = node.map((_, i) => i);
    else if (m) {
      idxs = node.flatMap((e, i) => ((m[1] === '' ? scalarText(e) === m[2] : isJsonObject(e) && scalarText(e[m[1] as string]) === m[2]) ? [i] : []));
      if (idxs.length === 0 && create && m[1] !== '') {
        node.push({ [m[1] as string]: resolvePlain(m[2] as string) });
        idxs = [node.length - 1];
      }
    } else if (/^\d+$/.test(seg)) idxs = Number(seg) < node.length ? [Number(seg)] : [];
    else return 0;
    let n = 0;
    for (const i of idxs) n += rest.length === 0 ? (set(node, i), 1) : reach(node[i] as JsonValue, rest, create, set);
    return n;
  }
  if (!isJsonObject(node)) return 0;
  if (rest.length === 0) {
    if (node[seg] === undefined && !create) return 0;
    set(node, seg);
    return 1;
  }
  if (node[seg] === undefined || node[seg] === null) {
    if (!create) return 0;
    node[seg] = /^\[.*=.*\]$/.test(rest[0] ?? '') ? [] : {};
  }
  return reach(node[seg] as JsonValue, rest, create, set);
}

function withTargetType(existing: JsonValue | undefined, value: JsonValue): JsonValue {
  if (existing === undefined || existing === null || typeof existing === 'object' || typeof value === 'object' || value === null) return value;
  const text = String(value);
  if (typeof existing === 'string') return text;
  const v = resolvePlain(text);
  return typeof v === typeof existing ? v : text;
}

function setValue(container: JsonObject | JsonValue[], key: string | number, value: JsonValue, opts: FieldOptions | undefined): void {
  const existing = (container as Record<string | number, JsonValue | undefined>)[key];
  let v = value;
  if (opts?.delimiter) {
    if (existing !== undefined && typeof existing === 'object') throw new KustomizeError('delimiter option can only be used with scalar nodes');
    const tv = existing === undefined || existing === null ? [''] : String(existing).split(opts.delimiter);
    const s = scalarText(value) ?? '';
    const index = opts.index ?? 0;
    if (index < 0) tv.unshift(s);
    else if (index >= tv.length) tv.push(s);
    else tv[index] = s;
    v = tv.join(opts.delimiter);
  }
  (container as Record<string | number, JsonValue>)[key] = withTargetType(existing, structuredClone(v));
}

function sourceValue(k: Kustomization, resources: Resource[], src: Replacement['source']): JsonValue {
  const matches = resources.filter((r) => idsOf(r).some((id) => idSelected(id, src)));
  if (matches.length === 0) throw new KustomizeError(`nothing selected by replacement source ${JSON.stringify(src)}`, k.file);
  if (matches.length > 1) throw new KustomizeError(`multiple matches for replacement source ${JSON.stringify(src)}`, k.file);
  const fieldPath = src.fieldPath ?? 'metadata.name';
  const value = lookup((matches[0] as Resource).obj, splitFieldPath(fieldPath));
  if (value === undefined || value === null || (typeof value === 'object' && Object.keys(value).length === 0)) {
    throw new KustomizeError(`fieldPath \`${fieldPath}\` is missing for replacement source`, k.file);
  }
  if (!src.options?.delimiter) return value;
  const parts = String(value).split(src.options.delimiter);
  const i = src.options.index ?? 0;
  if (i < 0 || i >= parts.length) throw new KustomizeError(`options.index ${i} is out of bounds for value ${String(value)}`, k.file);
  return withTargetType(value, parts[i] as string);
}

function isTarget(r: Resource, t: Replacement['targets'][number], select: Selector, file: string): boolean {
  if (!metaSelected(r, select, file)) return false;
  if ((t.reject ?? []).some((rj) => (rj.labelSelector || rj.annotationSelector) && metaSelected(r, rj, file))) return false;
  const ids = idsOf(r);
  if (!ids.some((id) => idSelected(id, select))) return false;
  return !(t.reject ?? []).some((rj) => hasIdFields(rj) && ids.some((id) => idSelected(id, rj)));
}

/** Applies the kustomization's replacements to `resources`. */
export function applyReplacements(loader: Loader, k: Kustomization, resources: Resource[]): void {
  for (const rep of loadReplacements(loader, k)) {
    const value = sourceValue(k, resources, rep.source);
    for (const t of rep.targets) {
      const select = t.select;
      if (!select) throw new KustomizeError('target must specify resources to select', k.file);
      for (const r of resources.filter((x) => isTarget(x, t, select, k.file))) {
        for (const fp of t.fieldPaths ?? ['metadata.name']) {
          const create = t.options?.create === true;
          const n = reach(r.obj, splitFieldPath(fp), create, (c, key) => setValue(c, key, value, t.options));
          if (n === 0) {
            throw new KustomizeError(`unable to ${create ? 'find or create' : 'find'} field "${fp}" in replacement target`, k.file);
          }
        }
      }
    }
  }
}
