/**
 * The built-in transformer configurations of kustomize v5.5.0 (which fields hold labels, annotations,
 * images, replicas, and which fields refer to objects by name), expressed as Lockstep tables.
 */
import type { FieldSpec } from './fieldspec.js';

const fs = (path: string, kind?: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ path, ...(kind ? { kind } : {}), ...extra });

const AFFINITY = [
  'spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
];

/** Label fields on metadata and pod templates (`labels` with includeTemplates, and commonLabels). */
export const METADATA_LABEL_SPECS: FieldSpec[] = [
  fs('metadata/labels', undefined, { create: true }),
  fs('spec/template/metadata/labels', 'ReplicationController', { create: true, version: 'v1' }),
  fs('spec/template/metadata/labels', 'Deployment', { create: true }),
  fs('spec/template/metadata/labels', 'ReplicaSet', { create: true }),
  fs('spec/template/metadata/labels', 'DaemonSet', { create: true }),
  fs('spec/template/metadata/labels', 'StatefulSet', { create: true, group: 'apps' }),
  fs('spec/volumeClaimTemplates/metadata/labels', 'StatefulSet', { create: true, group: 'apps' }),
  fs('spec/template/metadata/labels', 'Job', { create: true, group: 'batch' }),
  fs('spec/jobTemplate/metadata/labels', 'CronJob', { create: true, group: 'batch' }),
  fs('spec/jobTemplate/spec/template/metadata/labels', 'CronJob', { create: true, group: 'batch' }),
];

/** Selector fields (commonLabels and `labels` with includeSelectors), in kustomize's order. */
export const COMMON_LABEL_SPECS: FieldSpec[] = [
  fs('spec/selector', 'Service', { create: true, version: 'v1' }),
  fs('spec/selector', 'ReplicationController', { create: true, version: 'v1' }),
  fs('spec/selector/matchLabels', 'Deployment', { create: true }),
  ...AFFINITY.map((p) => fs(p, 'Deployment', { group: 'apps' })),
  fs('spec/selector/matchLabels', 'ReplicaSet', { create: true }),
  fs('spec/selector/matchLabels', 'DaemonSet', { create: true }),
  fs('spec/selector/matchLabels', 'StatefulSet', { create: true, group: 'apps' }),
  ...AFFINITY.map((p) => fs(p, 'StatefulSet', { group: 'apps' })),
  fs('spec/selector/matchLabels', 'Job', { group: 'batch' }),
  fs('spec/jobTemplate/spec/selector/matchLabels', 'CronJob', { group: 'batch' }),
  fs('spec/selector/matchLabels', 'PodDisruptionBudget', { group: 'policy' }),
  fs('spec/podSelector/matchLabels', 'NetworkPolicy', { group: 'networking.k8s.io' }),
  fs('spec/ingress/from/podSelector/matchLabels', 'NetworkPolicy', { group: 'networking.k8s.io' }),
  fs('spec/egress/to/podSelector/matchLabels', 'NetworkPolicy', { group: 'networking.k8s.io' }),
  ...METADATA_LABEL_SPECS,
];

/** Annotation fields (commonAnnotations). */
export const COMMON_ANNOTATION_SPECS: FieldSpec[] = [
  fs('metadata/annotations', undefined, { create: true }),
  fs('spec/template/metadata/annotations', 'ReplicationController', { create: true, version: 'v1' }),
  fs('spec/template/metadata/annotations', 'Deployment', { create: true }),
  fs('spec/template/metadata/annotations', 'ReplicaSet', { create: true }),
  fs('spec/template/metadata/annotations', 'DaemonSet', { create: true }),
  fs('spec/template/metadata/annotations', 'StatefulSet', { create: true }),
  fs('spec/template/metadata/annotations', 'Job', { create: true, group: 'batch' }),
  fs('spec/jobTemplate/metadata/annotations', 'CronJob', { create: true, group: 'batch' }),
  fs('spec/jobTemplate/spec/template/metadata/annotations', 'CronJob', { create: true, group: 'batch' }),
];

