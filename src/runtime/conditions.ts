/**
 * kstatus-compliant conditions, the only way Lockstep writes `status.conditions`.
 *
 * Rules (as Flux's fluxcd/pkg runtime/conditions and kstatus):
 * - `Reconciling` and `Stalled` are abnormal-true: present only while True, and exclusive (marking one
 *   removes the other).
 * - `lastTransitionTime` changes only when `status` changes; reason/message updates keep it.
 * - Messages are trimmed and capped at {@link MAX_MESSAGE_LENGTH} characters.
 * - `observedGeneration` on each condition is the object's `metadata.generation` when set.
 */
import type { KubeObject } from '../kube/object.js';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** One entry of `status.conditions` (metav1.Condition). */
export interface Condition {
  type: string;
  status: ConditionStatus;
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** Condition types shared by every Flux kind. */
export const ConditionType = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  Healthy: 'Healthy',
} as const;

/** Generic reasons (fluxcd/pkg apis/meta), shared by conditions and events. */
export const Reason = {
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Progressing: 'Progressing',
  ProgressingWithRetry: 'ProgressingWithRetry',
  Suspended: 'Suspended',
  DependencyNotReady: 'DependencyNotReady',
  ReconciliationSucceeded: 'ReconciliationSucceeded',
  ReconciliationFailed: 'ReconciliationFailed',
  InvalidPath: 'InvalidPath',
  InvalidURL: 'InvalidURL',
  ArtifactFailed: 'ArtifactFailed',
  BuildFailed: 'BuildFailed',
  HealthCheckFailed: 'HealthCheckFailed',
  PruneFailed: 'PruneFailed',
} as const;

/** Longest condition message kept (Kubernetes allows 32768). */
export const MAX_MESSAGE_LENGTH = 32_768;

/** Trims whitespace and caps the length, marking a cut with an ellipsis. */
export function trimMessage(message: string): string {
  const m = message.trim();
  return m.length <= MAX_MESSAGE_LENGTH ? m : m.slice(0, MAX_MESSAGE_LENGTH - 3) + '...';
}

/** Options for the setters. */
export interface SetOptions {
  /** The clock (default `new Date()`); `lastTransitionTime` is written at second precision like Kubernetes. */
  now?: () => Date;
}

function statusOf(obj: KubeObject): Record<string, unknown> {
  const s = obj['status'];
  if (typeof s === 'object' && s !== null && !Array.isArray(s)) return s as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  obj['status'] = created;
  return created;
}

/** The conditions of an object (a live array: mutate only through this module). */
export function getConditions(obj: KubeObject): Condition[] {
  const s = obj['status'];
  if (typeof s !== 'object' || s === null) return [];
  const c = (s as Record<string, unknown>)['conditions'];
  return Array.isArray(c) ? (c as Condition[]) : [];
}

/** The condition of a type, if present. */
export function getCondition(obj: KubeObject, type: string): Condition | undefined {
  return getConditions(obj).find((c) => c.type === type);
}

export const isTrue = (obj: KubeObject, type: string): boolean => getCondition(obj, type)?.status === 'True';
export const isFalse = (obj: KubeObject, type: string): boolean => getCondition(obj, type)?.status === 'False';
export const isUnknown = (obj: KubeObject, type: string): boolean => {
  const c = getCondition(obj, type);
  return !c || c.status === 'Unknown';
};
/** True when Ready is True and observed for the current generation. */
export function isReady(obj: KubeObject): boolean {
  const c = getCondition(obj, ConditionType.Ready);
  return c?.status === 'True' && (c.observedGeneration === undefined || obj.metadata.generation === undefined || c.observedGeneration === obj.metadata.generation);
}

