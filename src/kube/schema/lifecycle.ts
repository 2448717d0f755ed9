/**
 * When built-in API versions were added to and removed from Kubernetes (minor versions of 1.x), so a
 * catalog can serve what a given server version serves. The generated table holds every version the
 * 1.21 spec knows plus a few newer ones (`autoscaling/v2`, `flowcontrol…/v1`); everything not listed here
 * is served from 1.21 on and never removed.
 */

/** `apiVersion` or `apiVersion/Kind` → [first minor served, first minor no longer served]. */
const LIFECYCLE: Readonly<Record<string, readonly [number, number]>> = {
  // Removed in 1.22.
  'admissionregistration.k8s.io/v1beta1': [0, 22],
  'apiextensions.k8s.io/v1beta1': [0, 22],
  'apiregistration.k8s.io/v1beta1': [0, 22],
  'authentication.k8s.io/v1beta1': [0, 22],
  'authorization.k8s.io/v1beta1': [0, 22],
  'certificates.k8s.io/v1beta1': [0, 22],
  'coordination.k8s.io/v1beta1': [0, 22],
  'extensions/v1beta1': [0, 22],
  'networking.k8s.io/v1beta1': [0, 22],
  'rbac.authorization.k8s.io/v1beta1': [0, 22],
  'scheduling.k8s.io/v1beta1': [0, 22],
  'storage.k8s.io/v1beta1/CSIDriver': [0, 22],
  'storage.k8s.io/v1beta1/CSINode': [0, 22],
  'storage.k8s.io/v1beta1/StorageClass': [0, 22],
  'storage.k8s.io/v1beta1/VolumeAttachment': [0, 22],
  // Removed in 1.25.
  'autoscaling/v2beta1': [0, 25],
  'batch/v1beta1': [0, 25],
  'discovery.k8s.io/v1beta1': [0, 25],
  'events.k8s.io/v1beta1': [0, 25],
  'node.k8s.io/v1beta1': [0, 25],
  'policy/v1beta1': [0, 25],
  // Later changes.
  'autoscaling/v2beta2': [0, 26],
  'autoscaling/v2': [23, Infinity],
  'storage.k8s.io/v1beta1/CSIStorageCapacity': [0, 27],
  'storage.k8s.io/v1/CSIStorageCapacity': [24, Infinity],
  'flowcontrol.apiserver.k8s.io/v1beta1': [0, 26],
  'flowcontrol.apiserver.k8s.io/v1beta2': [23, 29],
  'flowcontrol.apiserver.k8s.io/v1beta3': [26, 32],
  'flowcontrol.apiserver.k8s.io/v1': [29, Infinity],
};

/** Parses `1.29`, `v1.29.3`, `1.29.0-rc.1` into the minor number; undefined when not a 1.x version. */
export function kubernetesMinor(version: string): number | undefined {
  const m = /^v?1\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(version.trim());
  return m ? Number(m[1]) : undefined;
}

/** True when a Kubernetes 1.`minor` API server serves this kind at this apiVersion. */
export function servedAt(apiVersion: string, kind: string, minor: number): boolean {
  const range = LIFECYCLE[`${apiVersion}/${kind}`] ?? LIFECYCLE[apiVersion];
  if (!range) return true;
  return minor >= range[0] && minor < range[1];
}
