/**
 * The reconcile shell, written once for every controller (CONVENTIONS 1–3):
 *
 *   get → status patcher → deletion/finalizer → suspend → ordered steps → summarize + patch status, always
 *
 * - A missing object ends the reconcile (its metrics are dropped).
 * - Deleting: `finalize` runs, then the finalizer is removed; a throw keeps the finalizer and retries.
 * - The finalizer is added before any step runs.
 * - `spec.suspend: true` stops here, leaving status as it is.
 * - `reconcile.fluxcd.io/requestedAt` is echoed into `status.lastHandledReconcileAt`.
 * - A new generation marks Reconciling (`Progressing`) and Ready Unknown, patched at once so users see it.
 * - Steps run in order; the first throw stops them. Steps set and clear their own failure conditions
 *   (listed in the summary table) and may call `ctx.progress(message)` to publish progress.
 * - Whatever happened, {@link outcomeOf} + {@link applyOutcome} decide conditions and requeue, status is
 *   patched, an event is emitted for errors, metrics and a log line are recorded.
 */
import { setMaxListeners } from 'node:events';
import type { KubeObject } from '../kube/object.js';
import type { KubeClient, TypeRef } from '../kube/client/index.js';
import { ConditionType, Reason, getCondition, markReconciling, markUnknown, type SummaryTable } from './conditions.js';
import { applyOutcome, outcomeOf, type Outcome, type Requeue } from './errors.js';
import { parseKey } from './cache.js';
import { addFinalizer, hasFinalizer, isDeleting, removeFinalizer } from './finalizers.js';
import { errorField, silentLogger, type Logger } from './logger.js';
import type { ControllerMetrics } from './metrics.js';
import { cloneJson } from './mergepatch.js';
import { StatusPatcher } from './patcher.js';
import { REQUESTED_AT_ANNOTATION } from './predicates.js';
import type { EventInput, EventRecorder } from './events.js';

/** What a step sees. */
export interface ReconcileContext<T extends KubeObject = KubeObject> {
  /** The working copy; change `status` through the conditions module and plain assignments. */
  obj: T;
  client: KubeClient;
  /** A logger with controller/kind/namespace/name fields. */
  log: Logger;
  /** Aborted when the manager stops. */
  signal: AbortSignal;
  /** Marks Reconciling=True (reason Progressing) with `message` and patches status now. */
  progress(message: string): Promise<void>;
  /** Patches status now (the shell patches at the end anyway). */
  patchStatus(): Promise<void>;
  /** Emits an event (Kubernetes Event + notification); never throws. */
  event(e: EventInput): Promise<void>;
  /** Scratch space shared by the steps of one reconcile. */
  state: Record<string, unknown>;
}

/** One named step; throws a {@link StallingError}, {@link WaitingError} or anything (transient). */
export interface ReconcileStep<T extends KubeObject = KubeObject> {
  name: string;
  run(ctx: ReconcileContext<T>): Promise<void>;
}

/** A reconciler: the kind, its steps and the tables the shell needs. */
export interface ReconcilerDefinition<T extends KubeObject = KubeObject> {
  type: TypeRef;
  /** Field manager, event `reportingController` and log field (e.g. `source-controller`). */
  controllerName: string;
  /** Added before the steps, removed after `finalize` (Flux: `finalizers.fluxcd.io`). None when unset. */
  finalizer?: string;
  /** Condition types the steps own (they win status patch conflicts). */
  ownedConditions?: readonly string[];
  /** How Ready is derived from the steps' conditions. */
  summary: SummaryTable;
  /** Ready's reason and message on success (default reason `Succeeded`). */
  readyMessage(obj: T): { reason?: string; message: string };
  steps: ReadonlyArray<ReconcileStep<T>>;
  /** Cleanup before the finalizer goes. */
  finalize?(ctx: ReconcileContext<T>): Promise<void>;
  /** Requeue delay after success (`spec.interval`), in ms; jittered by the queue. */
  interval(obj: T): number | undefined;
  /** The revision for logs and metrics (e.g. `status.artifact.revision`). */
  revision?(obj: T): string | undefined;
  /**
   * Coalesces progress: `ctx.progress` (and the new-generation Reconciling marker) is patched this long
   * after it is set unless an earlier patch carries it, so a reconcile that ends sooner writes its status
   * once, and a slow step still shows its message after this delay. 0 or unset: patched at once.
   */
  progressPatchDelayMs?: number;
}

/** What the shell needs from its surroundings. */
export interface ShellDeps {
  client: KubeClient;
  events?: EventRecorder;
  log?: Logger;
  metrics?: ControllerMetrics;
  signal?: AbortSignal;
  now?: () => Date;
  /**
   * Reads the object from an informer cache instead of the API server (as controller-runtime does). A
   * cache miss falls back to a live GET. A stale copy is harmless: the status patcher and finalizer
   * helpers re-read on Conflict.
   */
  cached?: (key: string) => KubeObject | undefined;
}

