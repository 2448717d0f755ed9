/** Pieces shared by the workload simulation: template hashes, generated names, simulated addresses, pod lists. */
import { randomBytes } from 'node:crypto';
import { isJsonObject, type JsonObject, type JsonValue, type KubeObject } from '../../../kube/object.js';
import type { InternalClient } from '../../plugins.js';
import { controllerRef, R, simulateAnnotation, simulateMode } from '../util.js';

const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a, 32 bits. */
export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function stable(v: JsonValue | undefined): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (isJsonObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable(v[k])}`).join(',')}}`;
  return JSON.stringify(v ?? null);
}

/** A pod-template-hash like the deployment controller's (safe alphabet, ~10 chars); stable for equal templates. */
export function templateHash(template: JsonValue | undefined): string {
  return [...String(fnv32a(stable(template)))].map((c) => safeAlphabet[c.charCodeAt(0) % safeAlphabet.length] ?? 'b').join('');
}

/** A 5-character random suffix in the API server's alphabet (as generateName produces). */
export function randomSuffix(): string {
  return [...randomBytes(5)].map((b) => safeAlphabet[b % safeAlphabet.length] ?? 'x').join('');
}

/** A deterministic address in a /16 from a seed (`10.244` for pods). */
export function fakeIP(prefix: string, seed: string): string {
  const h = fnv32a(seed);
  return `${prefix}.${(h >>> 8) & 255}.${(h & 253) + 1}`;
}

/**
 * A label selector string (`a=b,c=d`) for an owner's `spec.selector.matchLabels`, so lists are narrowed by the
 * store before decoding; undefined when there is none (or it uses characters the syntax cannot carry).
 */
export function matchLabelsSelector(owner: KubeObject): string | undefined {
  const spec = isJsonObject(owner.spec as JsonValue) ? (owner.spec as JsonObject) : {};
  const sel = isJsonObject(spec.selector) ? spec.selector : undefined;
  const ml = sel && isJsonObject(sel.matchLabels) ? sel.matchLabels : undefined;
  if (!ml || Object.keys(ml).length === 0) return undefined;
  const parts = Object.entries(ml).map(([k, v]) => `${k}=${String(v)}`);
  return parts.every((p) => /^[A-Za-z0-9._/-]+=[A-Za-z0-9._-]*$/.test(p)) ? parts.join(',') : undefined;
}

/** Pods in a namespace whose controller is the owner (found through the store's owner index, checked against the matchLabels too). */
export function ownedPods(api: InternalClient, namespace: string | undefined, owner: KubeObject | string | undefined): KubeObject[] {
  if (!owner) return [];
  const uid = typeof owner === 'string' ? owner : owner.metadata.uid;
  if (!uid) return [];
  const labelSelector = typeof owner === 'string' ? undefined : matchLabelsSelector(owner);
  // ownerUid: the store's owner index finds them (many owners may share the same matchLabels)
  return api.list(R.pods, { namespace, labelSelector, ownerUid: uid }).items.filter((p) => controllerRef(p)?.uid === uid);
}

/** A new pod from a template owned by `owner` (the simulate annotation is carried over from the owner). */
export function podFromTemplate(owner: KubeObject, template: JsonObject, opts: { name: string; labels?: Record<string, string> }): KubeObject {
  const tmeta = isJsonObject(template.metadata) ? template.metadata : {};
  const labels = { ...(isJsonObject(tmeta.labels) ? (tmeta.labels as Record<string, string>) : {}), ...opts.labels };
  const annotations: Record<string, string> = { ...(isJsonObject(tmeta.annotations) ? (tmeta.annotations as Record<string, string>) : {}) };
  const mode = simulateMode(owner);
  if (mode) annotations[simulateAnnotation] = mode;
  const metadata: KubeObject['metadata'] = {
    name: opts.name,
    namespace: owner.metadata.namespace,
    labels,
    ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
  };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  const spec: JsonObject = structuredClone(isJsonObject(template.spec) ? template.spec : {});
  // the simulated scheduler has bound it already (kwok-style); see node.ts
  spec.nodeName ??= 'lockstep-control-plane';
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

/** True when the pod's Ready condition is True. */
export function podReady(p: KubeObject): boolean {
  const st = isJsonObject(p.status as JsonValue) ? (p.status as JsonObject) : {};
  const conds = Array.isArray(st.conditions) ? st.conditions.filter(isJsonObject) : [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The pod's phase (Pending when unset). */
export function podPhase(p: KubeObject): string {
  const st = isJsonObject(p.status as JsonValue) ? (p.status as JsonObject) : {};
  return typeof st.phase === 'string' ? st.phase : 'Pending';
}

/** Pods not being deleted and not finished. */
export function activePods(pods: readonly KubeObject[]): KubeObject[] {
  return pods.filter((p) => !p.metadata.deletionTimestamp && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed');
}

/** `n` of a percentage or an integer (`25%` of 4 = 1 rounding down, or up when `roundUp`). */
export function scaledValue(v: JsonValue | undefined, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.endsWith('%')) {
    const pct = Number(v.slice(0, -1));
    if (!Number.isFinite(pct)) return 0;
    const x = (pct * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return 0;
}
