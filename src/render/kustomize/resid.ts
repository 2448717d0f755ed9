/**
 * Resource identity as kustomize sees it: group/version/kind, name and namespace; the legacy sort
 * order; and which built-in kinds are cluster-scoped (kustomize's precomputed table).
 */
import type { JsonObject } from '../../kube/object.js';

/** Group, version, kind; empty strings when absent. */
export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

/** An object's identity. */
export interface ResId {
  gvk: Gvk;
  name: string;
  namespace: string;
}

/** Splits `apiVersion` into group and version. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

const gvkCache = new Map<string, Gvk>();

/** The GVK of an object (empty strings for missing parts). The result is shared and frozen: never mutate it. */
export function gvkOf(obj: JsonObject): Gvk {
  const av = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const key = `${av}\u0000${kind}`;
  let g = gvkCache.get(key);
  if (!g) {
    g = Object.freeze({ ...parseApiVersion(av), kind });
    if (gvkCache.size > 10_000) gvkCache.clear();
    gvkCache.set(key, g);
  }
  return g;
}

/** `apiVersion` text of a GVK. */
export function apiVersionOf(g: Gvk): string {
  return g.group ? `${g.group}/${g.version}` : g.version;
}

/** True when every non-empty field of `selector` equals the one of `g`. */
export function gvkSelected(g: Gvk, selector: Partial<Gvk>): boolean {
  if (selector.group && selector.group !== g.group) return false;
  if (selector.version && selector.version !== g.version) return false;
  if (selector.kind && selector.kind !== g.kind) return false;
  return true;
}

/** kustomize's text form of an id, as in its error messages: `Kind.version.group/name.namespace`. */
export function idString(id: ResId): string {
  const g = id.gvk;
  return `${g.kind}.${g.version}.${g.group || '[noGrp]'}/${id.name}.${id.namespace || '[noNs]'}`;
}

const CLUSTER_SCOPED = new Set([
  'admissionregistration.k8s.io/v1 MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1beta1 MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration',
  'apiextensions.k8s.io/v1 CustomResourceDefinition',
  'apiextensions.k8s.io/v1beta1 CustomResourceDefinition',
  'apiregistration.k8s.io/v1 APIService',
  'apiregistration.k8s.io/v1beta1 APIService',
  'certificates.k8s.io/v1 CertificateSigningRequest',
  'certificates.k8s.io/v1beta1 CertificateSigningRequest',
  'flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema',
  'flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfiguration',
  'networking.k8s.io/v1 IngressClass',
  'networking.k8s.io/v1beta1 IngressClass',
  'node.k8s.io/v1 RuntimeClass',
  'node.k8s.io/v1beta1 RuntimeClass',
  'policy/v1beta1 PodSecurityPolicy',
  'rbac.authorization.k8s.io/v1 ClusterRole',
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1beta1 ClusterRole',
  'rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding',
  'scheduling.k8s.io/v1 PriorityClass',
  'scheduling.k8s.io/v1beta1 PriorityClass',
  'storage.k8s.io/v1 CSIDriver',
  'storage.k8s.io/v1 CSINode',
  'storage.k8s.io/v1 StorageClass',
  'storage.k8s.io/v1 VolumeAttachment',
  'storage.k8s.io/v1beta1 CSIDriver',
  'storage.k8s.io/v1beta1 CSINode',
  'storage.k8s.io/v1beta1 StorageClass',
  'storage.k8s.io/v1beta1 VolumeAttachment',
  'v1 ComponentStatus',
  'v1 Namespace',
  'v1 Node',
  'v1 NodeProxyOptions',
  'v1 PersistentVolume',
]);

/**
 * Cluster-scoped as kustomize decides it: from its precomputed table of built-in kinds by exact
 * apiVersion; everything else (including CRD-defined kinds) is namespaced.
 */
export function isClusterScoped(g: Gvk): boolean {
  if (g.kind === '' || !CLUSTER_KINDS.has(g.kind)) return false;
  return CLUSTER_SCOPED.has(`${apiVersionOf(g)} ${g.kind}`);
}

const CLUSTER_KINDS = new Set([...CLUSTER_SCOPED].map((s) => s.slice(s.indexOf(' ') + 1)));

const ORDER_FIRST = [
  'Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount',
  'PodSecurityPolicy', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret',
  'Endpoints', 'Service', 'LimitRange', 'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'Deployment', 'StatefulSet', 'CronJob', 'PodDisruptionBudget',
];
const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

/** Kind ranks for the legacy order: first-kinds negative, last-kinds positive, others 0. */
export function kindRanks(first: readonly string[] = ORDER_FIRST, last: readonly string[] = ORDER_LAST): Map<string, number> {
  const m = new Map<string, number>();
  first.forEach((k, i) => m.set(k, i - first.length));
  last.forEach((k, i) => m.set(k, i + 1));
  return m;
}

function gvkSortString(g: Gvk): string {
  return `${g.group || '~G'}_${g.version || '~V'}_${g.kind || '~K'}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** kustomize's legacy order: by kind rank, then GVK text, then `gvk|namespace|name` text (`~X`/`~N` for empty). */
export function legacyCompare(ranks: Map<string, number>): (a: ResId, b: ResId) => number {
  return (a, b) => {
    const ga = gvkSortString(a.gvk);
    const gb = gvkSortString(b.gvk);
    if (ga !== gb) {
      const ra = ranks.get(a.gvk.kind) ?? 0;
      const rb = ranks.get(b.gvk.kind) ?? 0;
      if (ra !== rb) return ra - rb;
      if (a.gvk.kind === 'Namespace' && b.gvk.kind === 'Namespace' && (a.gvk.group === '' || b.gvk.group === '')) return cmp(gb, ga);
      return cmp(ga, gb);
    }
    return cmp(idSortString(a), idSortString(b));
  };
}

function idSortString(id: ResId): string {
  return `${id.namespace || '~X'}|${id.name || '~N'}`;
}
