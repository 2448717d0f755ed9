/**
 * The SSA resource manager (behaviour of fluxcd/pkg `ssa/`): staged server-side apply with drift
 * detection by dry-run, prune, and health waits.
 */
import { isConflict, isInvalid, isNotFound, parseApiVersion } from '../client/index.js';
import { cleanupPatch } from './cleanup.js';
import { formatObjectRef, inventoryId, objectRefOf } from '../identity.js';
import type { KubeObject } from '../object.js';
import { isPruneDisabled } from './annotations.js';
import { ChangeSet } from './changeset.js';
import type { Inventory } from './inventory.js';
import { maskSecrets, toYaml, unifiedDiff } from './diff.js';
import { ApplyError, HealthCheckError, type ObjectFailure } from './errors.js';
import { waitForSet, waitForTermination } from './health.js';
import { compareForApply, normalizeForCompare, stageOf, type Stage } from './normalize.js';
import { clientRef, failure, planObject, type LiveHint, type PlanContext, type Planned } from './plan.js';
import { mapLimit, sleep } from './pool.js';
import type { IgnoreRule } from './ignore.js';
import type { ApplyOptions, ChangeSetEntry, DeleteAllOptions, DiffOptions, HealthResult, ObjectDiff, ResourceManagerOptions, VersionedRef, WaitOptions } from './types.js';

/** Field managers whose edits are taken back (Flux's cleanup list plus kubectl's imperative managers). */
export const defaultCleanupManagers: readonly string[] = [
  'kubectl',
  'kubectl-edit',
  'kubectl-client-side-apply',
  'kubectl-patch',
  'kubectl-label',
  'kubectl-annotate',
  'kubectl-replace',
  'kubectl-set',
  'kubectl-scale',
  'before-first-apply',
];

/** Objects of one kind and namespace from which apply lists instead of reading one by one. */
export const PREFETCH_MIN = 3;

/** Most objects one apply/diff/deleteAll call accepts. */
export const MAX_OBJECTS = 20_000;

const isFailure = (p: Planned | ObjectFailure): p is ObjectFailure => 'phase' in p;

function entryOf(p: { ref: VersionedRef; subject: string }, action: ChangeSetEntry['action']): ChangeSetEntry {
  return { ref: p.ref, subject: p.subject, action };
}

/** Checks identities and duplicates; adds owner labels to copies. Throws ApplyError (phase invalid). */
function prepare(objects: readonly KubeObject[], ownerLabels: Record<string, string> | undefined): KubeObject[] {
  if (objects.length > MAX_OBJECTS) throw new ApplyError([{ ref: undefined, subject: 'objects', phase: 'invalid', message: `more than ${MAX_OBJECTS} objects`, reason: undefined, cause: undefined }], new ChangeSet());
  const failures: ObjectFailure[] = [];
  const seen = new Set<string>();
  const out: KubeObject[] = [];
  objects.forEach((o, i) => {
    let subject = `object #${i + 1}`;
    try {
      const ref = objectRefOf(o);
      subject = formatObjectRef(ref);
      if (!ref.name) throw new Error('metadata.name is required');
      const key = `${ref.group}/${subject}`;
      if (seen.has(key)) throw new Error('duplicate object in the set');
      seen.add(key);
    } catch (err) {
      failures.push(failure({ ref: undefined, subject }, 'invalid', err));
      return;
    }
    const labels = ownerLabels && Object.keys(ownerLabels).length > 0 ? { ...(o.metadata.labels ?? {}), ...ownerLabels } : undefined;
    out.push(labels ? { ...o, metadata: { ...o.metadata, labels } } : o);
  });
  if (failures.length > 0) throw new ApplyError(failures, new ChangeSet());
  return out;
}

function byStage<T>(items: readonly T[], stage: (t: T) => Stage): T[][] {
  const stages: T[][] = [[], [], []];
  for (const it of items) stages[stage(it)]?.push(it);
  return stages;
}

