/**
 * Built-in defaulting: {@link applyBuiltinDefaults} fills the fields a real API server defaults for the kind of
 * the object, so that create and dry-run results look like a real cluster's.
 */
import type { JsonObject, KubeObject } from '../../../kube/object.js';
import { defaultBinding, defaultCRD, defaultEndpoints, defaultHPAv1, defaultHPAv2, defaultNamespace, defaultNetworkPolicy, defaultPriorityClass, defaultPV, defaultPVC, defaultSecret, defaultStorageClass, defaultWebhookConfiguration } from './misc.js';
import { defaultPod, defaultPodSpec, defaultPodTemplate } from './pod.js';
import { defaultService } from './service.js';
import { child } from './util.js';
import { defaultCronJob, defaultDaemonSet, defaultDeployment, defaultJob, defaultReplicaSet, defaultStatefulSet } from './workloads.js';

export { allocateClusterIP, allocateNodePort } from './service.js';
export { defaultPullPolicy, defaultPodSpec } from './pod.js';

/** Context of a defaulting call. */
export interface DefaultingContext {
  /** CREATE gets create-time defaults (Job selector, Namespace phase, Pod admission defaults…). */
  operation: 'CREATE' | 'UPDATE';
  /** The stored object on UPDATE (Service allocations are carried over from it). */
  oldObject?: KubeObject;
  /** Allocate Service cluster IPs/node ports (default true). */
  allocate?: boolean;
}

type Defaulter = (o: JsonObject, ctx: DefaultingContext) => void;

/** Services and Ingresses show `status: {loadBalancer: {}}` from creation on (a non-pointer struct in the API). */
function emptyLoadBalancerStatus(o: JsonObject): void {
  const st = o.status;
  if (st === undefined || st === null) o.status = { loadBalancer: {} };
  else if (typeof st === 'object' && !Array.isArray(st) && st.loadBalancer === undefined) st.loadBalancer = {};
}

const create = (ctx: DefaultingContext): boolean => ctx.operation === 'CREATE';

const table: Record<string, Defaulter> = {
  '/Pod': (o, ctx) => (create(ctx) ? defaultPod(o) : defaultPodSpec(child(o, 'spec') ?? {})),
  '/PodTemplate': (o) => defaultPodTemplate(child(o, 'template')),
  '/ReplicationController': (o) => defaultPodTemplate(child(child(o, 'spec'), 'template')),
  '/Service': (o, ctx) => {
    defaultService(o, { old: ctx.oldObject as JsonObject | undefined, allocate: ctx.allocate });
    if (create(ctx)) emptyLoadBalancerStatus(o);
  },
  '/Namespace': (o, ctx) => defaultNamespace(o, create(ctx)),
  '/Secret': (o) => defaultSecret(o),
  '/PersistentVolumeClaim': (o) => defaultPVC(o),
  '/PersistentVolume': (o) => defaultPV(o),
  '/Endpoints': (o) => defaultEndpoints(o),
  'apps/Deployment': (o) => defaultDeployment(o),
  'apps/ReplicaSet': (o) => defaultReplicaSet(o),
  'apps/StatefulSet': (o) => defaultStatefulSet(o),
  'apps/DaemonSet': (o) => defaultDaemonSet(o),
  'batch/Job': (o, ctx) => defaultJob(o, create(ctx), ctx.oldObject as JsonObject | undefined),
  'batch/CronJob': (o) => defaultCronJob(o),
  'networking.k8s.io/NetworkPolicy': (o) => defaultNetworkPolicy(o),
  'networking.k8s.io/Ingress': (o, ctx) => (create(ctx) ? emptyLoadBalancerStatus(o) : undefined),
  'rbac.authorization.k8s.io/RoleBinding': (o) => defaultBinding(o),
  'rbac.authorization.k8s.io/ClusterRoleBinding': (o) => defaultBinding(o),
  'storage.k8s.io/StorageClass': (o) => defaultStorageClass(o),
  'scheduling.k8s.io/PriorityClass': (o) => defaultPriorityClass(o),
  'apiextensions.k8s.io/CustomResourceDefinition': (o) => defaultCRD(o),
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': (o) => defaultWebhookConfiguration(o, true),
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': (o) => defaultWebhookConfiguration(o, false),
};

function groupOf(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** True when built-in defaults exist for this apiVersion/kind. */
export function hasBuiltinDefaults(apiVersion: string, kind: string): boolean {
  return table[`${groupOf(apiVersion).group}/${kind}`] !== undefined;
}

/**
 * Applies the built-in defaults of the object's kind IN PLACE and returns it. Unknown kinds (including custom
 * resources) are returned unchanged. HPA defaults depend on the version (v1 vs v2).
 */
export function applyBuiltinDefaults(obj: KubeObject, ctx: DefaultingContext): KubeObject {
  const { group, version } = groupOf(obj.apiVersion);
  const o = obj as unknown as JsonObject;
  if (group === 'autoscaling' && obj.kind === 'HorizontalPodAutoscaler') {
    if (version === 'v1') defaultHPAv1(o);
    else defaultHPAv2(o);
    return obj;
  }
  table[`${group}/${obj.kind}`]?.(o, ctx);
  return obj;
}
