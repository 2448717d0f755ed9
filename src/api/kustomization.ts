/**
 * Kustomization, `kustomize.toolkit.fluxcd.io/v1`: types, schema (structurally equal to Flux's CRD),
 * defaults (`retryInterval` = interval, `timeout` = interval − 30 s with a 30 s floor, as Flux's
 * `GetTimeout`) and the spec checks the controller makes beyond the schema.
 */
import type { KubeObject, ObjectSelector } from '../kube/object.js';
import { durationPattern, parseDuration } from './duration.js';
import { type Condition, type LocalObjectReference, conditionSchema, localObjectReferenceSchema, objectRootProperties } from './meta.js';
import type { SpecProblem } from './gitrepository.js';
import { s, type Schema } from './schema.js';

/** API group of Kustomization. */
export const kustomizeGroup = 'kustomize.toolkit.fluxcd.io';
/** Served and stored version. */
export const kustomizationVersion = 'v1';
/** Kind name. */
export const kustomizationKind = 'Kustomization';
/** `apiVersion` value. */
export const kustomizationApiVersion = `${kustomizeGroup}/${kustomizationVersion}`;

/** `spec.sourceRef`. */
export interface CrossNamespaceSourceReference {
  apiVersion?: string;
  kind: 'OCIRepository' | 'GitRepository' | 'Bucket' | 'ExternalArtifact';
  name: string;
  namespace?: string;
}

/** `spec.dependsOn[]`. */
export interface DependencyReference {
  name: string;
  namespace?: string;
  readyExpr?: string;
}