/** Container image fields. */
export const IMAGE_SPECS: FieldSpec[] = [
  fs('spec/containers/image'),
  fs('spec/initContainers/image'),
  fs('spec/template/spec/containers/image'),
  fs('spec/template/spec/initContainers/image'),
];

/** Replica count fields. */
export const REPLICA_SPECS: FieldSpec[] = [
  fs('spec/replicas', 'Deployment', { create: true }),
  fs('spec/replicas', 'ReplicationController', { create: true }),
  fs('spec/replicas', 'ReplicaSet', { create: true }),
  fs('spec/replicas', 'StatefulSet', { create: true }),
];

/** Namespace fields beyond metadata/namespace. */
export const NAMESPACE_SPECS: FieldSpec[] = [
  fs('spec/service/namespace', 'APIService', { group: 'apiregistration.k8s.io', create: true }),
  fs('spec/conversion/webhook/clientConfig/service/namespace', 'CustomResourceDefinition', { group: 'apiextensions.k8s.io' }),
];

/** Which target kind a set of referrer fields names. */
export interface NameBackRef {
  target: { group?: string; version?: string; kind: string };
  referrers: FieldSpec[];
}

const WORKLOADS = ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job'];

function podPaths(prefix: string, kind: string, subpaths: string[], extra: Partial<FieldSpec> = {}): FieldSpec[] {
  return subpaths.map((p) => fs(`${prefix}${p}`, kind, extra));
}

function allPods(subpaths: string[], workloads = WORKLOADS, includeRc = false): FieldSpec[] {
  const out: FieldSpec[] = podPaths('spec/', 'Pod', subpaths, { version: 'v1' });
  for (const k of workloads) out.push(...podPaths('spec/template/spec/', k, subpaths));
  if (includeRc) out.push(...podPaths('spec/template/spec/', 'ReplicationController', subpaths));
  out.push(...podPaths('spec/jobTemplate/spec/template/spec/', 'CronJob', subpaths));
  return out;
}

const CM_POD = [
  'volumes/configMap/name',
  'containers/env/valueFrom/configMapKeyRef/name',
  'initContainers/env/valueFrom/configMapKeyRef/name',
  'containers/envFrom/configMapRef/name',
  'initContainers/envFrom/configMapRef/name',
  'volumes/projected/sources/configMap/name',
];
const SECRET_POD = [
  'volumes/secret/secretName',
  'containers/env/valueFrom/secretKeyRef/name',
  'initContainers/env/valueFrom/secretKeyRef/name',
  'containers/envFrom/secretRef/name',
  'initContainers/envFrom/secretRef/name',
  'imagePullSecrets/name',
  'volumes/projected/sources/secret/name',
];
const SA_KINDS = ['StatefulSet', 'Deployment', 'ReplicationController', 'Job', 'DaemonSet'];

function podField(field: string): FieldSpec[] {
  return [
    fs(`spec/${field}`, 'Pod'),
    ...SA_KINDS.map((k) => fs(`spec/template/spec/${field}`, k)),
    fs(`spec/jobTemplate/spec/template/spec/${field}`, 'CronJob'),
  ];
}

/**
 * kustomize's nameReference configuration. Its knative `serving.knative.dev/v1 Service` entries are
 * left out: kustomize v5.5.0 lists them but, as the differential suite shows, never updates them.
 */
