/**
 * Flux's per-object apply controls (fluxcd/pkg `ssa/utils/meta.go`): each may be a label or an
 * annotation; values compare case-insensitively.
 */
import type { KubeObject } from '../object.js';

export const ssaKey = 'kustomize.toolkit.fluxcd.io/ssa';
export const forceKey = 'kustomize.toolkit.fluxcd.io/force';
export const pruneKey = 'kustomize.toolkit.fluxcd.io/prune';
export const reconcileKey = 'kustomize.toolkit.fluxcd.io/reconcile';

/** Values of the `ssa` control. */
export const SsaPolicy = { Override: 'Override', Merge: 'Merge', IfNotPresent: 'IfNotPresent', Ignore: 'Ignore' } as const;
export type SsaPolicy = (typeof SsaPolicy)[keyof typeof SsaPolicy];

/** The value of a control key from annotations, else labels. */
export function controlValue(obj: Pick<KubeObject, 'metadata'> | undefined, key: string): string | undefined {
  if (!obj) return undefined;
  return obj.metadata.annotations?.[key] ?? obj.metadata.labels?.[key];
}

function is(obj: Pick<KubeObject, 'metadata'> | undefined, key: string, value: string): boolean {
  return controlValue(obj, key)?.toLowerCase() === value.toLowerCase();
}

/** The object's `ssa` policy; unknown values and absence mean `Override`. */
export function ssaPolicyOf(obj: Pick<KubeObject, 'metadata'>): SsaPolicy {
  for (const p of Object.values(SsaPolicy)) if (is(obj, ssaKey, p)) return p;
  return SsaPolicy.Override;
}

/** `force: Enabled`. */
export const isForceEnabled = (obj: Pick<KubeObject, 'metadata'>): boolean => is(obj, forceKey, 'enabled');

/** Never applied nor pruned: `ssa: Ignore` or `reconcile: disabled`. */
export const isIgnored = (obj: Pick<KubeObject, 'metadata'> | undefined): boolean => is(obj, ssaKey, 'ignore') || is(obj, reconcileKey, 'disabled');

/** Never pruned: `prune: disabled`, or ignored. */
export const isPruneDisabled = (obj: Pick<KubeObject, 'metadata'> | undefined): boolean => is(obj, pruneKey, 'disabled') || isIgnored(obj);