/** `spec.healthChecks[]`. */
export interface NamespacedObjectKindReference {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** A kustomize patch target selector. */
export type PatchSelector = ObjectSelector;

/** `spec.patches[]`. */
export interface KustomizePatch {
  patch: string;
  target?: PatchSelector;
}

/** `spec.images[]`. */
export interface KustomizeImage {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/** `spec.postBuild.substituteFrom[]`. */
export interface SubstituteReference {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  optional?: boolean;
}

/** `spec.postBuild`. */
export interface PostBuild {
  substitute?: Record<string, string>;
  substituteFrom?: SubstituteReference[];
  substituteStrategy?: 'WithVariables' | 'Always';
}

/** `spec.kubeConfig`. */
export interface KubeConfigReference {
  secretRef?: { name: string; key?: string };
  configMapRef?: LocalObjectReference;
}

/** `spec.commonMetadata`. */
export interface CommonMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** `spec`. */
export interface KustomizationSpec {
  sourceRef: CrossNamespaceSourceReference;
  path?: string;
  interval: string;
  retryInterval?: string;
  timeout?: string;
  prune: boolean;
  deletionPolicy?: 'MirrorPrune' | 'Delete' | 'WaitForTermination' | 'Orphan';
  wait?: boolean;
  healthChecks?: NamespacedObjectKindReference[];
  healthCheckExprs?: Array<{ apiVersion: string; kind?: string; current: string; inProgress?: string; failed?: string }>;
  dependsOn?: DependencyReference[];
  targetNamespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  commonMetadata?: CommonMetadata;
  patches?: KustomizePatch[];
  images?: KustomizeImage[];
  components?: string[];
  ignoreMissingComponents?: boolean;
  postBuild?: PostBuild;
  decryption?: { provider: 'sops'; secretRef?: LocalObjectReference; serviceAccountName?: string };
  serviceAccountName?: string;
  kubeConfig?: KubeConfigReference;
  force?: boolean;
  ignore?: Array<{ paths: string[]; target?: PatchSelector }>;
  buildMetadata?: Array<'originAnnotations' | 'transformerAnnotations'>;
  suspend?: boolean;
}

/** `status.history[]` (Flux's meta.History entry). */
export interface HistoryEntry {
  digest: string;
  firstReconciled: string;
  lastReconciled: string;
  lastReconciledDuration: string;
  lastReconciledStatus: string;
  totalReconciliations: number;
  metadata?: Record<string, string>;
}

/** `status.inventory`. */
export interface ResourceInventory {
  entries: Array<{ id: string; v: string }>;
}

/** `status`. */
export interface KustomizationStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  lastHandledReconcileAt?: string;
  lastAppliedRevision?: string;
  lastAppliedOriginRevision?: string;
  lastAttemptedRevision?: string;
  inventory?: ResourceInventory;
  history?: HistoryEntry[];
}

/** A Kustomization object. */
export interface Kustomization extends KubeObject {
  spec: KustomizationSpec;
  status?: KustomizationStatus;
}

function selectorSchema(description: string): Schema {
  const str = (d: string): Schema => s.string({ description: d });
  return s.object(
    {
      annotationSelector: str('Annotation selector.'),
      group: str('API group.'),
      kind: str('Kind.'),
      labelSelector: str('Label selector.'),
      name: str('Name.'),
      namespace: str('Namespace.'),
      version: str('API version.'),
    },
    { description },
  );
}

function postBuildSchema(): Schema {
  return s.object(
    {
      substitute: s.map(s.string(), { description: 'Variables substituted in the built manifests (${var}); win over substituteFrom.' }),
      substituteFrom: s.array(
        s.object(
          {
            kind: s.string({ description: 'ConfigMap or Secret.', enum: ['Secret', 'ConfigMap'] }),
            name: s.string({ description: 'Name in the Kustomization namespace.', maxLength: 253, minLength: 1 }),
            optional: s.boolean({ description: 'Tolerate a missing object.', default: false }),
          },
          { description: 'A ConfigMap or Secret whose data are variables.', required: ['kind', 'name'] },
        ),
        { description: 'Objects whose data are variables; later entries win.' },
      ),
      substituteStrategy: s.string({ description: 'WithVariables (only when variables are given) or Always.', enum: ['WithVariables', 'Always'] }),
    },
    { description: 'Variable substitution after the build.' },
  );
}

function kubeConfigSchema(): Schema {
  const msg = 'exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified';
  return s.object(
    {
      configMapRef: localObjectReferenceSchema('ConfigMap with a workload identity configuration.'),
      secretRef: s.object(
        { key: s.string({ description: 'Key holding the kubeconfig (default value or value.yaml).' }), name: s.string({ description: 'Name of the Secret.' }) },
        { description: 'Secret holding a kubeconfig.', required: ['name'] },
      ),
    },
    {
      description: 'Apply to the cluster of this kubeconfig.',
      validations: [
        { message: msg, rule: 'has(self.configMapRef) || has(self.secretRef)' },
        { message: msg, rule: '!has(self.configMapRef) || !has(self.secretRef)' },
      ],
    },
  );
}

function healthSchemas(): Record<string, Schema> {
  return {
    healthCheckExprs: s.array(
      s.object(
        {
          apiVersion: s.string({ description: 'API version of the objects.' }),
          current: s.string({ description: 'CEL: the object is healthy.' }),
          failed: s.string({ description: 'CEL: the object failed.' }),
          inProgress: s.string({ description: 'CEL: the object is progressing.' }),
          kind: s.string({ description: 'Kind of the objects.' }),
        },
        { description: 'A custom health check.', required: ['apiVersion', 'current'] },
      ),
      { description: 'Custom CEL health checks (not supported by Lockstep yet).' },
    ),
    healthChecks: s.array(
      s.object(
        {
          apiVersion: s.string({ description: 'API version.' }),
          kind: s.string({ description: 'Kind.' }),
          name: s.string({ description: 'Name.' }),
          namespace: s.string({ description: 'Namespace.' }),
        },
        { description: 'An object to health check.', required: ['kind', 'name'] },
      ),
      { description: 'Objects whose health is checked (ignored when wait is true).' },
    ),
  };
}

function transformSchemas(): Record<string, Schema> {
  return {
    commonMetadata: s.object(
      { annotations: s.map(s.string(), { description: 'Annotations.' }), labels: s.map(s.string(), { description: 'Labels.' }) },
      { description: 'Labels and annotations added to every object.' },
    ),
    components: s.array(s.string(), { description: 'Kustomize components, relative to path.' }),
    ignoreMissingComponents: s.boolean({ description: 'Skip components that do not exist.' }),
    images: s.array(
      s.object(
        {
          digest: s.string({ description: 'Digest replacing the tag.' }),
          name: s.string({ description: 'Image name to match.' }),
          newName: s.string({ description: 'New name.' }),
          newTag: s.string({ description: 'New tag.' }),
        },
        { description: 'An image override.', required: ['name'] },
      ),
      { description: 'Image overrides.' },
    ),
    namePrefix: s.string({ description: 'Prefix of every name.', maxLength: 200, minLength: 1 }),
    nameSuffix: s.string({ description: 'Suffix of every name.', maxLength: 200, minLength: 1 }),
    patches: s.array(
      s.object({ patch: s.string({ description: 'Strategic merge or JSON 6902 patch.' }), target: selectorSchema('Objects to patch.') }, { description: 'A patch.', required: ['patch'] }),
      { description: 'Patches applied on top of the path.' },
    ),
    targetNamespace: s.string({ description: 'Namespace of every namespaced object.', maxLength: 63, minLength: 1 }),
  };
}

function specSchema(): Schema {
  const duration = (d: string): Schema => s.string({ description: d, pattern: durationPattern });
  return s.object(
    {
      ...transformSchemas(),
      ...healthSchemas(),
      buildMetadata: s.array(s.string({ enum: ['originAnnotations', 'transformerAnnotations'] }), { description: 'Build metadata added to objects.' }),
      decryption: s.object(
        {
          provider: s.string({ description: 'Decryption provider.', enum: ['sops'] }),
          secretRef: localObjectReferenceSchema('Secret with decryption keys.'),
          serviceAccountName: s.string({ description: 'ServiceAccount for KMS.' }),
        },
        { description: 'Decryption of secrets (not supported by Lockstep yet).', required: ['provider'] },
      ),
      deletionPolicy: s.string({ description: 'What happens to applied objects when this is deleted.', enum: ['MirrorPrune', 'Delete', 'WaitForTermination', 'Orphan'] }),
      dependsOn: s.array(
        s.object(
          { name: s.string({ description: 'Name.' }), namespace: s.string({ description: 'Namespace (default: this one).' }), readyExpr: s.string({ description: 'CEL readiness expression.' }) },
          { description: 'A Kustomization that must be ready first.', required: ['name'] },
        ),
        { description: 'Kustomizations that must be ready before this one is applied.' },
      ),
      force: s.boolean({ description: 'Recreate objects whose immutable fields changed.', default: false }),
      ignore: s.array(
        s.object(
          { paths: s.array(s.string(), { description: 'JSON pointers.' }), target: selectorSchema('Objects concerned.') },
          { description: 'Fields not reconciled.', required: ['paths'] },
        ),
        { description: 'Fields left alone by drift correction.' },
      ),
      interval: duration('How often the path is reconciled.'),
      kubeConfig: kubeConfigSchema(),
      path: s.string({ description: 'Path in the artifact (default its root).' }),
      postBuild: postBuildSchema(),
      prune: s.boolean({ description: 'Delete objects that are no longer in the source.' }),
      retryInterval: duration('Retry delay after a failure (default: interval).'),
      serviceAccountName: s.string({ description: 'ServiceAccount impersonated for every request.' }),
      sourceRef: s.object(
        {
          apiVersion: s.string({ description: 'API version of the source.' }),
          kind: s.string({ description: 'Kind of the source.', enum: ['OCIRepository', 'GitRepository', 'Bucket', 'ExternalArtifact'] }),
          name: s.string({ description: 'Name of the source.' }),
          namespace: s.string({ description: 'Namespace of the source (default: this one).' }),
        },
        { description: 'The source of the manifests.', required: ['kind', 'name'] },
      ),
      suspend: s.boolean({ description: 'Stops reconciling this object.' }),
      timeout: duration('Deadline of apply and health checks (default interval − 30s, at least 30s).'),
      wait: s.boolean({ description: 'Health check every applied object.' }),
    },
    { description: 'What to apply and how.', required: ['interval', 'prune', 'sourceRef'] },
  );
}

function statusSchema(): Schema {
  return s.object(
    {
      conditions: s.array(conditionSchema(), { description: 'Conditions of the object.' }),
      history: s.array(
        s.object(
          {
            digest: s.string({ description: 'Digest of the applied objects.' }),
            firstReconciled: s.string({ description: 'First reconcile of this digest.', format: 'date-time' }),
            lastReconciled: s.string({ description: 'Last reconcile of this digest.', format: 'date-time' }),
            lastReconciledDuration: s.string({ description: 'Duration of the last reconcile.' }),
            lastReconciledStatus: s.string({ description: 'Outcome of the last reconcile.' }),
            metadata: s.map(s.string(), { description: 'Revision and other metadata.' }),
            totalReconciliations: s.integer({ description: 'Reconciles with this digest and status.', format: 'int64' }),
          },
          { description: 'A reconcile snapshot.', required: ['digest', 'firstReconciled', 'lastReconciled', 'lastReconciledDuration', 'lastReconciledStatus', 'totalReconciliations'] },
        ),
        { description: 'The last reconciles, newest first (at most 5).' },
      ),
      inventory: s.object(
        {
          entries: s.array(
            s.object({ id: s.string({ description: '<namespace>_<name>_<group>_<kind>.' }), v: s.string({ description: 'API version.' }) }, { description: 'An applied object.', required: ['id', 'v'] }),
            { description: 'Applied objects.' },
          ),
        },
        { description: 'Objects applied at the last success.', required: ['entries'] },
      ),
      lastAppliedOriginRevision: s.string({ description: 'Origin revision of the last applied artifact.' }),
      lastAppliedRevision: s.string({ description: 'Revision last applied successfully.' }),
      lastAttemptedRevision: s.string({ description: 'Revision last attempted.' }),
      lastHandledReconcileAt: s.string({ description: 'Last handled value of the reconcile request annotation.' }),
      observedGeneration: s.integer({ description: 'Last generation reconciled.', format: 'int64' }),
    },
    { description: 'Observed state.', default: { observedGeneration: -1 } },
  );
}

/** The `openAPIV3Schema` of Kustomization v1. */
export function kustomizationSchema(): Schema {
  return s.object({ ...objectRootProperties(), spec: specSchema(), status: statusSchema() }, { description: 'A path of a source applied to a cluster.' });
}

/** Flux's floor of the default timeout. */
const minTimeoutMs = 30_000;

/** `spec.interval` in ms (1 min when unparsable). */
export function kustomizationIntervalMs(spec: Pick<KustomizationSpec, 'interval'>): number {
  return parseDuration(spec.interval ?? '') ?? 60_000;
}

/** `spec.retryInterval` in ms, defaulting to the interval (Flux's `GetRetryInterval`). */
export function kustomizationRetryIntervalMs(spec: Pick<KustomizationSpec, 'interval' | 'retryInterval'>): number {
  const r = spec.retryInterval !== undefined ? parseDuration(spec.retryInterval) : undefined;
  return r ?? kustomizationIntervalMs(spec);
}

/** `spec.timeout` in ms; default interval − 30 s, at least 30 s (Flux's `GetTimeout`). */
export function kustomizationTimeoutMs(spec: Pick<KustomizationSpec, 'interval' | 'timeout'>): number {
  const t = spec.timeout !== undefined ? parseDuration(spec.timeout) : undefined;
  if (t !== undefined) return t;
  return Math.max(kustomizationIntervalMs(spec) - 30_000, minTimeoutMs);
}

/** Most history entries kept (Flux's `HistoryMaxSize`). */
export const historyMaxSize = 5;

/**
 * Checks what the schema cannot: required fields, durations, source kinds and features Lockstep does
 * not implement (each a problem with its field path; the controller stalls on them).
 */
export function checkKustomizationSpec(spec: Partial<KustomizationSpec> | undefined): SpecProblem[] {
  const out: SpecProblem[] = [];
  if (!spec || typeof spec !== 'object') return [{ field: 'spec', message: 'required' }];
  if (!spec.sourceRef?.name) out.push({ field: 'spec.sourceRef.name', message: 'required' });
  else if (spec.sourceRef.kind !== 'GitRepository') out.push({ field: 'spec.sourceRef.kind', message: `source kind ${String(spec.sourceRef.kind)} is unsupported by Lockstep (only GitRepository)` });
  for (const f of ['interval', 'retryInterval', 'timeout'] as const) {
    const v = spec[f];
    if ((f === 'interval' || v !== undefined) && (typeof v !== 'string' || parseDuration(v) === undefined)) out.push({ field: `spec.${f}`, message: 'must be a duration such as 5m or 30s' });
  }
  if (typeof spec.prune !== 'boolean') out.push({ field: 'spec.prune', message: 'required' });
  if (spec.path !== undefined && spec.path.split('/').includes('..')) out.push({ field: 'spec.path', message: 'must not leave the artifact ("..")' });
  if (spec.decryption !== undefined) out.push({ field: 'spec.decryption', message: 'SOPS decryption is unsupported by Lockstep' });
  if (spec.healthCheckExprs !== undefined && spec.healthCheckExprs.length > 0) out.push({ field: 'spec.healthCheckExprs', message: 'CEL health checks are unsupported by Lockstep' });
  if (spec.ignore !== undefined && spec.ignore.length > 0) out.push({ field: 'spec.ignore', message: 'ignore rules are unsupported by Lockstep yet' });
  if (spec.kubeConfig?.configMapRef !== undefined) out.push({ field: 'spec.kubeConfig.configMapRef', message: 'workload identity kubeconfigs are unsupported by Lockstep' });
  (spec.dependsOn ?? []).forEach((d, i) => {
    if (!d?.name) out.push({ field: `spec.dependsOn[${i}].name`, message: 'required' });
    if (d?.readyExpr !== undefined) out.push({ field: `spec.dependsOn[${i}].readyExpr`, message: 'CEL readiness expressions are unsupported by Lockstep' });
  });
  return out;
}
