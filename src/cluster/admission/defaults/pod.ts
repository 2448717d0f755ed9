/**
 * Defaults of PodSpec, containers, probes and volumes as the API server applies them
 * (`pkg/apis/core/v1/defaults.go`), plus the pod-only defaults a real cluster adds on create
 * (service account, priority, default tolerations, `enableServiceLinks`, status phase Pending).
 */
import { isJsonObject, type JsonObject } from '../../../kube/object.js';
import { child, ensure, num, objectItems, setDefault, str } from './util.js';

/** `Always` for `:latest` or untagged images, `IfNotPresent` for other tags and digests (as the API server decides). */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const tail = image.slice(lastSlash + 1);
  const colon = tail.lastIndexOf(':');
  if (colon < 0) return 'Always';
  return tail.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultHandler(h: JsonObject | undefined): void {
  const get = child(h, 'httpGet');
  if (get) {
    setDefault(get, 'path', '/');
    setDefault(get, 'scheme', 'HTTP');
  }
}

function defaultProbe(p: JsonObject | undefined): void {
  if (!p) return;
  setDefault(p, 'timeoutSeconds', 1);
  setDefault(p, 'periodSeconds', 10);
  setDefault(p, 'successThreshold', 1);
  setDefault(p, 'failureThreshold', 3);
  defaultHandler(p);
  const grpc = child(p, 'grpc');
  if (grpc) setDefault(grpc, 'service', '');
}

function defaultEnv(c: JsonObject): void {
  for (const e of objectItems(c, 'env')) {
    const ref = child(child(e, 'valueFrom'), 'fieldRef');
    if (ref) setDefault(ref, 'apiVersion', 'v1');
  }
}

/** Defaults one container (regular, init or ephemeral). */
export function defaultContainer(c: JsonObject, hostNetwork: boolean): void {
  const image = str(c, 'image');
  if (image !== undefined) setDefault(c, 'imagePullPolicy', defaultPullPolicy(image));
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'resources', {});
  for (const p of objectItems(c, 'ports')) {
    setDefault(p, 'protocol', 'TCP');
    const cp = num(p, 'containerPort');
    if (hostNetwork && cp !== undefined) setDefault(p, 'hostPort', cp);
  }
  defaultEnv(c);
  defaultProbe(child(c, 'livenessProbe'));
  defaultProbe(child(c, 'readinessProbe'));
  defaultProbe(child(c, 'startupProbe'));
  const lc = child(c, 'lifecycle');
  defaultHandler(child(lc, 'postStart'));
  defaultHandler(child(lc, 'preStop'));
}

const volumeSources = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile',
  'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume',
  'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

/** Defaults one pod volume (sources' `defaultMode`, hostPath `type`, an empty volume becomes emptyDir). */
export function defaultVolume(v: JsonObject): void {
  if (!volumeSources.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = child(v, k);
    if (src) setDefault(src, 'defaultMode', 420);
  }
  for (const item of objectItems(child(v, 'downwardAPI'), 'items')) {
    const ref = child(item, 'fieldRef');
    if (ref) setDefault(ref, 'apiVersion', 'v1');
  }
  const hp = child(v, 'hostPath');
  if (hp) setDefault(hp, 'type', '');
  const eph = child(child(child(v, 'ephemeral'), 'volumeClaimTemplate'), 'spec');
  if (eph) setDefault(eph, 'volumeMode', 'Filesystem');
}

/** Defaults a PodSpec in place (used for Pods and every pod template). */
export function defaultPodSpec(spec: JsonObject): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  const hostNetwork = spec.hostNetwork === true;
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of objectItems(spec, key)) defaultContainer(c, hostNetwork);
  }
  for (const v of objectItems(spec, 'volumes')) defaultVolume(v);
}

/** Defaults a pod template (`{metadata, spec}`) in place. */
export function defaultPodTemplate(template: JsonObject | undefined): void {
  if (!template) return;
  const spec = ensure(template, 'spec');
  if (spec) defaultPodSpec(spec);
}

const defaultTolerations: JsonObject[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

function qosClass(spec: JsonObject): string {
  let any = false;
  let guaranteed = true;
  for (const c of objectItems(spec, 'containers')) {
    const res = child(c, 'resources');
    const req = child(res, 'requests') ?? {};
    const lim = child(res, 'limits') ?? {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) any = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined || (req[r] !== undefined && req[r] !== lim[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/**
 * Defaults a Pod object on create: PodSpec defaults, requests copied from limits, `enableServiceLinks`,
 * the `default` service account, priority 0, the not-ready/unreachable tolerations, status phase Pending and
 * its QoS class. (The projected service-account token volume a real cluster mounts is not added.)
 */
export function defaultPod(pod: JsonObject): void {
  const spec = ensure(pod, 'spec');
  if (!spec) return;
  for (const c of objectItems(spec, 'containers')) {
    const res = child(c, 'resources');
    const lim = child(res, 'limits');
    if (res && lim) {
      const req = ensure(res, 'requests');
      if (req) for (const [k, v] of Object.entries(lim)) setDefault(req, k, v);
    }
  }
  defaultPodSpec(spec);
  setDefault(spec, 'enableServiceLinks', true);
  setDefault(spec, 'serviceAccountName', 'default');
  setDefault(spec, 'serviceAccount', str(spec, 'serviceAccountName') ?? 'default');
  setDefault(spec, 'priority', 0);
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations.filter(isJsonObject) : [];
  for (const t of defaultTolerations) {
    if (!tolerations.some((x) => x.key === t.key && (x.effect === undefined || x.effect === t.effect))) tolerations.push({ ...t });
  }
  spec.tolerations = tolerations;
  const status = ensure(pod, 'status');
  if (status) {
    setDefault(status, 'phase', 'Pending');
    setDefault(status, 'qosClass', qosClass(spec));
  }
}
