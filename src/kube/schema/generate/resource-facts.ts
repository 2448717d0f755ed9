/**
 * Hand-written discovery facts of the built-in resources, as a real Kubernetes 1.21+ API server reports
 * them (`kubectl api-resources -o wide`): plural, singular, short names, categories, verbs and the
 * subresources beyond `status` (which the generator derives from a `status` field in the schema). The
 * OpenAPI document has none of this, so the table is maintained by hand; the generator fails when a
 * resource in the spec has no entry here, so nothing is silently guessed.
 */

/** The verbs of an ordinary CRUD resource. */
export const STANDARD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

/** Facts of one resource, the same for all its versions. */
export interface ResourceFacts {
  plural: string;
  shortNames?: readonly string[];
  categories?: readonly string[];
  /** Defaults to {@link STANDARD_VERBS}. */
  verbs?: readonly string[];
  /** Subresources besides `status`. */
  subresources?: readonly string[];
  /** False to not serve a `status` subresource even when the schema has a `status` field. */
  status?: false;
}

const CREATE_ONLY = ['create'] as const;
const ALL = ['all'] as const;
const API_EXT = ['api-extensions'] as const;

/** Keyed by `group/Kind` (core group: `/Kind`). */
export const RESOURCE_FACTS: Readonly<Record<string, ResourceFacts>> = {
  // core
  '/Binding': { plural: 'bindings', verbs: CREATE_ONLY },
  '/ComponentStatus': { plural: 'componentstatuses', shortNames: ['cs'], verbs: ['get', 'list'] },
  '/ConfigMap': { plural: 'configmaps', shortNames: ['cm'] },
  '/Endpoints': { plural: 'endpoints', shortNames: ['ep'] },
  '/Event': { plural: 'events', shortNames: ['ev'] },
  '/LimitRange': { plural: 'limitranges', shortNames: ['limits'] },
  '/Namespace': {
    plural: 'namespaces',
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['finalize'],
  },
  '/Node': { plural: 'nodes', shortNames: ['no'], subresources: ['proxy'] },
  '/PersistentVolume': { plural: 'persistentvolumes', shortNames: ['pv'] },
  '/PersistentVolumeClaim': { plural: 'persistentvolumeclaims', shortNames: ['pvc'] },
  '/Pod': {
    plural: 'pods',
    shortNames: ['po'],
    categories: ALL,
    subresources: ['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy'],
  },
  '/PodTemplate': { plural: 'podtemplates' },
  '/ReplicationController': { plural: 'replicationcontrollers', shortNames: ['rc'], categories: ALL, subresources: ['scale'] },
  '/ResourceQuota': { plural: 'resourcequotas', shortNames: ['quota'] },
  '/Secret': { plural: 'secrets' },
  '/Service': { plural: 'services', shortNames: ['svc'], categories: ALL, subresources: ['proxy'] },
  '/ServiceAccount': { plural: 'serviceaccounts', shortNames: ['sa'], subresources: ['token'] },
  // admissionregistration.k8s.io
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': { plural: 'mutatingwebhookconfigurations', categories: API_EXT },
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': { plural: 'validatingwebhookconfigurations', categories: API_EXT },
  // apiextensions.k8s.io
  'apiextensions.k8s.io/CustomResourceDefinition': {
    plural: 'customresourcedefinitions',
    shortNames: ['crd', 'crds'],
    categories: API_EXT,
  },
  // apiregistration.k8s.io
  'apiregistration.k8s.io/APIService': { plural: 'apiservices', categories: API_EXT },
  // apps
  'apps/ControllerRevision': { plural: 'controllerrevisions' },
  'apps/DaemonSet': { plural: 'daemonsets', shortNames: ['ds'], categories: ALL },
  'apps/Deployment': { plural: 'deployments', shortNames: ['deploy'], categories: ALL, subresources: ['scale'] },
  'apps/ReplicaSet': { plural: 'replicasets', shortNames: ['rs'], categories: ALL, subresources: ['scale'] },
  'apps/StatefulSet': { plural: 'statefulsets', shortNames: ['sts'], categories: ALL, subresources: ['scale'] },
  // authentication / authorization (create-only reviews)
  'authentication.k8s.io/TokenReview': { plural: 'tokenreviews', verbs: CREATE_ONLY, status: false },
  'authorization.k8s.io/LocalSubjectAccessReview': { plural: 'localsubjectaccessreviews', verbs: CREATE_ONLY, status: false },
  'authorization.k8s.io/SelfSubjectAccessReview': { plural: 'selfsubjectaccessreviews', verbs: CREATE_ONLY, status: false },
  'authorization.k8s.io/SelfSubjectRulesReview': { plural: 'selfsubjectrulesreviews', verbs: CREATE_ONLY, status: false },
  'authorization.k8s.io/SubjectAccessReview': { plural: 'subjectaccessreviews', verbs: CREATE_ONLY, status: false },
  // autoscaling
  'autoscaling/HorizontalPodAutoscaler': { plural: 'horizontalpodautoscalers', shortNames: ['hpa'], categories: ALL },
  // batch
  'batch/CronJob': { plural: 'cronjobs', shortNames: ['cj'], categories: ALL },
  'batch/Job': { plural: 'jobs', categories: ALL },
  // certificates.k8s.io
  'certificates.k8s.io/CertificateSigningRequest': { plural: 'certificatesigningrequests', shortNames: ['csr'], subresources: ['approval'] },
  // coordination.k8s.io
  'coordination.k8s.io/Lease': { plural: 'leases' },
  // discovery.k8s.io
  'discovery.k8s.io/EndpointSlice': { plural: 'endpointslices' },
  // events.k8s.io
  'events.k8s.io/Event': { plural: 'events', shortNames: ['ev'] },
  // extensions (deprecated Ingress)
  'extensions/Ingress': { plural: 'ingresses', shortNames: ['ing'] },
  // flowcontrol.apiserver.k8s.io
  'flowcontrol.apiserver.k8s.io/FlowSchema': { plural: 'flowschemas' },
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration': { plural: 'prioritylevelconfigurations' },
  // networking.k8s.io
  'networking.k8s.io/Ingress': { plural: 'ingresses', shortNames: ['ing'] },
  'networking.k8s.io/IngressClass': { plural: 'ingressclasses' },
  'networking.k8s.io/NetworkPolicy': { plural: 'networkpolicies', shortNames: ['netpol'] },
  // node.k8s.io
  'node.k8s.io/RuntimeClass': { plural: 'runtimeclasses' },
  // policy
  'policy/PodDisruptionBudget': { plural: 'poddisruptionbudgets', shortNames: ['pdb'] },
  'policy/PodSecurityPolicy': { plural: 'podsecuritypolicies', shortNames: ['psp'] },
  // rbac.authorization.k8s.io
  'rbac.authorization.k8s.io/ClusterRole': { plural: 'clusterroles' },
  'rbac.authorization.k8s.io/ClusterRoleBinding': { plural: 'clusterrolebindings' },
  'rbac.authorization.k8s.io/Role': { plural: 'roles' },
  'rbac.authorization.k8s.io/RoleBinding': { plural: 'rolebindings' },
  // scheduling.k8s.io
  'scheduling.k8s.io/PriorityClass': { plural: 'priorityclasses', shortNames: ['pc'] },
  // storage.k8s.io
  'storage.k8s.io/CSIDriver': { plural: 'csidrivers' },
  'storage.k8s.io/CSINode': { plural: 'csinodes' },
  'storage.k8s.io/CSIStorageCapacity': { plural: 'csistoragecapacities' },
  'storage.k8s.io/StorageClass': { plural: 'storageclasses', shortNames: ['sc'] },
  'storage.k8s.io/VolumeAttachment': { plural: 'volumeattachments' },
};