/** The result of one reconcile, for the queue and tests. */
export interface ShellResult {
  requeue: Requeue;
  /** Outcome kind, or `absent`/`suspended`/`deleted` when no steps ran. */
  kind: Outcome['kind'] | 'absent' | 'suspended' | 'deleted';
  error?: unknown;
}

/** Whether `spec.suspend` is true. */
export function isSuspended(obj: KubeObject): boolean {
  const spec = obj['spec'] as { suspend?: unknown } | undefined;
  return spec?.suspend === true;
}

/**
 * Reconciles the object at `key` (`namespace/name`). Errors of the steps become the outcome (never a
 * rejection); only a failure to read the object rejects (the queue then retries with backoff).
 */
export async function reconcileKey<T extends KubeObject>(def: ReconcilerDefinition<T>, deps: ShellDeps, key: string): Promise<ShellResult> {
  const started = Date.now();
  const ref = { ...def.type, ...parseKey(key) };
  const baseLog = (deps.log ?? silentLogger()).child({ controller: def.controllerName, kind: def.type.kind, namespace: ref.namespace ?? '', name: ref.name });
  const hit = deps.cached?.(key);
  const fetched = hit ? cloneJson(hit) : await deps.client.tryGet(ref);
  if (!fetched) {
    deps.metrics?.forgetObject({ ...def.type, metadata: { namespace: ref.namespace, name: ref.name } });
    return { requeue: { kind: 'none' }, kind: 'absent' };
  }
  const obj = fetched as T;
  const patcher = new StatusPatcher(deps.client, obj, { fieldManager: def.controllerName, ownedConditions: def.ownedConditions ?? [] });
  const setOpts = deps.now ? { now: deps.now } : {};
  const soon = new DeferredPatch(() => patcher.patch(obj), { delayMs: def.progressPatchDelayMs ?? 0, log: baseLog });
  const signal = deps.signal ?? new AbortController().signal;
  // every reconcile in flight listens on the controller's one stop signal (health waits, sleeps): not a leak
  setMaxListeners(0, signal);
  const ctx: ReconcileContext<T> = {
    obj,
    client: deps.client,
    log: baseLog,
    signal,
    state: {},
    progress: async (message) => {
      markReconciling(obj, Reason.Progressing, message, setOpts);
      await soon.request();
    },
    patchStatus: () => soon.now(),
    event: async (e) => {
      await deps.events?.record(obj, e);
    },
  };
  const fieldManager = def.controllerName;

  if (isDeleting(obj)) {
    const r = await finalizeObject(def, ctx, { patcher, metrics: deps.metrics, setOpts });
    soon.cancel();
    return r;
  }

  let err: unknown;
  try {
    if (def.finalizer && !hasFinalizer(obj, def.finalizer)) await addFinalizer(deps.client, obj, { finalizer: def.finalizer, fieldManager });
    if (isSuspended(obj)) {
      baseLog.info('reconciliation is suspended for this object');
      deps.metrics?.recordObject(obj, { suspended: true, ...revisionOf(def, obj) });
      return { requeue: { kind: 'none' }, kind: 'suspended' };
    }
    const requested = obj.metadata.annotations?.[REQUESTED_AT_ANNOTATION];
    if (requested !== undefined) (statusRecord(obj))['lastHandledReconcileAt'] = requested;
    if (markNewGeneration(obj, setOpts)) await soon.request();
    for (const step of def.steps) {
      if (ctx.signal.aborted) throw new Error('reconcile cancelled: the controller is stopping');
      await step.run(ctx);
    }
  } catch (e) {
    err = e;
  }
  soon.cancel();
  return finish(def, ctx, { patcher, deps, err, started, setOpts });
}

/**
 * A status patch that waits `delayMs` so later changes ride along (see `progressPatchDelayMs`): `request`
 * arms the timer once (or patches at once when the delay is 0); `now` patches at once; `cancel` drops a
 * pending one (the shell's final patch carries everything). A failed deferred patch is only logged.
 */
