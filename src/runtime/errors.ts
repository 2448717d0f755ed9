/**
 * The three reconcile error kinds, decided where the error is thrown, and the ONE function that maps the
 * outcome of a reconcile (an error or none) to conditions and a requeue decision:
 *
 * | kind      | conditions                                                   | requeue                              | event   |
 * |-----------|--------------------------------------------------------------|--------------------------------------|---------|
 * | none      | Reconciling/Stalled removed, Ready from the summary table    | after the interval (jittered)        | —       |
 * | stalling  | Stalled=True (Reconciling removed), Ready=False              | none: waits for a spec change        | Warning |
 * | waiting   | Reconciling kept (reason ProgressingWithRetry), Ready=False  | after `requeueAfterMs`, no backoff   | Normal  |
 * | transient | Reconciling kept (reason ProgressingWithRetry), Ready=False  | exponential backoff 750 ms → 15 min  | Warning |
 *
 * Any other thrown value is transient (reason `ReconciliationFailed`). `observedGeneration` advances
 * only on success or stalling: the generation has then been fully handled. Semantics follow Flux's
 * source-controller internal/error and fluxcd/pkg runtime/reconcile.
 */
import type { KubeObject } from '../kube/object.js';
import {
  ConditionType,
  Reason,
  getCondition,
  markReconciling,
  markStalled,
  removeCondition,
  setCondition,
  summarize,
  type SetOptions,
  type SummaryTable,
} from './conditions.js';

export interface ReconcileErrorOptions {
  /** Condition/event reason (a constant, e.g. `GitOperationFailed`). */
  reason: string;
  cause?: unknown;
  /** Emit an event for it (default true). */
  event?: boolean;
}

/** Base of the three kinds. `message` is shown in conditions and events: keep secrets out of it. */
export abstract class ReconcileError extends Error {
  abstract readonly kind: 'stalling' | 'waiting' | 'transient';
  readonly reason: string;
  readonly event: boolean;
  constructor(message: string, opts: ReconcileErrorOptions) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.reason = opts.reason;
    this.event = opts.event ?? true;
  }
}

/** Cannot succeed until the spec changes (invalid URL, bad reference): Stalled, no retry. */
export class StallingError extends ReconcileError {
  override readonly name = 'StallingError';
  readonly kind = 'stalling' as const;
}

/** Waiting on something outside (a dependency, a source): retry after a fixed delay without backoff. */
export class WaitingError extends ReconcileError {
  override readonly name = 'WaitingError';
  readonly kind = 'waiting' as const;
  readonly requeueAfterMs: number;
  constructor(message: string, opts: ReconcileErrorOptions & { requeueAfterMs: number }) {
    super(message, opts);
    this.requeueAfterMs = opts.requeueAfterMs;
  }
}

/** Might work next time (network, API conflicts, 5xx): retry with exponential backoff. */
export class TransientError extends ReconcileError {
  override readonly name = 'TransientError';
  readonly kind = 'transient' as const;
}

/** What the queue does after a reconcile. */
export type Requeue =
  | { kind: 'none' }
  | { kind: 'after'; delayMs: number }
  | { kind: 'backoff' };

/** The full decision for one reconcile outcome. */
export interface Outcome {
  kind: 'success' | 'stalling' | 'waiting' | 'transient';
  requeue: Requeue;
  /** Ready's reason/message on failure; undefined on success. */
  reason?: string;
  message?: string;
  /** An event to emit, if any. */
  event?: { type: 'Normal' | 'Warning'; reason: string; message: string };
  /** Whether `status.observedGeneration` advances. */
  observeGeneration: boolean;
}

/** Inputs of {@link outcomeOf} besides the error. */
export interface OutcomeOptions {
  /** Requeue delay after success (the object's interval); `undefined` or 0 = no requeue. */
  successRequeueMs?: number;
}

/** Classifies a reconcile result. `err` undefined means success. */
export function outcomeOf(err: unknown, opts: OutcomeOptions = {}): Outcome {
  if (err === undefined) {
    const ms = opts.successRequeueMs ?? 0;
    return { kind: 'success', requeue: ms > 0 ? { kind: 'after', delayMs: ms } : { kind: 'none' }, observeGeneration: true };
  }
  const e: ReconcileError = err instanceof ReconcileError ? err : new TransientError(messageOf(err), { reason: Reason.ReconciliationFailed, cause: err });
  const event = e.event ? { type: e.kind === 'waiting' ? ('Normal' as const) : ('Warning' as const), reason: e.reason, message: e.message } : undefined;
  const base = { reason: e.reason, message: e.message, ...(event ? { event } : {}) };
  if (e instanceof StallingError) return { kind: 'stalling', requeue: { kind: 'none' }, observeGeneration: true, ...base };
  if (e instanceof WaitingError) return { kind: 'waiting', requeue: { kind: 'after', delayMs: e.requeueAfterMs }, observeGeneration: false, ...base };
  return { kind: 'transient', requeue: { kind: 'backoff' }, observeGeneration: false, ...base };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What Ready says when all is well. */
export interface SuccessSummary {
  reason: string;
  message: string;
}

/**
 * Writes the conditions for an outcome onto `obj` (in memory; the patcher persists them):
 * Stalled/Reconciling per the table in the module comment, then Ready from `table`, with the failure's
 * reason/message when the table has nothing more specific, and `status.observedGeneration`.
 */
export function applyOutcome(obj: KubeObject, outcome: Outcome, opts: { table: SummaryTable; success: SuccessSummary } & SetOptions): void {
  const setOpts: SetOptions = opts.now ? { now: opts.now } : {};
  if (outcome.kind === 'success') {
    removeCondition(obj, ConditionType.Reconciling);
    removeCondition(obj, ConditionType.Stalled);
    const s = summarize(obj, opts.table);
    setCondition(obj, s ?? { type: ConditionType.Ready, status: 'True', reason: opts.success.reason, message: opts.success.message }, setOpts);
  } else {
    if (outcome.kind === 'stalling') {
      markStalled(obj, outcome.reason ?? Reason.Failed, outcome.message ?? '', setOpts);
    } else {
      removeCondition(obj, ConditionType.Stalled);
      const rec = getCondition(obj, ConditionType.Reconciling);
      // As Flux: an in-progress reconcile that failed and will be retried says so; none is invented.
      if (rec) markReconciling(obj, Reason.ProgressingWithRetry, rec.message, setOpts);
    }
    // A step's own failure condition from the table wins; otherwise Ready carries the error itself.
    const s = summarize(obj, opts.table, { ignoreProgress: true });
    const failure = { type: ConditionType.Ready, status: 'False' as const, reason: outcome.reason ?? Reason.Failed, message: outcome.message ?? '' };
    setCondition(obj, outcome.kind !== 'stalling' && s ? { ...s, status: 'False' } : failure, setOpts);
  }
  if (outcome.observeGeneration && obj.metadata.generation !== undefined) {
    const status = obj['status'] as Record<string, unknown>;
    status['observedGeneration'] = obj.metadata.generation;
  }
}
