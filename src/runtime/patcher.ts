/**
 * The serial status patcher: the one way a reconciler writes `.status`.
 *
 * It remembers the status as read, and on `patch(obj)` sends only what the reconciler changed since, as a
 * JSON merge patch on the status subresource, guarded by `metadata.resourceVersion`, with a fixed field
 * manager. On 409 Conflict it re-reads the object and rebuilds the status: fields the reconciler changed
 * are laid over the fresh status; for conditions the reconciler changed, "owned conditions win" (ours
 * replace theirs), while a non-owned condition someone else changed meanwhile keeps their value.
 * Patches through one patcher never overlap (they run one after another).
 */
import type { JsonObject, KubeObject } from '../kube/object.js';
import { isConflict, refOf, type KubeClient } from '../kube/client/index.js';
import type { Condition } from './conditions.js';
import { asObject, cloneJson, createMergePatch } from './mergepatch.js';
import { jsonEqual } from '../kube/object.js';

export interface StatusPatcherOptions {
  /** Field manager of the controller (e.g. `source-controller`). */
  fieldManager: string;
  /** Condition types this controller owns (they win conflicts). Ready/Reconciling/Stalled are always owned. */
  ownedConditions?: readonly string[];
  /** Attempts after a conflict (default 5). */
  maxRetries?: number;
}

/** Thrown when conflicts persist after all retries; carries the object's reference. */
export class StatusPatchError extends Error {
  override readonly name = 'StatusPatchError';
  constructor(message: string, readonly object: string, opts?: { cause?: unknown }) {
    super(message, opts);
  }
}

/** See the module comment. */
export class StatusPatcher {
  private before: JsonObject;
  private chain: Promise<void> = Promise.resolve();
  private readonly owned: Set<string>;
  /** Number of patches sent (for tests and metrics). */
  patches = 0;
  /** Number of conflicts retried. */
  conflicts = 0;

  constructor(private readonly client: KubeClient, obj: KubeObject, private readonly opts: StatusPatcherOptions) {
    this.before = cloneJson(asObject(obj['status']));
    this.owned = new Set(['Ready', 'Reconciling', 'Stalled', ...(opts.ownedConditions ?? [])]);
  }

  /**
   * Persists the changes made to `obj.status` since the last patch (or construction). Updates
   * `obj.metadata.resourceVersion` and `obj.status` with the server's answer. No request when unchanged.
   */
  patch(obj: KubeObject): Promise<void> {
    const next = this.chain.then(() => this.doPatch(obj));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /**
   * Records `written` as the status on the server and puts it into `obj`. Changes the reconciler made to
   * `obj.status` while the patch was in flight (a deferred patch runs beside the steps) are kept, laid
   * over `written` as a conflict is, and go out with the next patch.
   */
  private settle(obj: KubeObject, sent: JsonObject, written: JsonObject): void {
    const current = asObject(obj['status']);
    this.before = cloneJson(written);
    obj['status'] = jsonEqual(current, sent) ? cloneJson(written) : mergeStatus({ before: sent, after: current, latest: written, owned: this.owned });
  }

  private async doPatch(obj: KubeObject): Promise<void> {
    const after = cloneJson(asObject(obj['status']));
    let latestStatus = this.before;
    let rv = obj.metadata.resourceVersion;
    const max = this.opts.maxRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      const desired = mergeStatus({ before: this.before, after, latest: latestStatus, owned: this.owned });
      const statusPatch = createMergePatch(latestStatus, desired);
      if (!statusPatch) {
        this.settle(obj, after, desired);
        return;
      }
      try {
        const body: JsonObject = { status: statusPatch };
        if (rv) body['metadata'] = { resourceVersion: rv };
        this.patches++;
        const res = await this.client.patch(refOf(obj), body, { type: 'merge', subresource: 'status', fieldManager: this.opts.fieldManager });
        this.settle(obj, after, asObject(res['status'] ?? desired));
        if (res.metadata?.resourceVersion) obj.metadata.resourceVersion = res.metadata.resourceVersion;
        return;
      } catch (err) {
        if (!isConflict(err) || attempt >= max) {
          if (isConflict(err)) throw new StatusPatchError(`status patch still conflicting after ${max} retries`, `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`, { cause: err });
          throw err;
        }
        this.conflicts++;
        const fresh = await this.client.get(refOf(obj));
        latestStatus = asObject(fresh['status']);
        rv = fresh.metadata.resourceVersion;
        obj.metadata.resourceVersion = rv;
      }
    }
  }
}

/**
 * The status to write: `latest` with every top-level field changed between `before` and `after` taken
 * from `after`, and conditions merged per type (see the module comment).
 */
export function mergeStatus(args: { before: JsonObject; after: JsonObject; latest: JsonObject; owned: ReadonlySet<string> }): JsonObject {
  const { before, after, latest, owned } = args;
  const out: JsonObject = cloneJson(latest);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const k of keys) {
    if (k === 'conditions') continue;
    if (jsonEqual(before[k], after[k])) continue;
    const v = after[k];
    if (v === undefined) delete out[k];
    else out[k] = cloneJson(v);
  }
  const conds = mergeConditions({
    before: conditionsOf(before),
    after: conditionsOf(after),
    latest: conditionsOf(latest),
    owned,
  });
  if (conds.length > 0 || latest['conditions'] !== undefined) out['conditions'] = conds as unknown as JsonObject[];
  return out;
}

function conditionsOf(s: JsonObject): Condition[] {
  const c = s['conditions'];
  return Array.isArray(c) ? (c as unknown as Condition[]) : [];
}

function mergeConditions(args: { before: Condition[]; after: Condition[]; latest: Condition[]; owned: ReadonlySet<string> }): Condition[] {
  const find = (list: Condition[], t: string): Condition | undefined => list.find((c) => c.type === t);
  const result = args.latest.map((c) => ({ ...c }));
  const types = new Set([...args.before.map((c) => c.type), ...args.after.map((c) => c.type)]);
  for (const t of types) {
    const b = find(args.before, t);
    const a = find(args.after, t);
    if (jsonEqual(b, a)) continue;
    const l = find(args.latest, t);
    const theyChanged = !jsonEqual(b, l);
    if (theyChanged && !args.owned.has(t)) continue;
    const i = result.findIndex((c) => c.type === t);
    if (a === undefined) {
      if (i >= 0) result.splice(i, 1);
    } else if (i >= 0) {
      result[i] = { ...a };
    } else {
      result.push({ ...a });
    }
  }
  // Keep the order the reconciler chose for the conditions it wrote.
  const rank = new Map(args.after.map((c, i) => [c.type, i]));
  return result.sort((x, y) => (rank.get(x.type) ?? 1e9) - (rank.get(y.type) ?? 1e9));
}
