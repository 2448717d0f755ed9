/**
 * Flux's `spec.ignore` rules (Kustomization v1, Flux 2.9): JSON pointer paths left out of drift
 * detection and apply for the objects a target selects. Each ignored path present in the desired object
 * is resolved one of two ways before the dry-run:
 * - Strip: another Apply manager owns the field (or nobody we know of does and it is absent live):
 *   the path is removed from the apply body, so their value stays.
 * - Adopt: otherwise (we own it, or no Apply manager does), the live value is copied into the body, so
 *   the apply neither changes nor removes it.
 * Either way the field's live value survives and the drift comparison sees no change there.
 */
import { parseLabelSelector } from '../labels.js';
import { decodeManagedFields, type FieldSet } from '../merge/ssa/index.js';
import { objectRefOf, parseApiVersion } from '../identity.js';
import type { JsonValue, KubeObject, ObjectSelector } from '../object.js';
import { isJsonObject } from '../object.js';

/** Which objects a rule applies to; empty fields match everything; name and namespace are anchored regexes. */
export type IgnoreTarget = ObjectSelector;

/** One `spec.ignore` entry. */
export interface IgnoreRule {
  /** JSON pointers (RFC 6901), e.g. `/spec/replicas`, `/spec/template/spec/containers/0/image`. */
  paths: string[];
  target?: IgnoreTarget;
}

function anchored(re: string | undefined, value: string): boolean {
  if (!re) return true;
  try {
    return new RegExp(`^(?:${re})$`).test(value);
  } catch {
    return re === value;
  }
}

/** True when the rule's target selects the object. Throws on a malformed selector. */
export function targetMatches(target: IgnoreTarget | undefined, obj: KubeObject): boolean {
  if (!target) return true;
  const ref = objectRefOf(obj);
  const { version } = parseApiVersion(obj.apiVersion);
  if (target.group !== undefined && target.group !== '' && target.group !== ref.group) return false;
  if (target.version && target.version !== version) return false;
  if (target.kind && target.kind !== ref.kind) return false;
  if (!anchored(target.name, ref.name) || !anchored(target.namespace, ref.namespace)) return false;
  const labels = parseLabelSelector(target.labelSelector);
  if (labels && !labels(obj.metadata.labels)) return false;
  const annotations = parseLabelSelector(target.annotationSelector);
  return !annotations || annotations(obj.metadata.annotations);
}

function parsePointer(p: string): string[] {
  if (p === '' || !p.startsWith('/')) return [];
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function childOf(v: unknown, seg: string): unknown {
  if (Array.isArray(v)) return /^\d+$/.test(seg) ? v[Number(seg)] : undefined;
  return isJsonObject(v) ? v[seg] : undefined;
}

function getAt(v: unknown, segs: readonly string[]): unknown {
  let cur = v;
  for (const s of segs) cur = childOf(cur, s);
  return cur;
}

/** Sets (or with `undefined`, removes) the value at `segs` in place; missing parents mean nothing is done. */
function setAt(root: unknown, segs: readonly string[], value: unknown): void {
  const parent = getAt(root, segs.slice(0, -1));
  const last = segs[segs.length - 1];
  if (last === undefined) return;
  if (Array.isArray(parent) && /^\d+$/.test(last)) {
    if (value === undefined) parent.splice(Number(last), 1);
    else parent[Number(last)] = value as JsonValue;
  } else if (isJsonObject(parent)) {
    if (value === undefined) delete parent[last];
    else parent[last] = value as JsonValue;
  }
}

function elementFor(node: FieldSet, value: unknown, seg: string): string | undefined {
  if (!Array.isArray(value)) return `f:${seg}`;
  const item: unknown = value[Number(seg)];
  for (const el of [...node.children.keys(), ...node.members]) {
    try {
      if (el.startsWith('k:')) {
        const key: unknown = JSON.parse(el.slice(2));
        if (isJsonObject(key) && isJsonObject(item) && Object.entries(key).every(([k, v]) => JSON.stringify(item[k]) === JSON.stringify(v))) return el;
      } else if (el.startsWith('v:') && JSON.stringify(JSON.parse(el.slice(2))) === JSON.stringify(item)) return el;
      else if (el === `i:${seg}`) return el;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** True when `fields` owns the path (a member on the way owns everything below it). */
function owns(fields: FieldSet, live: unknown, segs: readonly string[]): boolean {
  let node = fields;
  let cur = live;
  for (const seg of segs) {
    const el = elementFor(node, cur, seg);
    if (el === undefined) return false;
    if (node.members.has(el)) return true;
    const next = node.children.get(el);
    if (!next) return false;
    node = next;
    cur = childOf(cur, seg);
  }
  return true;
}

/**
 * The apply body with the ignore rules resolved against the live object (see the module comment); the
 * input is not modified. Without matching rules the object itself is returned.
 */
export function applyIgnoreRules(desired: KubeObject, live: KubeObject | undefined, rules: readonly IgnoreRule[], manager: string): KubeObject {
  const paths = rules.filter((r) => targetMatches(r.target, desired)).flatMap((r) => r.paths.map(parsePointer)).filter((s) => s.length > 0);
  if (paths.length === 0 || !live) return desired; // a new object is created as desired
  const out = structuredClone(desired);
  let others: FieldSet[] = [];
  try {
    others = [...decodeManagedFields(live).values()].filter((e) => e.operation === 'Apply' && e.manager !== manager && !e.subresource).map((e) => e.fields);
  } catch {
    others = [];
  }
  for (const segs of paths) {
    if (getAt(out, segs) === undefined) continue;
    const liveValue = getAt(live, segs);
    const strip = liveValue === undefined || others.some((f) => owns(f, live, segs));
    setAt(out, segs, strip ? undefined : structuredClone(liveValue));
  }
  return out;
}
