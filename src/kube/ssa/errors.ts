/**
 * Typed errors of the resource manager. Messages name the object as Flux does
 * (`Deployment/ns/name dry-run failed: <API message>`) and never contain Secret values.
 */
import { KubeApiError, type ApiReason } from '../client/index.js';
import type { ChangeSet } from './changeset.js';
import type { ObjectHealth, VersionedRef } from './types.js';

/** The step an object failed in. */
export type ApplyPhase = 'dry-run' | 'apply' | 'recreate' | 'delete' | 'wait' | 'invalid';

/** One object's failure. */
export interface ObjectFailure {
  ref: VersionedRef | undefined;
  subject: string;
  phase: ApplyPhase;
  /** The API server's own message (without method and URL); Secret values masked. */
  message: string;
  /** The API reason when the failure came from the server. */
  reason: ApiReason | undefined;
  /** The original error (may hold unmasked text: do not print it). */
  cause: unknown;
}

/** The text of a failure: `<subject> <phase> failed: <message>`. */
export function formatFailure(f: ObjectFailure): string {
  return f.phase === 'invalid' ? `${f.subject}: ${f.message}` : `${f.subject} ${f.phase} failed: ${f.message}`;
}

/** The server's message of an API error (no method/URL), or the error's message. */
export function apiMessage(err: unknown): string {
  if (err instanceof KubeApiError) {
    const m = err.status?.['message'];
    if (typeof m === 'string' && m) return m;
    const prefix = `${err.method} ${err.path}: `;
    return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * Apply (or prune) failed for one or more objects; the message has one `formatFailure` line per object.
 * When the dry-run of a stage fails, NOTHING of that stage or later stages was written; `changeSet` holds
 * what was done before the failure (earlier stages, or the objects of the failing stage already written
 * when a real apply failed), so the caller can keep those in its inventory.
 */
export class ApplyError extends Error {
  override readonly name = 'ApplyError';
  constructor(
    readonly failures: ObjectFailure[],
    /** What was written (or deleted) before the failure. */
    readonly changeSet: ChangeSet,
  ) {
    super(failures.map(formatFailure).join('\n'));
  }
}

/** Why a wait ended without every object Current. */
export type HealthFailureReason = 'Failed' | 'Timeout' | 'Aborted';

/**
 * Health check failure. Timeout message as Flux's: `timeout waiting for: [Deployment/ns/name status:
 * 'InProgress': <message>, …]`; fail-fast: `failed early due to stalled resources: [...]`.
 */
export class HealthCheckError extends Error {
  override readonly name = 'HealthCheckError';
  constructor(
    readonly reason: HealthFailureReason,
    /** Every object's last status; the unhealthy ones are listed in the message. */
    readonly objects: ObjectHealth[],
    message: string,
  ) {
    super(message);
  }

  /** The objects that were not Current at the end. */
  get unhealthy(): ObjectHealth[] {
    return this.objects.filter((o) => o.status !== 'Current');
  }
}