/** `group/Kind` of every CRD in the set (their objects cannot be dry-run before the CRD is applied). */
function crdKinds(objects: readonly KubeObject[]): Set<string> {
  const out = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition' || !o.apiVersion.startsWith('apiextensions.k8s.io/')) continue;
    const spec = o['spec'] as { group?: unknown; names?: { kind?: unknown } } | undefined;
    if (typeof spec?.group === 'string' && typeof spec.names?.kind === 'string') out.add(`${spec.group}/${spec.names.kind}`);
  }
  return out;
}

/** Objects sorted in Flux's apply order (see {@link compareForApply}). */
function sortForApply(objects: readonly KubeObject[]): KubeObject[] {
  const keyed = objects.map((o) => ({ o, ref: objectRefOf(o) }));
  keyed.sort((a, b) => compareForApply(a.ref, b.ref));
  return keyed.map((k) => k.o);
}

/** Hints "absent" for the objects without a hint that `previous` does not list (see ApplyOptions.previousInventory). */
function assumeAbsent(objects: readonly KubeObject[], hints: Map<KubeObject, LiveHint>, previous: Inventory | undefined): void {
  if (!previous) return;
  const known = new Set(previous.entries.map((e) => e.id));
  for (const o of objects) {
    if (!hints.has(o) && !known.has(inventoryId(objectRefOf(o)))) hints.set(o, { live: undefined });
  }
}

const labelsMatch = (obj: KubeObject, want: Record<string, string>): boolean => Object.entries(want).every(([k, v]) => obj.metadata.labels?.[k] === v);

/** See the module comment. One instance per controller; safe to share between reconciles. */
export class ResourceManager {
  private readonly cleanupManagers: ReadonlySet<string>;
  private readonly concurrency: number;

  constructor(readonly opts: ResourceManagerOptions) {
    this.cleanupManagers = new Set(opts.cleanupManagers ?? defaultCleanupManagers);
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
  }

  private ctx(opts: { force?: boolean; ignore?: readonly IgnoreRule[] | undefined }, pendingKinds?: ReadonlySet<string>): PlanContext {
    return {
      client: this.opts.client,
      fieldManager: this.opts.fieldManager,
      cleanupManagers: this.cleanupManagers,
      force: opts.force ?? false,
      ...(pendingKinds ? { pendingKinds } : {}),
      ...(opts.ignore ? { ignore: opts.ignore } : {}),
    };
  }

  /**
   * Applies `objects` in stages (1: CRDs, Namespaces, ClusterRoles, then a wait until the changed ones
   * are Current — CRDs Established; 2: `*Class` kinds, then a wait; 3: the rest). Per stage every object
   * is first read and dry-run applied (field manager, force) and compared with the live object ignoring
   * status and server metadata; if any dry-run fails, an {@link ApplyError} naming every failing object
   * is thrown and nothing of that stage (or later) is written. Then only created/configured objects are
   * written: foreign managers (kubectl edits…) are first merged into ours unless `ssa: Merge`, and
   * immutable-field failures are recreated when forced. `ssa: Ignore`/`reconcile: disabled` objects and
   * existing `ssa: IfNotPresent` ones are `skipped`. Within a stage objects go in Flux's order (kind rank,
   * group, kind, namespace, name), which is also the change set's order.
   */
  async apply(objects: readonly KubeObject[], opts: ApplyOptions = {}): Promise<ChangeSet> {
    const prepared = sortForApply(prepare(objects, opts.ownerLabels));
    const cs = new ChangeSet();
    const stages = byStage(prepared, (o) => stageOf(objectRefOf(o)));
    const pending = opts.dryRun ? crdKinds(prepared) : undefined;
    for (const [i, stage] of stages.entries()) {
      if (stage.length === 0) continue;
      if (opts.signal?.aborted) throw new ApplyError([failure({ ref: undefined, subject: 'apply' }, 'apply', new Error('aborted before all stages were applied'))], cs);
      const hints = await this.prefetch(stage, opts.ownerLabels);
      assumeAbsent(stage, hints, opts.previousInventory);
      const planned = await mapLimit(stage, this.concurrency, (o) => planObject(this.ctx(opts, pending), o, hints.get(o)));
      const failures = planned.filter(isFailure);
      if (failures.length > 0) throw new ApplyError(failures, cs);
      const plans = planned.filter((p): p is Planned => !isFailure(p));
      if (opts.dryRun) {
        cs.add(...plans.map((p) => entryOf(p, p.action)));
        continue;
      }
      await this.write(plans, cs, opts);
      if (i < 2 && (opts.waitForStages ?? true)) await this.waitStage(plans, cs, opts);
    }
    return cs;
  }

