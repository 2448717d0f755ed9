/**
 * A hand-written overlay of built-in API fields that went GA (or are on by default) after Kubernetes 1.21, the
 * version the generated table (`builtin.generated.ts`) comes from. Without it, the local cluster rejects these
 * fields under `fieldValidation=Strict` (kubectl's default) and prunes them otherwise, and server-side apply
 * does not know how their lists merge — yet real repositories use them (native sidecars, `timeZone`,
 * `podFailurePolicy`…).
 *
 * The overlay is applied on top of the generated definitions by {@link withPostV121Fields}; the generated file
 * is never edited, so the generator's drift test keeps checking it. Rules:
 * - The overlay only ADDS: a field the generated table already has is kept as generated (the overlay entry is
 *   then dead and a test says so, so it can be removed after a regeneration from a newer spec).
 * - Field names, types and merge extensions (`x-kubernetes-list-type`, patch strategy / merge key) follow the
 *   Kubernetes API reference of the version named beside each entry; only structure is recorded, as in the
 *   generated table (no descriptions, no validation beyond `required`).
 * - Not covered: alpha fields, status-only additions other than the few controllers write, per-version
 *   defaults of the new fields (e.g. StatefulSet `persistentVolumeClaimRetentionPolicy: Retain/Retain`), and
 *   removed fields (e.g. Service `topologyKeys`, gone in 1.22, is still accepted).
 */
import type { RawSchema } from './table.js';

const core = (name: string): string => `io.k8s.api.core.v1.${name}`;
const ref = (definition: string): RawSchema => ({ $ref: definition });
const str: RawSchema = { type: 'string' };
const int32: RawSchema = { type: 'integer', format: 'int32' };
const int64: RawSchema = { type: 'integer', format: 'int64' };
const bool: RawSchema = { type: 'boolean' };
const intOrString: RawSchema = { type: 'string', format: 'int-or-string' };
const atomicList = (items: RawSchema): RawSchema => ({ type: 'array', 'x-kubernetes-list-type': 'atomic', items });
const setList = (items: RawSchema): RawSchema => ({ type: 'array', 'x-kubernetes-list-type': 'set', items });
/** A list merged by `name`, as the API types declare with `patchStrategy:"merge" patchMergeKey:"name"` + listType map. */
const namedMapList = (items: RawSchema, strategy = 'merge'): RawSchema => ({
  type: 'array',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['name'],
  'x-kubernetes-patch-strategy': strategy,
  'x-kubernetes-patch-merge-key': 'name',
  items,
});
const struct = (properties: Record<string, RawSchema>, required?: string[]): RawSchema => (required ? { type: 'object', required, properties } : { type: 'object', properties });

/** New definitions the added fields refer to (names as in the newer OpenAPI specs). */
export const POST_V121_DEFINITIONS: Readonly<Record<string, RawSchema>> = {
  // PodSpec.os (1.25 GA)
  [core('PodOS')]: struct({ name: str }, ['name']),
  // PodSpec.schedulingGates (1.30 GA)
  [core('PodSchedulingGate')]: struct({ name: str }, ['name']),
  // PodSpec.resourceClaims (dynamic resource allocation; the flattened 1.31+ shape)
  [core('PodResourceClaim')]: struct({ name: str, resourceClaimName: str, resourceClaimTemplateName: str }, ['name']),
  // Container.resources.claims (DRA)
  [core('ResourceClaim')]: struct({ name: str, request: str }, ['name']),
  // Container.resizePolicy (in-place pod resize, 1.33 beta, on by default)
  [core('ContainerResizePolicy')]: struct({ resourceName: str, restartPolicy: str }, ['resourceName', 'restartPolicy']),
  // Probe.grpc (1.27 GA)
  [core('GRPCAction')]: struct({ port: int32, service: str }, ['port']),
  // lifecycle handlers' sleep (1.30 beta, on by default)
  [core('SleepAction')]: struct({ seconds: int64 }, ['seconds']),
  // (Pod)SecurityContext.appArmorProfile (1.30 GA)
  [core('AppArmorProfile')]: struct({ type: str, localhostProfile: str }, ['type']),
  // PersistentVolumeClaimSpec.dataSourceRef (1.24 beta, on by default; 1.33 GA)
  [core('TypedObjectReference')]: struct({ apiGroup: str, kind: str, name: str, namespace: str }, ['kind', 'name']),
  // StatefulSetSpec.persistentVolumeClaimRetentionPolicy (1.32 GA), ordinals (1.31 GA)
  'io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy': struct({ whenDeleted: str, whenScaled: str }),
  'io.k8s.api.apps.v1.StatefulSetOrdinals': struct({ start: int32 }),
  // JobSpec.podFailurePolicy (1.31 GA)
  'io.k8s.api.batch.v1.PodFailurePolicy': struct({ rules: atomicList(ref('io.k8s.api.batch.v1.PodFailurePolicyRule')) }, ['rules']),
  'io.k8s.api.batch.v1.PodFailurePolicyRule': struct(
    {
      action: str,
      onExitCodes: ref('io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement'),
      onPodConditions: atomicList(ref('io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern')),
    },
    ['action'],
  ),
  'io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement': struct({ containerName: str, operator: str, values: setList(int32) }, ['operator', 'values']),
  'io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern': struct({ type: str, status: str }, ['type']),
  // JobSpec.successPolicy (1.33 GA)
  'io.k8s.api.batch.v1.SuccessPolicy': struct({ rules: atomicList(ref('io.k8s.api.batch.v1.SuccessPolicyRule')) }, ['rules']),
  'io.k8s.api.batch.v1.SuccessPolicyRule': struct({ succeededIndexes: str, succeededCount: int32 }),
  // JobStatus.uncountedTerminatedPods (1.26 GA)
  'io.k8s.api.batch.v1.UncountedTerminatedPods': struct({ succeeded: setList(str), failed: setList(str) }),
};