function timestamp(now: () => Date): string {
  return now().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** What a setter is given. */
export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/**
 * Sets a condition. Keeps `lastTransitionTime` unless the status changes; returns true when anything
 * in the stored condition changed. Conditions stay sorted: Ready first, then Reconciling, Stalled, then
 * the rest alphabetically (stable output for diffs and `kubectl get -o yaml`).
 */
export function setCondition(obj: KubeObject, input: ConditionInput, opts: SetOptions = {}): boolean {
  const now = opts.now ?? (() => new Date());
  const status = statusOf(obj);
  const list = getConditions(obj).slice();
  const gen = obj.metadata.generation;
  const next: Condition = {
    type: input.type,
    status: input.status,
    ...(gen !== undefined ? { observedGeneration: gen } : {}),
    lastTransitionTime: timestamp(now),
    reason: input.reason,
    message: trimMessage(input.message),
  };
  const i = list.findIndex((c) => c.type === input.type);
  const prev = i >= 0 ? list[i] : undefined;
  if (prev) {
    if (prev.status === next.status) next.lastTransitionTime = prev.lastTransitionTime;
    if (
      prev.status === next.status &&
      prev.reason === next.reason &&
      prev.message === next.message &&
      prev.observedGeneration === next.observedGeneration
    ) {
      return false;
    }
    list[i] = next;
  } else {
    list.push(next);
  }
  status['conditions'] = sortConditions(list);
  return true;
}

const order: Record<string, number> = { Ready: 0, Reconciling: 1, Stalled: 2 };
function sortConditions(list: Condition[]): Condition[] {
  return list.sort((a, b) => (order[a.type] ?? 3) - (order[b.type] ?? 3) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

/** Removes a condition; returns true when one was there. */
export function removeCondition(obj: KubeObject, type: string): boolean {
  const list = getConditions(obj);
  if (!list.some((c) => c.type === type)) return false;
  statusOf(obj)['conditions'] = list.filter((c) => c.type !== type);
  return true;
}

/** What the `mark*` helpers take: a condition without its status. */
export type MarkInput = Omit<ConditionInput, 'status'>;

export function markTrue(obj: KubeObject, c: MarkInput, opts?: SetOptions): boolean {
  return setCondition(obj, { ...c, status: 'True' }, opts);
}
export function markFalse(obj: KubeObject, c: MarkInput, opts?: SetOptions): boolean {
  return setCondition(obj, { ...c, status: 'False' }, opts);
}
export function markUnknown(obj: KubeObject, c: MarkInput, opts?: SetOptions): boolean {
  return setCondition(obj, { ...c, status: 'Unknown' }, opts);
}

/** Reconciling=True (removes Stalled: the two are exclusive). */
export function markReconciling(obj: KubeObject, reason: string, message: string, opts?: SetOptions): void {
  removeCondition(obj, ConditionType.Stalled);
  markTrue(obj, { type: ConditionType.Reconciling, reason, message }, opts);
}

/** Stalled=True (removes Reconciling: the two are exclusive). */
export function markStalled(obj: KubeObject, reason: string, message: string, opts?: SetOptions): void {
  removeCondition(obj, ConditionType.Reconciling);
  markTrue(obj, { type: ConditionType.Stalled, reason, message }, opts);
}

/** How {@link summarizeReady} derives Ready from the other conditions. */
export interface SummaryTable {
  /**
   * Types that mean a failure when True (e.g. `FetchFailed`, `StorageOperationFailed`), in priority order:
   * the first True one gives Ready=False its reason and message.
   */
  negativePolarity: readonly string[];
  /**
   * Types that mean health when True (e.g. `ArtifactInStorage`), in priority order: the first one that is
   * False or Unknown makes Ready False/Unknown with its reason and message.
   */
  positivePolarity?: readonly string[];
}

/**
 * The summary Ready would get; `undefined` when no condition has anything to say (then Ready is True).
 * With `ignoreProgress`, Stalled and Reconciling are not consulted (only the table's conditions).
 */
export function summarize(obj: KubeObject, table: SummaryTable, opts: { ignoreProgress?: boolean } = {}): ConditionInput | undefined {
  const pick = (c: Condition, status: ConditionStatus): ConditionInput => ({ type: ConditionType.Ready, status, reason: c.reason, message: c.message });
  const stalled = getCondition(obj, ConditionType.Stalled);
  if (stalled?.status === 'True' && !opts.ignoreProgress) return pick(stalled, 'False');
  for (const t of table.negativePolarity) {
    const c = getCondition(obj, t);
    if (c?.status === 'True') return pick(c, 'False');
  }
  for (const t of table.positivePolarity ?? []) {
    const c = getCondition(obj, t);
    if (c && c.status !== 'True') return pick(c, c.status === 'False' ? 'False' : 'Unknown');
  }
  const rec = getCondition(obj, ConditionType.Reconciling);
  if (rec?.status === 'True' && !opts.ignoreProgress) return pick(rec, 'Unknown');
  return undefined;
}

/**
 * Sets Ready from the table: False/Unknown with the reason of the first problem found (Stalled, then
 * negative-polarity, positive-polarity, Reconciling), else True with `success`.
 */
export function summarizeReady(obj: KubeObject, table: SummaryTable, success: { reason: string; message: string }, opts?: SetOptions): void {
  const s = summarize(obj, table);
  setCondition(obj, s ?? { type: ConditionType.Ready, status: 'True', reason: success.reason, message: success.message }, opts);
}