  /**
   * Reads the live objects of a stage with one list per kind and namespace, filtered by the owner labels
   * (objects we applied carry them), for groups of at least {@link PREFETCH_MIN} objects. Objects of a
   * group whose list failed get no hint (they are read one by one).
   */
  private async prefetch(objects: readonly KubeObject[], ownerLabels: Record<string, string> | undefined): Promise<Map<KubeObject, LiveHint>> {
    const hints = new Map<KubeObject, LiveHint>();
    if (!ownerLabels || Object.keys(ownerLabels).length === 0) return hints;
    const groups = new Map<string, KubeObject[]>();
    for (const o of objects) {
      const key = JSON.stringify([o.apiVersion, o.kind, o.metadata.namespace ?? '']);
      groups.set(key, [...(groups.get(key) ?? []), o]);
    }
    const selector = Object.entries(ownerLabels).map(([k, v]) => `${k}=${v}`).join(',');
    await mapLimit([...groups.values()].filter((g) => g.length >= PREFETCH_MIN), this.concurrency, async (group) => {
      const first = group[0] as KubeObject;
      const ns = first.metadata.namespace ?? '';
      let items: KubeObject[];
      try {
        items = (await this.opts.client.list({ apiVersion: first.apiVersion, kind: first.kind }, { namespace: ns || undefined, labelSelector: selector, maxItems: MAX_OBJECTS })).items;
      } catch {
        return;
      }
      const byName = new Map(items.filter((it) => (it.metadata.namespace ?? '') === ns).map((it) => [it.metadata.name, it]));
      for (const o of group) hints.set(o, { live: byName.get(o.metadata.name) });
    });
    return hints;
  }

  /** Writes the changed plans; entries land in `cs`; failures throw ApplyError after all were tried. */
  private async write(plans: Planned[], cs: ChangeSet, opts: ApplyOptions): Promise<void> {
    const results = await mapLimit(plans, this.concurrency, async (p): Promise<ChangeSetEntry | ObjectFailure> => {
      if (p.action === 'unchanged' || p.action === 'skipped') {
        cs.remember(p.ref, p.live);
        return entryOf(p, p.action);
      }
      try {
        cs.remember(p.ref, p.recreate ? await this.recreate(p, opts) : await this.writeOne(p));
        return entryOf(p, p.action);
      } catch (err) {
        return failure(p, p.recreate ? 'recreate' : 'apply', err);
      }
    });
    const failures: ObjectFailure[] = [];
    for (const r of results) {
      if ('phase' in r) failures.push(r);
      else cs.add(r);
    }
    if (failures.length > 0) throw new ApplyError(failures, cs);
  }

  /** Applies one object (after the managedFields cleanup, if any); the server's answer. */
  private async writeOne(p: Planned): Promise<KubeObject> {
    const { client, fieldManager } = this.opts;
    if (p.cleanup) await this.cleanup(p);
    return client.apply(p.desired, { fieldManager, force: true });
  }

  /**
   * Runs the managedFields cleanup patch. Its resourceVersion `test` fails when a controller wrote the
   * object since we read it (status updates are frequent): then re-read, recompute and retry, 5 times.
   */
  private async cleanup(p: Planned): Promise<void> {
    const { client, fieldManager } = this.opts;
    const ref = clientRef(p.ref);
    let ops = p.cleanup;
    for (let attempt = 1; ops !== undefined; attempt++) {
      try {
        await client.patch(ref, ops, { type: 'json', fieldManager });
        return;
      } catch (err) {
        if (attempt >= 5 || !(isInvalid(err) || isConflict(err))) throw err;
      }
      const live = await client.tryGet(ref);
      if (!live) return;
      ops = cleanupPatch(live, { managers: this.cleanupManagers, owner: fieldManager, apiVersion: p.desired.apiVersion });
    }
  }

