/**
 * Types and schemas shared by Lockstep's kinds, shaped as Flux's `apis/meta`: Artifact, Condition,
 * object references, and the reconcile-request annotation.
 */
import { s, type Schema } from './schema.js';

/** The annotation whose new value asks for an immediate reconcile. */
export const reconcileRequestAnnotation = 'reconcile.fluxcd.io/requestedAt';

/** The output of a source reconciliation (`status.artifact`). */
export interface Artifact {
  /** Path relative to the storage root: `<kind>/<namespace>/<name>/<file>`. */
  path: string;
  /** HTTP address of the file. */
  url: string;
  /** Origin revision, e.g. `main@sha1:<commit>`. */
  revision: string;
  /** `sha256:<hex>` of the file. */
  digest: string;
  /** RFC 3339 time of the last change of the artifact. */
  lastUpdateTime: string;
  /** Bytes. */
  size?: number;
  metadata?: Record<string, string>;
}

/** A Kubernetes condition (metav1.Condition). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** `{name}` in the same namespace. */
export interface LocalObjectReference {
  name: string;
}

/** Schema of {@link Artifact}. */
export function artifactSchema(description?: string): Schema {
  return s.object(
    {
      digest: s.string({ description: 'Digest of the file as <algorithm>:<checksum>.', pattern: '^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$' }),
      lastUpdateTime: s.string({ description: 'When the artifact last changed.', format: 'date-time' }),
      metadata: s.map(s.string(), { description: 'Upstream metadata such as OCI annotations.' }),
      path: s.string({ description: 'File path relative to the storage root.' }),
      revision: s.string({ description: 'Revision of the origin the artifact was built from.' }),
      size: s.integer({ description: 'Size of the file in bytes.', format: 'int64' }),
      url: s.string({ description: 'HTTP address where the artifact is served.' }),
    },
    { description, required: ['digest', 'lastUpdateTime', 'path', 'revision', 'url'] },
  );
}

/** Schema of {@link Condition} (as metav1.Condition). */
export function conditionSchema(): Schema {
  return s.object(
    {
      lastTransitionTime: s.string({ description: 'When the status last changed.', format: 'date-time' }),
      message: s.string({ description: 'Human readable details.', maxLength: 32768 }),
      observedGeneration: s.integer({ description: 'Generation the condition was computed for.', format: 'int64', minimum: 0 }),
      reason: s.string({ description: 'CamelCase reason for the last transition.', maxLength: 1024, minLength: 1, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
      status: s.string({ description: 'True, False or Unknown.', enum: ['True', 'False', 'Unknown'] }),
      type: s.string({
        description: 'Condition type in CamelCase.',
        maxLength: 316,
        pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
      }),
    },
    { description: 'One aspect of the observed state.', required: ['lastTransitionTime', 'message', 'reason', 'status', 'type'] },
  );
}

/** Schema of {@link LocalObjectReference}. */
export function localObjectReferenceSchema(description?: string): Schema {
  return s.object({ name: s.string({ description: 'Name of the referent.' }) }, { description, required: ['name'] });
}

/** The standard `apiVersion`, `kind`, `metadata` properties of a top-level kind. */
export function objectRootProperties(): Record<string, Schema> {
  return {
    apiVersion: s.string({ description: 'Versioned schema of this object.' }),
    kind: s.string({ description: 'REST resource kind of this object.' }),
    metadata: s.object({}),
  };
}