/** Fields added to existing definitions, by definition name. */
export const POST_V121_FIELDS: Readonly<Record<string, Readonly<Record<string, RawSchema>>>> = {
  [core('PodSpec')]: {
    os: ref(core('PodOS')),
    hostUsers: bool, // 1.33 beta, on by default
    schedulingGates: namedMapList(ref(core('PodSchedulingGate'))),
    resourceClaims: namedMapList(ref(core('PodResourceClaim')), 'merge,retainKeys'),
  },
  [core('Container')]: {
    resizePolicy: atomicList(ref(core('ContainerResizePolicy'))),
    restartPolicy: str, // native sidecars: `Always` on initContainers (1.29 beta, on by default; 1.33 GA)
  },
  [core('EphemeralContainer')]: {
    resizePolicy: atomicList(ref(core('ContainerResizePolicy'))),
    restartPolicy: str,
  },
  [core('ResourceRequirements')]: {
    claims: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: ref(core('ResourceClaim')) },
  },
  [core('Probe')]: { grpc: ref(core('GRPCAction')) },
  [core('Handler')]: { sleep: ref(core('SleepAction')) },
  [core('PodSecurityContext')]: { appArmorProfile: ref(core('AppArmorProfile')) },
  [core('SecurityContext')]: { appArmorProfile: ref(core('AppArmorProfile')) },
  [core('WindowsSecurityContextOptions')]: { hostProcess: bool }, // 1.26 GA
  [core('TopologySpreadConstraint')]: {
    minDomains: int32, // 1.30 GA
    nodeAffinityPolicy: str, // 1.33 GA
    nodeTaintsPolicy: str, // 1.33 GA
    matchLabelKeys: atomicList(str), // 1.27 beta, on by default
  },
  [core('PersistentVolumeClaimSpec')]: {
    dataSourceRef: ref(core('TypedObjectReference')),
    volumeAttributesClassName: str, // 1.34 GA
  },
  [core('ServiceSpec')]: { trafficDistribution: str }, // 1.33 GA
  [core('LoadBalancerIngress')]: { ipMode: str }, // 1.30 beta, on by default
  'io.k8s.api.apps.v1.StatefulSetSpec': {
    minReadySeconds: int32, // 1.25 GA
    persistentVolumeClaimRetentionPolicy: ref('io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy'),
    ordinals: ref('io.k8s.api.apps.v1.StatefulSetOrdinals'),
  },
  'io.k8s.api.apps.v1.StatefulSetStatus': { availableReplicas: int32 },
  'io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy': { maxUnavailable: intOrString },
  'io.k8s.api.batch.v1.JobSpec': {
    podFailurePolicy: ref('io.k8s.api.batch.v1.PodFailurePolicy'),
    backoffLimitPerIndex: int32, // 1.33 GA
    maxFailedIndexes: int32, // 1.33 GA
    podReplacementPolicy: str, // 1.34 GA
    managedBy: str, // 1.35 GA, beta on by default since 1.32
    successPolicy: ref('io.k8s.api.batch.v1.SuccessPolicy'),
  },
  'io.k8s.api.batch.v1.JobStatus': {
    ready: int32,
    terminating: int32,
    failedIndexes: str,
    uncountedTerminatedPods: ref('io.k8s.api.batch.v1.UncountedTerminatedPods'),
  },
  'io.k8s.api.batch.v1.CronJobSpec': { timeZone: str }, // 1.27 GA
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': { unhealthyPodEvictionPolicy: str }, // 1.31 GA
};

/** An overlay entry the generated definitions already have (dead entry), or whose target is missing. */
export interface OverlayFinding {
  definition: string;
  field?: string;
  problem: 'already-generated' | 'missing-definition';
}

/** Checks the overlay against generated definitions: entries that are dead or point nowhere. */
export function checkOverlay(generated: Readonly<Record<string, RawSchema>>): OverlayFinding[] {
  const out: OverlayFinding[] = [];
  for (const name of Object.keys(POST_V121_DEFINITIONS)) if (generated[name]) out.push({ definition: name, problem: 'already-generated' });
  for (const [name, fields] of Object.entries(POST_V121_FIELDS)) {
    const props = generated[name]?.properties;
    if (!props) {
      out.push({ definition: name, problem: 'missing-definition' });
      continue;
    }
    for (const f of Object.keys(fields)) if (Object.prototype.hasOwnProperty.call(props, f)) out.push({ definition: name, field: f, problem: 'already-generated' });
  }
  return out;
}

/**
 * The generated definitions with the overlay applied: new definitions added and new fields appended to the
 * properties of existing ones (a copy; the inputs are not changed). Generated facts always win over the
 * overlay's.
 */
export function withPostV121Fields(generated: Readonly<Record<string, RawSchema>>): Record<string, RawSchema> {
  const out: Record<string, RawSchema> = { ...POST_V121_DEFINITIONS, ...generated };
  for (const [name, fields] of Object.entries(POST_V121_FIELDS)) {
    const def = generated[name];
    if (!def) continue;
    const added = Object.fromEntries(Object.entries(fields).filter(([f]) => !Object.prototype.hasOwnProperty.call(def.properties ?? {}, f)));
    out[name] = { ...def, properties: { ...def.properties, ...added } };
  }
  return out;
}