/**
 * Which resources are served although the spec's `resources` list gives them no scope (create-only
 * kinds), with their scope. Everything else without a scope (lists, options, Scale, Eviction…) is not a
 * top-level resource.
 */
export const UNSCOPED_RESOURCES: Readonly<Record<string, 'Namespaced' | 'Cluster'>> = {
  'v1/Binding': 'Namespaced',
  'authentication.k8s.io/v1/TokenReview': 'Cluster',
  'authentication.k8s.io/v1beta1/TokenReview': 'Cluster',
  'authorization.k8s.io/v1/LocalSubjectAccessReview': 'Namespaced',
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'Cluster',
  'authorization.k8s.io/v1/SelfSubjectRulesReview': 'Cluster',
  'authorization.k8s.io/v1/SubjectAccessReview': 'Cluster',
  'authorization.k8s.io/v1beta1/LocalSubjectAccessReview': 'Namespaced',
  'authorization.k8s.io/v1beta1/SelfSubjectAccessReview': 'Cluster',
  'authorization.k8s.io/v1beta1/SelfSubjectRulesReview': 'Cluster',
  'authorization.k8s.io/v1beta1/SubjectAccessReview': 'Cluster',
};

/** Kinds (by `apiVersion/Kind`) in the spec's resource list that a real server does not serve as resources. */
export const NOT_RESOURCES: ReadonlySet<string> = new Set([
  'v1/NodeProxyOptions',
  'v1/PodAttachOptions',
  'v1/PodExecOptions',
  'v1/PodPortForwardOptions',
  'v1/PodProxyOptions',
  'v1/ServiceProxyOptions',
  'autoscaling/v1/Scale',
]);

