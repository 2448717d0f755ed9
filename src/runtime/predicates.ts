/**
 * Predicates: which informer updates enqueue a reconcile. Adds and deletes always do; an update does when
 * any of the controller's predicates says so.
 */
import type { KubeObject } from '../kube/object.js';

/** Decides whether an update from `oldObj` to `newObj` is worth a reconcile. */
export type UpdatePredicate = (oldObj: KubeObject, newObj: KubeObject) => boolean;

/** Flux's on-demand reconcile annotation; `status.lastHandledReconcileAt` echoes its value. */
export const REQUESTED_AT_ANNOTATION = 'reconcile.fluxcd.io/requestedAt';

/** `metadata.generation` changed (a spec change). */
export const generationChanged: UpdatePredicate = (o, n) => o.metadata.generation !== n.metadata.generation;

/** The `reconcile.fluxcd.io/requestedAt` annotation changed. */
export const requestedAtChanged: UpdatePredicate = (o, n) =>
  (o.metadata.annotations?.[REQUESTED_AT_ANNOTATION] ?? '') !== (n.metadata.annotations?.[REQUESTED_AT_ANNOTATION] ?? '');

/**
 * Deletion started. (Finalizer changes alone do not count: the controller's own finalizer patch would
 * trigger a second reconcile of every new object.)
 */
export const deletionChanged: UpdatePredicate = (o, n) => o.metadata['deletionTimestamp'] !== n.metadata['deletionTimestamp'];

/** The revision of `status.artifact` (a source) changed, or the artifact appeared/vanished. */
export const sourceRevisionChanged: UpdatePredicate = (o, n) => artifactRevision(o) !== artifactRevision(n);

/** `status.artifact.revision` of a source, if any. */
export function artifactRevision(obj: KubeObject): string | undefined {
  const status = obj['status'] as { artifact?: { revision?: unknown } } | undefined;
  const r = status?.artifact?.revision;
  return typeof r === 'string' ? r : undefined;
}

/** True when any of the predicates is. */
export function anyOf(...ps: UpdatePredicate[]): UpdatePredicate {
  return (o, n) => ps.some((p) => p(o, n));
}

/** What Flux reconcilers watch on their own kind: generation, requestedAt, deletion. */
export const defaultPredicates: UpdatePredicate = anyOf(generationChanged, requestedAtChanged, deletionChanged);