export const NAME_REFERENCES: NameBackRef[] = [
  ...['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'].map((kind) => ({
    target: { kind },
    referrers: [fs('spec/scaleTargetRef/name', 'HorizontalPodAutoscaler')],
  })),
  {
    target: { kind: 'ConfigMap', version: 'v1' },
    referrers: [
      ...allPods(CM_POD),
      fs('spec/configSource/configMap', 'Node'),
      fs('rules/resourceNames', 'Role'),
      fs('rules/resourceNames', 'ClusterRole'),
      fs('metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap', 'Ingress'),
    ],
  },
  {
    target: { kind: 'Secret', version: 'v1' },
    referrers: [
      ...allPods(SECRET_POD),
      fs('spec/tls/secretName', 'Ingress'),
      fs('metadata/annotations/ingress.kubernetes.io\\/auth-secret', 'Ingress'),
      fs('metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret', 'Ingress'),
      fs('metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret', 'Ingress'),
      fs('imagePullSecrets/name', 'ServiceAccount'),
      fs('parameters/secretName', 'StorageClass'),
      fs('parameters/adminSecretName', 'StorageClass'),
      fs('parameters/userSecretName', 'StorageClass'),
      fs('parameters/secretRef', 'StorageClass'),
      fs('rules/resourceNames', 'Role'),
      fs('rules/resourceNames', 'ClusterRole'),
      fs('spec/azureFile/secretName', 'PersistentVolume'),
    ],
  },
  {
    target: { kind: 'Service', version: 'v1' },
    referrers: [
      fs('spec/serviceName', 'StatefulSet', { group: 'apps' }),
      fs('spec/rules/http/paths/backend/serviceName', 'Ingress'),
      fs('spec/backend/serviceName', 'Ingress'),
      fs('spec/rules/http/paths/backend/service/name', 'Ingress'),
      fs('spec/defaultBackend/service/name', 'Ingress'),
      fs('spec/service/name', 'APIService', { group: 'apiregistration.k8s.io' }),
      fs('webhooks/clientConfig/service', 'ValidatingWebhookConfiguration', { group: 'admissionregistration.k8s.io' }),
      fs('webhooks/clientConfig/service', 'MutatingWebhookConfiguration', { group: 'admissionregistration.k8s.io' }),
    ],
  },
  {
    target: { kind: 'Role', group: 'rbac.authorization.k8s.io' },
    referrers: [fs('roleRef/name', 'RoleBinding', { group: 'rbac.authorization.k8s.io' })],
  },
  {
    target: { kind: 'ClusterRole', group: 'rbac.authorization.k8s.io' },
    referrers: [
      fs('roleRef/name', 'RoleBinding', { group: 'rbac.authorization.k8s.io' }),
      fs('roleRef/name', 'ClusterRoleBinding', { group: 'rbac.authorization.k8s.io' }),
    ],
  },
  {
    target: { kind: 'ServiceAccount', version: 'v1' },
    referrers: [
      fs('subjects', 'RoleBinding', { group: 'rbac.authorization.k8s.io' }),
      fs('subjects', 'ClusterRoleBinding', { group: 'rbac.authorization.k8s.io' }),
      ...podField('serviceAccountName'),
    ],
  },
  { target: { kind: 'PersistentVolumeClaim', version: 'v1' }, referrers: podField('volumes/persistentVolumeClaim/claimName') },
  {
    target: { kind: 'PersistentVolume', version: 'v1' },
    referrers: [fs('spec/volumeName', 'PersistentVolumeClaim'), fs('rules/resourceNames', 'ClusterRole')],
  },
  {
    target: { kind: 'StorageClass', version: 'v1', group: 'storage.k8s.io' },
    referrers: [
      fs('spec/storageClassName', 'PersistentVolume'),
      fs('spec/storageClassName', 'PersistentVolumeClaim'),
      fs('spec/volumeClaimTemplates/spec/storageClassName', 'StatefulSet'),
    ],
  },
  { target: { kind: 'PriorityClass', version: 'v1', group: 'scheduling.k8s.io' }, referrers: podField('priorityClassName') },
  {
    target: { kind: 'IngressClass', version: 'v1', group: 'networking.k8s.io/v1' },
    referrers: [fs('spec/ingressClassName', 'Ingress')],
  },
];