/**
 * API versions newer than the 1.21 spec that real repositories use, served with the schema of an older
 * version whose shape they share: definitions under `fromPrefix` are copied under `toPrefix` (references
 * rewritten; definitions that already exist are kept) and the listed kinds are served at `apiVersion`. `patch` adds fields the newer version gained.
 */
export interface VersionAlias {
  apiVersion: string;
  fromPrefix: string;
  toPrefix: string;
  kinds: readonly string[];
  scope: 'Namespaced' | 'Cluster';
  /** Extra properties per definition (suffix after the prefix), added to the copy. */
  addProperties?: Readonly<Record<string, Readonly<Record<string, { type: string; format?: string }>>>>;
}

export const VERSION_ALIASES: readonly VersionAlias[] = [
  // autoscaling/v2 (GA in 1.23) has the shape of v2beta2.
  {
    apiVersion: 'autoscaling/v2',
    fromPrefix: 'io.k8s.api.autoscaling.v2beta2.',
    toPrefix: 'io.k8s.api.autoscaling.v2.',
    kinds: ['HorizontalPodAutoscaler'],
    scope: 'Namespaced',
  },
  // storage.k8s.io/v1 CSIStorageCapacity (GA in 1.24) has the shape of v1beta1.
  {
    apiVersion: 'storage.k8s.io/v1',
    fromPrefix: 'io.k8s.api.storage.v1beta1.',
    toPrefix: 'io.k8s.api.storage.v1.',
    kinds: ['CSIStorageCapacity'],
    scope: 'Namespaced',
  },
  // flowcontrol v1beta2 (1.23), v1beta3 (1.26) and v1 (1.29): v1beta1's shape; v1beta3 and v1 renamed
  // assuredConcurrencyShares to nominalConcurrencyShares and added the borrowing fields.
  ...(['v1beta2', 'v1beta3', 'v1'] as const).map(
    (v): VersionAlias => ({
      apiVersion: `flowcontrol.apiserver.k8s.io/${v}`,
      fromPrefix: 'io.k8s.api.flowcontrol.v1beta1.',
      toPrefix: `io.k8s.api.flowcontrol.${v}.`,
      kinds: ['FlowSchema', 'PriorityLevelConfiguration'],
      scope: 'Cluster',
      ...(v === 'v1beta2'
        ? {}
        : {
            addProperties: {
              LimitedPriorityLevelConfiguration: {
                nominalConcurrencyShares: { type: 'integer', format: 'int32' },
                lendablePercent: { type: 'integer', format: 'int32' },
                borrowingLimitPercent: { type: 'integer', format: 'int32' },
              },
            },
          }),
    }),
  ),
];
