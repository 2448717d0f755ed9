/**
 * Names of the kustomize controller, as Flux's kustomize-controller spells them: the controller name
 * (field manager, event reporter), reasons shared by conditions and events, owner labels.
 */

/** The controller name: SSA field manager, event reporter, log field (Flux's). */
export const kustomizeControllerName = 'kustomize-controller';

/** Flux's finalizer on Kustomizations. */
export const kustomizeFinalizer = 'finalizers.fluxcd.io';

/** Condition and event reasons (fluxcd/pkg apis/meta and kustomize-controller). */
export const KustomizeReason = {
  ReconciliationSucceeded: 'ReconciliationSucceeded',
  ReconciliationFailed: 'ReconciliationFailed',
  Progressing: 'Progressing',
  ProgressingWithRetry: 'ProgressingWithRetry',
  ArtifactFailed: 'ArtifactFailed',
  BuildFailed: 'BuildFailed',
  PruneFailed: 'PruneFailed',
  HealthCheckFailed: 'HealthCheckFailed',
  DependencyNotReady: 'DependencyNotReady',
  Succeeded: 'Succeeded',
  /** Spec problems Lockstep cannot act on (unsupported kinds and features). */
  UnsupportedConfiguration: 'UnsupportedConfiguration',
} as const;

/** Owner labels set on every applied object (Flux's). */
export const ownerLabelName = 'kustomize.toolkit.fluxcd.io/name';
export const ownerLabelNamespace = 'kustomize.toolkit.fluxcd.io/namespace';

/** The owner labels of a Kustomization. */
export function ownerLabelsOf(obj: { metadata: { name?: string | undefined; namespace?: string | undefined } }): Record<string, string> {
  return { [ownerLabelName]: obj.metadata.name ?? '', [ownerLabelNamespace]: obj.metadata.namespace ?? '' };
}