class DeferredPatch {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly patch: () => Promise<void>, private readonly opts: { delayMs: number; log: Logger }) {}

  request(): Promise<void> {
    if (this.opts.delayMs <= 0) return this.patch();
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.patch().catch((err: unknown) => this.opts.log.debug({ error: errorField(err) }, 'progress status patch failed'));
    }, this.opts.delayMs);
    return Promise.resolve();
  }

  now(): Promise<void> {
    this.cancel();
    return this.patch();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Marks Reconciling (and Ready Unknown unless it is False) when the generation is not observed yet. */
function markNewGeneration(obj: KubeObject, setOpts: { now?: () => Date }): boolean {
  const observed = statusRecord(obj)['observedGeneration'];
  if (obj.metadata.generation === undefined || observed === obj.metadata.generation) return false;
  const from = typeof observed === 'number' ? observed : 0; // Flux prints 0 for a new object
  markReconciling(obj, Reason.Progressing, `processing object: new generation ${from} -> ${obj.metadata.generation}`, setOpts);
  if (getCondition(obj, ConditionType.Ready)?.status !== 'False') markUnknown(obj, { type: ConditionType.Ready, reason: Reason.Progressing, message: 'reconciliation in progress' }, setOpts);
  return true;
}

function statusRecord(obj: KubeObject): Record<string, unknown> {
  const s = obj['status'];
  if (typeof s === 'object' && s !== null && !Array.isArray(s)) return s as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  obj['status'] = created;
  return created;
}

function revisionOf<T extends KubeObject>(def: ReconcilerDefinition<T>, obj: T): { revision?: string } {
  const r = def.revision?.(obj);
  return r !== undefined ? { revision: r } : {};
}

async function finish<T extends KubeObject>(
  def: ReconcilerDefinition<T>,
  ctx: ReconcileContext<T>,
  a: { patcher: StatusPatcher; deps: ShellDeps; err: unknown; started: number; setOpts: { now?: () => Date } },
): Promise<ShellResult> {
  const { obj } = ctx;
  let outcome = outcomeOf(a.err, { successRequeueMs: def.interval(obj) ?? 0 });
  const ready = def.readyMessage(obj);
  applyOutcome(obj, outcome, { table: def.summary, success: { reason: ready.reason ?? Reason.Succeeded, message: ready.message }, ...a.setOpts });
  try {
    await a.patcher.patch(obj);
  } catch (perr) {
    ctx.log.error({ error: errorField(perr) }, 'status patch failed');
    if (outcome.kind === 'success' || outcome.kind === 'stalling') outcome = { ...outcome, kind: 'transient', requeue: { kind: 'backoff' } };
  }
  if (outcome.event) await ctx.event({ type: outcome.event.type, reason: outcome.event.reason, message: outcome.event.message, ...eventMetadata(def, obj) });
  const seconds = (Date.now() - a.started) / 1000;
  const labels = { kind: obj.kind, name: obj.metadata.name ?? '', namespace: obj.metadata.namespace ?? '' };
  a.deps.metrics?.reconcileDuration.observe(labels, seconds);
  a.deps.metrics?.recordObject(obj, { suspended: false, ...revisionOf(def, obj) });
  a.deps.metrics?.reconcileTotal.inc({ controller: def.controllerName, result: outcome.kind === 'success' ? 'success' : outcome.kind === 'waiting' ? 'requeue_after' : 'error' });
  const fields = { ...revisionOf(def, obj), durationMs: Math.round(seconds * 1000), outcome: outcome.kind, ...(a.err !== undefined ? { error: errorField(a.err) } : {}) };
  if (outcome.kind === 'success') ctx.log.info(fields, 'reconciliation finished');
  else if (outcome.kind === 'waiting') ctx.log.info(fields, 'reconciliation waiting');
  else ctx.log.error(fields, 'reconciliation failed');
  return { requeue: outcome.requeue, kind: outcome.kind, ...(a.err !== undefined ? { error: a.err } : {}) };
}

function eventMetadata<T extends KubeObject>(def: ReconcilerDefinition<T>, obj: T): { metadata?: Record<string, string> } {
  const r = def.revision?.(obj);
  return r ? { metadata: { revision: r } } : {};
}

async function finalizeObject<T extends KubeObject>(
  def: ReconcilerDefinition<T>,
  ctx: ReconcileContext<T>,
  a: { patcher: StatusPatcher; metrics: ControllerMetrics | undefined; setOpts: { now?: () => Date } },
): Promise<ShellResult> {
  const { obj } = ctx;
  if (!def.finalizer || !hasFinalizer(obj, def.finalizer)) return { requeue: { kind: 'none' }, kind: 'deleted' };
  try {
    await def.finalize?.(ctx);
    await removeFinalizer(ctx.client, obj, { finalizer: def.finalizer, fieldManager: def.controllerName });
    a.metrics?.forgetObject(obj);
    ctx.log.info('finalized and released the object');
    return { requeue: { kind: 'none' }, kind: 'deleted' };
  } catch (err) {
    const outcome = outcomeOf(err);
    applyOutcome(obj, outcome, { table: def.summary, success: { reason: Reason.Succeeded, message: '' }, ...a.setOpts });
    await a.patcher.patch(obj).catch(() => undefined);
    ctx.log.error({ error: errorField(err) }, 'finalization failed');
    return { requeue: outcome.requeue.kind === 'none' ? { kind: 'backoff' } : outcome.requeue, kind: outcome.kind, error: err };
  }
}
