/**
 * Staging order and the comparison of a dry-run result with the live object.
 */
import type { ObjectRef } from '../identity.js';
import type { KubeObject } from '../object.js';
import { jsonEqual } from '../object.js';

/** Apply stages: 0 cluster definitions (CRDs, Namespaces, ClusterRoles), 1 `*Class` kinds, 2 the rest. */
export type Stage = 0 | 1 | 2;

/** The stage of an object or reference (fluxcd/pkg `ssa/utils/is.go` rules). */
export function stageOf(ref: Pick<ObjectRef, 'group' | 'kind'>): Stage {
  if (ref.group === 'apiextensions.k8s.io' && ref.kind === 'CustomResourceDefinition') return 0;
  if (ref.group === '' && ref.kind === 'Namespace') return 0;
  if (ref.group === 'rbac.authorization.k8s.io' && ref.kind === 'ClusterRole') return 0;
  if (ref.kind.endsWith('Class')) return 1;
  return 2;
}

/** Metadata the server owns: ignored by the drift comparison. */
const SERVER_META = ['resourceVersion', 'generation', 'managedFields', 'uid', 'creationTimestamp', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

/**
 * A copy of an object fit for comparison: without `status` and server-managed metadata. The copy shares
 * nothing with the input.
 */
export function normalizeForCompare(obj: KubeObject): KubeObject {
  const out = structuredClone(obj);
  delete out['status'];
  const meta = out.metadata as Record<string, unknown>;
  for (const k of SERVER_META) delete meta[k];
  return out;
}


/** True when the dry-run result differs from the live object outside status and server metadata. */
export function hasDrifted(live: KubeObject, dryRun: KubeObject): boolean {
  return !jsonEqual(normalizeForCompare(live), normalizeForCompare(dryRun));
}

/** Kinds applied first, in this order (a Service before what uses it…); the order Flux and kubectl use. */
const FIRST_KINDS = [
  'CustomResourceDefinition', 'Namespace', 'ResourceQuota', 'StorageClass', 'ServiceAccount', 'PodSecurityPolicy', 'Role', 'ClusterRole',
  'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret', 'Service', 'LimitRange', 'PriorityClass', 'Deployment', 'StatefulSet',
  'CronJob', 'PodDisruptionBudget',
];
/** Kinds applied last (admission webhooks, so they cannot block the rest). */
const LAST_KINDS = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

function kindRank(kind: string): number {
  const f = FIRST_KINDS.indexOf(kind);
  if (f >= 0) return f - FIRST_KINDS.length;
  const l = LAST_KINDS.indexOf(kind);
  return l >= 0 ? l + 1 : 0;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Flux's deterministic apply order: by kind rank ({@link FIRST_KINDS} first, webhooks last, other kinds
 * in between), then group, kind, namespace, name. Change sets and events list objects in this order.
 */
export function compareForApply(a: ObjectRef, b: ObjectRef): number {
  return kindRank(a.kind) - kindRank(b.kind) || cmp(a.group, b.group) || cmp(a.kind, b.kind) || cmp(a.namespace, b.namespace) || cmp(a.name, b.name);
}
