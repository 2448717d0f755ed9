/** Defaults of the smaller built-in kinds (core, networking, rbac, autoscaling, storage, apiextensions…). */
import type { JsonObject } from '../../../kube/object.js';
import { defaultClaim } from './workloads.js';
import { child, ensure, objectItems, setDefault, str } from './util.js';

/** v1 Namespace: `spec.finalizers [kubernetes]`, `status.phase Active` (create), label `kubernetes.io/metadata.name`. */
export function defaultNamespace(o: JsonObject, create: boolean): void {
  const meta = ensure(o, 'metadata');
  const name = str(meta, 'name');
  if (meta && name !== undefined) {
    const labels = ensure(meta, 'labels');
    if (labels) labels['kubernetes.io/metadata.name'] = name;
  }
  if (create) {
    const spec = ensure(o, 'spec');
    if (spec) setDefault(spec, 'finalizers', ['kubernetes']);
    const status = ensure(o, 'status');
    if (status) setDefault(status, 'phase', 'Active');
  }
}

/**
 * v1 Secret: type Opaque; `stringData` (write-only) is base64-encoded into `data`, overriding keys there, and
 * dropped — as the API server converts it on every write.
 */
export function defaultSecret(o: JsonObject): void {
  setDefault(o, 'type', 'Opaque');
  const sd = child(o, 'stringData');
  if (o.stringData === undefined) return;
  if (sd && Object.keys(sd).length > 0) {
    const data = ensure(o, 'data');
    if (data) for (const [k, v] of Object.entries(sd)) data[k] = Buffer.from(typeof v === 'string' ? v : String(v), 'utf8').toString('base64');
  }
  delete o.stringData;
}

/** v1 PersistentVolumeClaim. */
export function defaultPVC(o: JsonObject): void {
  defaultClaim(o);
}

/** v1 PersistentVolume. */
export function defaultPV(o: JsonObject): void {
  const spec = ensure(o, 'spec');
  if (spec) {
    setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
    setDefault(spec, 'volumeMode', 'Filesystem');
  }
  const status = ensure(o, 'status');
  if (status) setDefault(status, 'phase', 'Pending');
}

/** v1 Endpoints: port protocols. */
export function defaultEndpoints(o: JsonObject): void {
  for (const subset of objectItems(o, 'subsets')) for (const p of objectItems(subset, 'ports')) setDefault(p, 'protocol', 'TCP');
}

/** networking.k8s.io/v1 NetworkPolicy: `policyTypes` derived from the rules, port protocols. */
export function defaultNetworkPolicy(o: JsonObject): void {
  const spec = ensure(o, 'spec');
  if (!spec) return;
  for (const dir of ['ingress', 'egress']) {
    for (const rule of objectItems(spec, dir)) for (const p of objectItems(rule, 'ports')) setDefault(p, 'protocol', 'TCP');
  }
  if (spec.policyTypes === undefined || spec.policyTypes === null) {
    const types = ['Ingress'];
    if (Array.isArray(spec.egress) && spec.egress.length > 0) types.push('Egress');
    spec.policyTypes = types;
  }
}

/** rbac.authorization.k8s.io/v1 RoleBinding/ClusterRoleBinding: User/Group subjects get the RBAC apiGroup. */
export function defaultBinding(o: JsonObject): void {
  for (const s of objectItems(o, 'subjects')) {
    // ServiceAccount subjects default to apiGroup "", which the API server's JSON omits
    if (s.kind === 'User' || s.kind === 'Group') setDefault(s, 'apiGroup', 'rbac.authorization.k8s.io');
  }
}

/** autoscaling/v2 HorizontalPodAutoscaler: minReplicas 1, a CPU 80% metric when none, behavior completed when given. */
export function defaultHPAv2(o: JsonObject): void {
  const spec = ensure(o, 'spec');
  if (!spec) return;
  setDefault(spec, 'minReplicas', 1);
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  const behavior = child(spec, 'behavior');
  if (!behavior) return;
  const up = ensure(behavior, 'scaleUp');
  if (up) {
    setDefault(up, 'stabilizationWindowSeconds', 0);
    setDefault(up, 'selectPolicy', 'Max');
    setDefault(up, 'policies', [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ]);
  }
  const down = ensure(behavior, 'scaleDown');
  if (down) {
    setDefault(down, 'selectPolicy', 'Max');
    setDefault(down, 'policies', [{ type: 'Percent', value: 100, periodSeconds: 15 }]);
  }
}

/** autoscaling/v1 HorizontalPodAutoscaler. */
export function defaultHPAv1(o: JsonObject): void {
  const spec = ensure(o, 'spec');
  if (spec) setDefault(spec, 'minReplicas', 1);
}

/** storage.k8s.io/v1 StorageClass. */
export function defaultStorageClass(o: JsonObject): void {
  setDefault(o, 'reclaimPolicy', 'Delete');
  setDefault(o, 'volumeBindingMode', 'Immediate');
}

/** scheduling.k8s.io/v1 PriorityClass. */
export function defaultPriorityClass(o: JsonObject): void {
  setDefault(o, 'preemptionPolicy', 'PreemptLowerPriority');
}

/** apiextensions.k8s.io/v1 CustomResourceDefinition: names.singular/listKind, conversion strategy None. */
export function defaultCRD(o: JsonObject): void {
  const spec = ensure(o, 'spec');
  if (!spec) return;
  const names = child(spec, 'names');
  const kind = str(names, 'kind');
  if (names && kind) {
    setDefault(names, 'singular', kind.toLowerCase());
    setDefault(names, 'listKind', `${kind}List`);
  }
  const conv = ensure(spec, 'conversion');
  if (conv) setDefault(conv, 'strategy', 'None');
}

/** admissionregistration.k8s.io/v1 webhook configurations. */
export function defaultWebhookConfiguration(o: JsonObject, mutating: boolean): void {
  for (const w of objectItems(o, 'webhooks')) {
    setDefault(w, 'failurePolicy', 'Fail');
    setDefault(w, 'matchPolicy', 'Equivalent');
    setDefault(w, 'namespaceSelector', {});
    setDefault(w, 'objectSelector', {});
    setDefault(w, 'timeoutSeconds', 10);
    if (mutating) setDefault(w, 'reinvocationPolicy', 'Never');
    for (const r of objectItems(w, 'rules')) setDefault(r, 'scope', '*');
    const svc = child(child(w, 'clientConfig'), 'service');
    if (svc) setDefault(svc, 'port', 443);
  }
}