  /** Deletes the live object, waits until it is gone, applies the desired one; the server's answer. */
  private async recreate(p: Planned, opts: ApplyOptions): Promise<KubeObject> {
    const { client, fieldManager } = this.opts;
    const ref = clientRef(p.ref);
    try {
      await client.delete(ref, { propagationPolicy: 'Background', ...(p.live?.metadata.uid ? { preconditions: { uid: p.live.metadata.uid } } : {}) });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const deadline = Date.now() + (opts.stageTimeoutMs ?? 60_000);
    while ((await client.tryGet(ref))?.metadata.uid === p.live?.metadata.uid) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the old object to be deleted');
      await sleep(100, opts.signal);
    }
    return client.apply(p.desired, { fieldManager, force: true });
  }

  /** Waits until the created/configured objects of a stage are Current; throws ApplyError (phase wait). */
  private async waitStage(plans: Planned[], cs: ChangeSet, opts: ApplyOptions): Promise<void> {
    const changed = plans.filter((p) => p.action === 'created' || p.action === 'configured');
    if (changed.length === 0) return;
    try {
      await waitForSet(this.opts.client, changed.map((p) => p.ref), {
        known: cs.objects,
        timeoutMs: opts.stageTimeoutMs ?? 60_000,
        intervalMs: opts.stageIntervalMs ?? 500,
        failFast: true,
        concurrency: this.concurrency,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (err) {
      const bad = err instanceof HealthCheckError ? err.unhealthy : [];
      const failures: ObjectFailure[] = bad.length > 0 ? bad.map((o) => ({ ref: o.ref, subject: o.subject, phase: 'wait', message: `${o.status}: ${o.message}`, reason: undefined, cause: err })) : [failure({ ref: undefined, subject: 'stage' }, 'wait', err)];
      throw new ApplyError(failures, cs);
    }
    // new kinds may be served now: forget cached discovery so later stages see them
    if (changed.some((p) => p.ref.kind === 'CustomResourceDefinition')) this.opts.client.mapper.invalidate();
  }

  /**
   * The drift of each object (dry-run vs live) as unified diffs of sorted YAML, without status and server
   * metadata, Secret values masked. Writes nothing; objects of a CRD in the same set that the server
   * does not serve yet are `created` (the whole object as the diff). Throws {@link ApplyError} listing every object whose dry-run failed. Caveat: fields
   * added by foreign managers show no diff although apply would remove them (action is `configured`).
   */
  async diff(objects: readonly KubeObject[], opts: DiffOptions = {}): Promise<ObjectDiff[]> {
    const prepared = sortForApply(prepare(objects, opts.ownerLabels));
    const hints = await this.prefetch(prepared, opts.ownerLabels);
    const planned = await mapLimit(prepared, this.concurrency, (o) => planObject(this.ctx({ ignore: opts.ignore }, crdKinds(prepared)), o, hints.get(o)));
    const failures = planned.filter(isFailure);
    if (failures.length > 0) throw new ApplyError(failures, new ChangeSet());
    return planned.filter((p): p is Planned => !isFailure(p)).map((p) => {
      const after = p.dryRun ?? (p.recreate || p.action === 'created' ? p.desired : undefined);
      if (p.action === 'skipped' || after === undefined) return { ref: p.ref, subject: p.subject, action: p.action, diff: '' };
      const [before, masked] = maskSecrets(p.live ? normalizeForCompare(p.live) : undefined, normalizeForCompare(after));
      const text = unifiedDiff(toYaml(before), toYaml(masked), { labelA: `${p.subject} (live)`, labelB: `${p.subject} (merged)`, context: opts.context ?? 3 });
      return { ref: p.ref, subject: p.subject, action: p.action, diff: text };
    });
  }

  /**
   * Deletes the referenced objects in reverse staging order (the rest, then `*Class`, then CRDs/Namespaces/
   * ClusterRoles; within a stage the reverse of the apply order), background propagation. An object is `skipped` when its
   * live labels lack any of `ownerLabels` or it is prune-disabled (`prune: disabled`, `ssa: Ignore`,
   * `reconcile: disabled`) and `respectPruneDisabled` (default true). Absent objects are ignored (not in
   * the change set). Failures are collected and thrown as one {@link ApplyError} after trying every
   * object; its `changeSet` lists what was deleted.
   */
  async deleteAll(refs: readonly VersionedRef[], opts: DeleteAllOptions): Promise<ChangeSet> {
    const cs = new ChangeSet();
    const failures: ObjectFailure[] = [];
    const sorted = [...refs].sort((a, b) => compareForApply(b, a));
    const stages = byStage(sorted, stageOf).reverse();
    for (const stage of stages) {
      const results = await mapLimit(stage, this.concurrency, (ref) => this.deleteOne(ref, opts));
      for (const r of results) {
        if (r === undefined) continue;
        if ('phase' in r) failures.push(r);
        else cs.add(r);
      }
    }
    if (failures.length > 0) throw new ApplyError(failures, cs);
    return cs;
  }

  private async deleteOne(ref: VersionedRef, opts: DeleteAllOptions): Promise<ChangeSetEntry | ObjectFailure | undefined> {
    const { client } = this.opts;
    const subject = formatObjectRef(ref);
    try {
      const live = await client.tryGet(clientRef(ref));
      if (!live) return undefined;
      if (!labelsMatch(live, opts.ownerLabels)) return entryOf({ ref, subject }, 'skipped');
      if ((opts.respectPruneDisabled ?? true) && isPruneDisabled(live)) return entryOf({ ref, subject }, 'skipped');
      await client.delete(clientRef(ref), {
        propagationPolicy: opts.propagationPolicy ?? 'Background',
        ...(opts.dryRun ? { dryRun: true } : {}),
        ...(live.metadata.uid ? { preconditions: { uid: live.metadata.uid } } : {}),
      });
      return entryOf({ ref, subject }, 'deleted');
    } catch (err) {
      if (isNotFound(err)) return undefined;
      return failure({ ref, subject }, 'delete', err);
    }
  }

  /**
   * Polls the objects (kstatus, see `src/kube/kstatus`) until every one — pauses start at 250 ms and double up to
   * `intervalMs` (default 5 s) —
   * is Current (resolves). Throws {@link HealthCheckError}: reason `Failed` at the first poll with a
   * Failed object when `failFast` (default true), `Timeout` after `timeoutMs` (message lists each object
   * not Current with its status and message), `Aborted` when `signal` aborts.
   */
  wait(refs: readonly VersionedRef[], opts: WaitOptions): Promise<HealthResult> {
    return waitForSet(this.opts.client, refs, { ...opts, concurrency: this.concurrency });
  }

  /**
   * Polls (default every 2 s) until none of the objects exists — e.g. the `deleted` entries of a
   * {@link deleteAll} change set, whose own finalizers may keep them Terminating for a while. Throws
   * {@link HealthCheckError} `Timeout` naming what is left, or `Aborted`.
   */
  waitForTermination(refs: readonly VersionedRef[], opts: WaitOptions): Promise<HealthResult> {
    return waitForTermination(this.opts.client, refs, { ...opts, concurrency: this.concurrency });
  }
}

/** The versioned reference of a `healthChecks` entry or any `{apiVersion, kind, name, namespace}`. */
export function refOfTarget(t: { apiVersion: string; kind: string; name: string; namespace?: string | undefined }): VersionedRef {
  const { group, version } = parseApiVersion(t.apiVersion);
  return { group, version, kind: t.kind, name: t.name, namespace: t.namespace ?? '' };
}
