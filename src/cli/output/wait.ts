/**
 * Waiting for Flux objects, with a spinner: the kstatus-style reading of an object's conditions
 * (Stalled → failed, Reconciling → in progress, Ready True/False → ready/failed, stale
 * observedGeneration → in progress) and a polling loop bounded by a timeout.
 */
import type { KubeClient, ObjectRef } from '../../kube/client/index.js';
import type { KubeObject } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import { Spinner } from './spinner.js';
import { sleep } from './context.js';

/** Where an object stands. */
export interface ReadyState {
  state: 'ready' | 'failed' | 'progressing';
  /** The message of the deciding condition (Ready, Stalled or Reconciling). */
  message: string;
  /** Its reason. */
  reason: string;
}

interface Cond {
  type?: unknown;
  status?: unknown;
  reason?: unknown;
  message?: unknown;
}

function conditions(obj: KubeObject): Cond[] {
  const st = (obj as { status?: unknown }).status;
  const cs = isJsonObject(st) ? st['conditions'] : undefined;
  return Array.isArray(cs) ? (cs.filter(isJsonObject) as Cond[]) : [];
}

/** The condition of a type, if set. */
export function conditionOf(obj: KubeObject, type: string): { status: string; reason: string; message: string } | undefined {
  const c = conditions(obj).find((x) => x.type === type);
  if (!c) return undefined;
  return { status: String(c.status ?? ''), reason: String(c.reason ?? ''), message: String(c.message ?? '') };
}

/** `Ready` status and message as flux get prints them (`False`/`waiting to be reconciled` when unset). */
export function readyColumns(obj: KubeObject): { ready: string; message: string } {
  const c = conditionOf(obj, 'Ready');
  return c ? { ready: c.status, message: c.message } : { ready: 'False', message: 'waiting to be reconciled' };
}

/** See the module comment. */
export function readyState(obj: KubeObject): ReadyState {
  const stalled = conditionOf(obj, 'Stalled');
  if (stalled?.status === 'True') return { state: 'failed', message: stalled.message, reason: stalled.reason };
  const rec = conditionOf(obj, 'Reconciling');
  if (rec?.status === 'True') return { state: 'progressing', message: rec.message, reason: rec.reason };
  const gen = obj.metadata.generation;
  const st = (obj as { status?: unknown }).status;
  const observed = isJsonObject(st) ? st['observedGeneration'] : undefined;
  const ready = conditionOf(obj, 'Ready');
  if (typeof gen === 'number' && typeof observed === 'number' && observed < gen) return { state: 'progressing', message: ready?.message ?? 'waiting to be reconciled', reason: ready?.reason ?? '' };
  if (ready?.status === 'True') return { state: 'ready', message: ready.message, reason: ready.reason };
  if (ready?.status === 'False') return { state: 'failed', message: ready.message, reason: ready.reason };
  return { state: 'progressing', message: ready?.message ?? 'waiting to be reconciled', reason: ready?.reason ?? '' };
}

/** Abnormal-true conditions of sources that mean the last attempt failed (source-controller's). */
const attemptFailureConditions = ['FetchFailed', 'BuildFailed', 'StorageOperationFailed'];

/**
 * Like {@link readyState}, but an object whose last attempt failed and that is only retrying counts as
 * failed: a source's FetchFailed/BuildFailed/StorageOperationFailed=True, or Ready=False beside
 * Reconciling=ProgressingWithRetry. (Reconciling=Progressing is an attempt running now: still in
 * progress.) For commands that wait for one reconcile's verdict, as flux's do. `created`: the caller
 * created the object just now, so any failure is of its current spec.
 */
export function attemptState(obj: KubeObject, opts: { created?: boolean } = {}): ReadyState {
  const s = readyState(obj);
  if (s.state !== 'progressing') return s;
  // Conditions left from an attempt at an older spec are not this spec's verdict — unless the caller
  // just created the object (controllers do not record observedGeneration for a failed attempt).
  const st = (obj as { status?: unknown }).status;
  const observed = isJsonObject(st) ? st['observedGeneration'] : undefined;
  if (!opts.created && obj.metadata.generation !== undefined && observed !== obj.metadata.generation) return s;
  for (const type of attemptFailureConditions) {
    const c = conditionOf(obj, type);
    if (c?.status === 'True') return { state: 'failed', reason: c.reason, message: c.message };
  }
  const rec = conditionOf(obj, 'Reconciling');
  const ready = conditionOf(obj, 'Ready');
  if (rec?.status === 'True' && rec.reason === 'ProgressingWithRetry' && ready?.status === 'False') return { state: 'failed', reason: ready.reason, message: ready.message };
  return s;
}

/** Thrown when a wait ends without the object settling. Carries the last status message. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  constructor(
    readonly what: string,
    readonly lastMessage: string,
  ) {
    super(`timeout waiting for ${what}${lastMessage ? `: ${lastMessage}` : ''}`);
  }
}

/** Options of {@link waitForObject}. */
export interface WaitForOptions {
  client: KubeClient;
  ref: ObjectRef;
  /** What the spinner says: `waiting for Kustomization reconciliation`. */
  text: string;
  /** Decides, per read, whether the wait is over (returns the object's final reading) or goes on (undefined). */
  done: (obj: KubeObject) => ReadyState | undefined;
  timeoutMs: number;
  /** Between reads (default 500 ms). */
  intervalMs?: number;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/**
 * Polls the object until `done` decides; throws {@link WaitTimeoutError} (with the last Ready/Reconciling
 * message) at the timeout, and the API error when the object disappears.
 */
export async function waitForObject(opts: WaitForOptions): Promise<{ obj: KubeObject; state: ReadyState }> {
  const spinner = new Spinner(opts.stderr, opts.text, opts.env);
  const deadline = Date.now() + opts.timeoutMs;
  let last = '';
  try {
    for (;;) {
      const obj = await opts.client.get(opts.ref);
      const state = opts.done(obj);
      if (state) return { obj, state };
      last = readyState(obj).message;
      if (last) spinner.update(`${opts.text}: ${last}`);
      if (Date.now() >= deadline) throw new WaitTimeoutError(opts.text.replace(/^waiting for /, ''), last);
      await sleep(Math.min(opts.intervalMs ?? 500, Math.max(0, deadline - Date.now())));
    }
  } finally {
    spinner.stop();
  }
}
