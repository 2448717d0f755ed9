/**
 * The Kustomization reconciler, shaped as Flux's kustomize-controller: ordered steps on the runtime's
 * reconcile shell, each marking its own failure reason.
 *
 * 1. `checkSpec`: what can never work (unsupported source kinds and features, bad durations) stalls.
 * 2. `checkDependencies`: every `dependsOn` Kustomization must be Ready for its current generation (and,
 *    when it follows the same source, have applied the source's current revision); otherwise
 *    Ready=False/DependencyNotReady and a retry after `requeueDependencyMs` (Flux's 30 s).
 * 3. `reconcileSource`: the GitRepository and its artifact (ArtifactFailed while absent, retried at
 *    `retryInterval`); `lastAttemptedRevision`.
 * 4. `buildManifests`: "Building manifests for revision …": download + digest + unpack + overlay + build
 *    (ArtifactFailed / BuildFailed), post-build substitution (BuildFailed naming the object), commonMetadata.
 * 5. `applyManifests`: "Detecting drift for revision …": staged server-side apply through the SSA resource
 *    manager, with the impersonated or remote client; an event listing the change set; the new inventory;
 *    prune of stale objects when `prune` (PruneFailed; objects that failed to prune stay in the inventory).
 * 6. `checkHealth`: "Running health checks for revision …": `wait` (everything applied) or `healthChecks`;
 *    Healthy True/False (HealthCheckFailed).
 * 7. `recordSuccess`: `lastAppliedRevision`, history.
 *
 * Invariants (Flux's): a failed fetch, digest mismatch, build, substitution or apply never prunes
 * (prune runs only after a complete apply in the same reconcile); `lastAppliedRevision` and the
 * inventory only move forward on success of their step; failures in steps 3–6 retry at `retryInterval`
 * with a Warning event. Deleting with `prune: true` (or deletionPolicy Delete/WaitForTermination) deletes
 * the inventory's objects that still carry the owner labels and are not `prune: disabled`; `prune: false`
 * or deletionPolicy Orphan leaves them; a suspended Kustomization is released without garbage collection.
 */
import { createHash } from 'node:crypto';
import { formatDuration } from '../../api/duration.js';
import { gitRepositoryApiVersion, gitRepositoryKind, type GitRepository } from '../../api/gitrepository.js';
import {
  type HistoryEntry,
  type Kustomization,
  checkKustomizationSpec,
  historyMaxSize,
  kustomizationApiVersion,
  kustomizationIntervalMs,
  kustomizationKind,
  kustomizationRetryIntervalMs,
  kustomizationTimeoutMs,
} from '../../api/kustomization.js';
import type { KubeClient } from '../../kube/client/index.js';
import { parseApiVersion } from '../../kube/identity.js';
import type { JsonObject, KubeObject } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import { ApplyError, type ChangeSet, HealthCheckError, type Inventory, type VersionedRef, idOf, inventoryRefs, staleEntries } from '../../kube/ssa/index.js';
import { overlayOf, setCommonMetadata } from '../../render/flux-overlay.js';
import { SubstitutionError, type VariableSource, mergeVariables, substituteObjects } from '../../render/substitute/index.js';
import {
  type ReconcileContext,
  type ReconcileStep,
  type ReconcilerDefinition,
  ConditionType,
  StallingError,
  WaitingError,
  getCondition,
  markFalse,
  markTrue,
  markUnknown,
  removeCondition,
} from '../../runtime/index.js';
import type { ApplyTarget, ClientPool } from './clients.js';
import { ManifestError, type ManifestRenderer } from './manifests.js';
import { KustomizeReason, kustomizeControllerName, kustomizeFinalizer, ownerLabelsOf } from './reasons.js';

/** Options of {@link kustomizationReconciler}. */
export interface KustomizationReconcilerOptions {
  clients: ClientPool;
  renderer: ManifestRenderer;
  /** Reads a GitRepository (default: a GET through the controller's client). */
  getSource?: (client: KubeClient, ref: { namespace: string; name: string }) => Promise<GitRepository | undefined>;
  /** Reads a Kustomization for dependency checks (default: a GET). */
  getKustomization?: (client: KubeClient, ref: { namespace: string; name: string }) => Promise<Kustomization | undefined>;
  /** Retry delay while dependencies are not ready (default 30 s, Flux's `--requeue-dependency`). */
  requeueDependencyMs?: number;
  /** Longest pause between health polls (default 5 s, Flux's interval; pauses start at 250 ms and double up to it). */
  healthIntervalMs?: number;
  /** Strict post-build substitution (default true, Flux 2.9's `StrictPostBuildSubstitutions`). */
  strictSubstitution?: boolean;
  /** The clock (for history timestamps). */
  now?: () => Date;
  /**
   * Progress messages ("Building manifests…", "Detecting drift…") are patched this long after they are
   * set unless a later patch carries them (default 1 s; 0 patches each at once, as Flux does): a
   * Kustomization reconciled faster writes its status once, a slow step still shows its message.
   */
  progressPatchDelayMs?: number;
  /** Poll interval of `deletionPolicy: WaitForTermination` (default 2 s, Flux's). */
  terminationIntervalMs?: number;
}

/** Scratch state shared by the steps of one reconcile. */
interface KsState {
  started: number;
  revision?: string;
  source?: GitRepository;
  objects?: JsonObject[];
  digest?: string;
  target?: ApplyTarget;
  inventory?: Inventory;
  /** The objects as the apply left them (apply responses, live objects of unchanged ones), by inventory ID. */
  applied?: ReadonlyMap<string, KubeObject>;
}

type Ctx = ReconcileContext<Kustomization>;

function st(ctx: Ctx): KsState {
  return ctx.state as unknown as KsState;
}

function status(obj: Kustomization): NonNullable<Kustomization['status']> {
  obj.status ??= {};
  return obj.status;
}

function ns(obj: KubeObject): string {
  return obj.metadata.namespace ?? 'default';
}

function timeoutText(obj: Kustomization): string {
  return formatDuration(kustomizationTimeoutMs(obj.spec));
}

function revisionMetadata(ctx: Ctx): { metadata?: Record<string, string> } {
  const r = st(ctx).revision;
  return r ? { metadata: { revision: r } } : {};
}

const sourceType = { apiVersion: gitRepositoryApiVersion, kind: gitRepositoryKind };
const kustomizationType = { apiVersion: kustomizationApiVersion, kind: kustomizationKind };

/**
 * Adds or refreshes a history entry (newest first, deduplicated on digest + status, at most 5), as
 * Flux's meta.History.
 */
export function recordHistory(obj: Kustomization, e: { digest: string; status: string; revision: string | undefined; durationMs: number; now: Date }): void {
  const s = status(obj);
  const list = (s.history ?? []).slice();
  const at = e.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const i = list.findIndex((h) => h.digest === e.digest && h.lastReconciledStatus === e.status);
  const prev = i >= 0 ? list.splice(i, 1)[0] : undefined;
  const entry: HistoryEntry = {
    digest: e.digest,
    firstReconciled: prev?.firstReconciled ?? at,
    lastReconciled: at,
    lastReconciledDuration: formatDuration(Math.max(0, Math.round(e.durationMs))),
    lastReconciledStatus: e.status,
    totalReconciliations: (prev?.totalReconciliations ?? 0) + 1,
    ...(e.revision ? { metadata: { revision: e.revision } } : {}),
  };
  s.history = [entry, ...list].slice(0, historyMaxSize);
}

/** Builds the reconciler definition (see the module comment). */
export function kustomizationReconciler(opts: KustomizationReconcilerOptions): ReconcilerDefinition<Kustomization> {
  const now = opts.now ?? (() => new Date());
  const getSource = opts.getSource ?? (async (client, ref) => (await client.tryGet({ ...sourceType, ...ref })) as GitRepository | undefined);
  const getKs = opts.getKustomization ?? (async (client, ref) => (await client.tryGet({ ...kustomizationType, ...ref })) as Kustomization | undefined);

  /** A failure of steps 3–6: Warning event, history, retry at retryInterval. */
  async function fail(ctx: Ctx, reason: string, message: string, cause?: unknown): Promise<WaitingError> {
    const s = st(ctx);
    await ctx.event({ type: 'Warning', reason, message, ...revisionMetadata(ctx) });
    if (s.digest) recordHistory(ctx.obj, { digest: s.digest, status: reason, revision: s.revision, durationMs: Date.now() - s.started, now: now() });
    return new WaitingError(message, { reason, event: false, requeueAfterMs: kustomizationRetryIntervalMs(ctx.obj.spec), ...(cause !== undefined ? { cause } : {}) });
  }

  const checkSpec: ReconcileStep<Kustomization> = {
    name: 'checkSpec',
    async run(ctx) {
      st(ctx).started = Date.now();
      const problems = checkKustomizationSpec(ctx.obj.spec);
      if (problems.length > 0) {
        throw new StallingError(problems.map((p) => `${p.field}: ${p.message}`).join('; '), { reason: KustomizeReason.UnsupportedConfiguration });
      }
    },
  };

  const checkDependencies: ReconcileStep<Kustomization> = {
    name: 'checkDependencies',
    async run(ctx) {
      const deps = ctx.obj.spec.dependsOn ?? [];
      if (deps.length === 0) return;
      const source = ctx.obj.spec.sourceRef;
      for (const d of deps) {
        const ref = { namespace: d.namespace ?? ns(ctx.obj), name: d.name };
        const dep = await getKs(ctx.client, ref);
        const label = `${ref.namespace}/${ref.name}`;
        let problem: string | undefined;
        if (!dep) problem = `unable to get '${label}' dependency: not found`;
        else if (!isDependencyReady(dep)) problem = `dependency '${label}' is not ready`;
        else if (sameSource(dep, source, ns(ctx.obj))) {
          const src = await getSource(ctx.client, { namespace: source.namespace ?? ns(ctx.obj), name: source.name });
          const rev = src?.status?.artifact?.revision;
          if (rev && dep.status?.lastAppliedRevision !== rev) problem = `dependency '${label}' revision is not up to date`;
        }
        if (problem) {
          const delay = opts.requeueDependencyMs ?? 30_000;
          throw new WaitingError(`Dependencies do not meet ready condition (${problem}), retrying in ${formatDuration(delay)}`, { reason: KustomizeReason.DependencyNotReady, requeueAfterMs: delay });
        }
      }
    },
  };

  const reconcileSource: ReconcileStep<Kustomization> = {
    name: 'reconcileSource',
    async run(ctx) {
      const ref = ctx.obj.spec.sourceRef;
      const key = { namespace: ref.namespace ?? ns(ctx.obj), name: ref.name };
      const retry = kustomizationRetryIntervalMs(ctx.obj.spec);
      const src = await getSource(ctx.client, key);
      if (!src) throw new WaitingError(`Source '${ref.kind}/${key.namespace}/${key.name}' not found`, { reason: KustomizeReason.ArtifactFailed, requeueAfterMs: retry });
      const artifact = src.status?.artifact;
      if (!artifact) throw new WaitingError('Source is not ready, artifact not found', { reason: KustomizeReason.ArtifactFailed, requeueAfterMs: retry });
      st(ctx).source = src;
      st(ctx).revision = artifact.revision;
      status(ctx.obj).lastAttemptedRevision = artifact.revision;
    },
  };

  async function variables(ctx: Ctx): Promise<Record<string, string>> {
    const pb = ctx.obj.spec.postBuild;
    const sources: VariableSource[] = [];
    for (const ref of pb?.substituteFrom ?? []) {
      const origin = `${ref.kind}/${ns(ctx.obj)}/${ref.name}`;
      let obj: KubeObject | undefined;
      try {
        obj = await ctx.client.tryGet({ apiVersion: 'v1', kind: ref.kind, namespace: ns(ctx.obj), name: ref.name });
      } catch (err) {
        throw await fail(ctx, KustomizeReason.BuildFailed, `substitute from '${origin}' failed: ${(err as Error).message}`, err);
      }
      if (!obj) {
        if (ref.optional) continue;
        throw await fail(ctx, KustomizeReason.BuildFailed, `substitute from '${origin}' failed: ${ref.kind} not found`);
      }
      sources.push({ origin, data: dataOf(obj, ref.kind === 'Secret') });
    }
    if (pb?.substitute) sources.push({ origin: 'spec.postBuild.substitute', data: pb.substitute });
    return mergeVariables(sources);
  }

  const buildManifests: ReconcileStep<Kustomization> = {
    name: 'buildManifests',
    async run(ctx) {
      const s = st(ctx);
      const spec = ctx.obj.spec;
      const artifact = s.source?.status?.artifact;
      if (!artifact) return;
      await ctx.progress(`Building manifests for revision ${artifact.revision} with a timeout of ${timeoutText(ctx.obj)}`);
      let objects: JsonObject[];
      try {
        objects = await opts.renderer.render({
          url: artifact.url,
          digest: artifact.digest,
          path: spec.path,
          overlay: overlayOf(spec),
        });
      } catch (err) {
        if (err instanceof ManifestError) throw await fail(ctx, err.stage === 'artifact' ? KustomizeReason.ArtifactFailed : KustomizeReason.BuildFailed, err.message, err);
        throw err;
      }
      if (spec.postBuild) {
        const vars = await variables(ctx);
        try {
          objects = substituteObjects(objects, { vars, strict: opts.strictSubstitution ?? true, strategy: spec.postBuild.substituteStrategy ?? 'WithVariables' });
        } catch (err) {
          if (err instanceof SubstitutionError) throw await fail(ctx, KustomizeReason.BuildFailed, `post build substitutions failed: ${err.message}`, err);
          throw err;
        }
      }
      setCommonMetadata(objects, spec.commonMetadata);
      s.objects = objects;
      s.digest = 'sha256:' + createHash('sha256').update(JSON.stringify(objects)).digest('hex');
    },
  };

  async function targetFor(ctx: Ctx): Promise<ApplyTarget> {
    const spec = ctx.obj.spec;
    let kubeConfigText: string | undefined;
    const sref = spec.kubeConfig?.secretRef;
    if (sref) {
      const secret = await ctx.client.tryGet({ apiVersion: 'v1', kind: 'Secret', namespace: ns(ctx.obj), name: sref.name });
      if (!secret) throw new Error(`kubeconfig secret '${ns(ctx.obj)}/${sref.name}' not found`);
      const data = dataOf(secret, true);
      kubeConfigText = sref.key ? data[sref.key] : (data['value'] ?? data['value.yaml']);
      if (!kubeConfigText) throw new Error(`kubeconfig secret '${ns(ctx.obj)}/${sref.name}' has no key ${sref.key ?? "'value' or 'value.yaml'"}`);
    }
    return opts.clients.get({ namespace: ns(ctx.obj), serviceAccountName: spec.serviceAccountName, kubeConfigText });
  }

  async function prune(ctx: Ctx, target: ApplyTarget, stale: VersionedRef[]): Promise<{ cs?: ChangeSet; failed: VersionedRef[]; error?: Error }> {
    if (stale.length === 0) return { failed: [] };
    try {
      return { cs: await target.manager.deleteAll(stale, { ownerLabels: ownerLabelsOf(ctx.obj) }), failed: [] };
    } catch (err) {
      if (err instanceof ApplyError) return { failed: err.failures.map((f) => f.ref).filter((r): r is VersionedRef => r !== undefined), error: err };
      return { failed: stale, error: err as Error };
    }
  }

  const applyManifests: ReconcileStep<Kustomization> = {
    name: 'applyManifests',
    async run(ctx) {
      const s = st(ctx);
      if (!s.objects || !s.revision) return;
      const spec = ctx.obj.spec;
      await ctx.progress(`Detecting drift for revision ${s.revision} with a timeout of ${timeoutText(ctx.obj)}`);
      let target: ApplyTarget;
      try {
        target = await targetFor(ctx);
      } catch (err) {
        throw await fail(ctx, KustomizeReason.ReconciliationFailed, (err as Error).message, err);
      }
      s.target = target;
      let cs: ChangeSet;
      try {
        cs = await target.manager.apply(s.objects as unknown as KubeObject[], {
          ownerLabels: ownerLabelsOf(ctx.obj),
          force: spec.force === true,
          stageTimeoutMs: kustomizationTimeoutMs(spec),
          // objects this Kustomization never applied are dry-run without a read first (see the option)
          previousInventory: status(ctx.obj).inventory ?? { entries: [] },
          signal: ctx.signal,
        });
      } catch (err) {
        const msg = err instanceof ApplyError ? err.message : `apply failed: ${(err as Error).message}`;
        throw await fail(ctx, KustomizeReason.ReconciliationFailed, msg, err);
      }
      if (cs.hasChanges()) await ctx.event({ type: 'Normal', reason: KustomizeReason.Progressing, message: cs.toMessage(), ...revisionMetadata(ctx) });
      s.applied = cs.objects;
      const next = cs.toInventory();
      const stale = spec.prune ? staleEntries(status(ctx.obj).inventory, next) : [];
      const pruned = await prune(ctx, target, stale);
      if (pruned.cs?.hasChanges()) await ctx.event({ type: 'Normal', reason: KustomizeReason.Progressing, message: pruned.cs.toMessage(), ...revisionMetadata(ctx) });
      const kept = new Map(next.entries.map((e) => [e.id, e.v]));
      for (const r of pruned.failed) kept.set(idOf(r), r.version);
      const inventory: Inventory = { entries: [...kept].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, v]) => ({ id, v })) };
      status(ctx.obj).inventory = inventory;
      s.inventory = next;
      if (pruned.error) throw await fail(ctx, KustomizeReason.PruneFailed, `prune failed: ${pruned.error.message}`, pruned.error);
    },
  };

  async function healthRefs(ctx: Ctx, target: ApplyTarget): Promise<VersionedRef[]> {
    const spec = ctx.obj.spec;
    if (spec.wait) return inventoryRefs(st(ctx).inventory);
    const out: VersionedRef[] = [];
    for (const hc of spec.healthChecks ?? []) {
      const { group, version } = parseApiVersion(hc.apiVersion ?? 'v1');
      let namespace = hc.namespace ?? '';
      if (!namespace) {
        const m = await target.client.mappingFor({ apiVersion: hc.apiVersion ?? 'v1', kind: hc.kind }).catch(() => undefined);
        if (m?.namespaced !== false) namespace = ns(ctx.obj);
      }
      out.push({ group, version, kind: hc.kind, namespace, name: hc.name });
    }
    return out;
  }

  const checkHealth: ReconcileStep<Kustomization> = {
    name: 'checkHealth',
    async run(ctx) {
      const s = st(ctx);
      if (!s.target || !s.revision) return;
      const refs = await healthRefs(ctx, s.target);
      if (refs.length === 0) {
        removeCondition(ctx.obj, ConditionType.Healthy);
        return;
      }
      const spec = ctx.obj.spec;
      const message = `Running health checks for revision ${s.revision} with a timeout of ${timeoutText(ctx.obj)}`;
      markUnknown(ctx.obj, { type: ConditionType.Healthy, reason: KustomizeReason.Progressing, message });
      await ctx.progress(message);
      try {
        // the first round reads nothing the apply just returned
        const r = await s.target.manager.wait(refs, { timeoutMs: kustomizationTimeoutMs(spec), intervalMs: opts.healthIntervalMs ?? 5000, known: s.applied, signal: ctx.signal });
        markTrue(ctx.obj, { type: ConditionType.Healthy, reason: KustomizeReason.Succeeded, message: `Health check passed in ${formatDuration(Math.round(r.elapsedMs))}` });
      } catch (err) {
        const msg = err instanceof HealthCheckError ? `health check failed after ${formatDuration(Date.now() - s.started)}: ${err.message}` : `health check failed: ${(err as Error).message}`;
        markFalse(ctx.obj, { type: ConditionType.Healthy, reason: KustomizeReason.HealthCheckFailed, message: msg });
        throw await fail(ctx, KustomizeReason.HealthCheckFailed, msg, err);
      }
    },
  };

  const recordSuccess: ReconcileStep<Kustomization> = {
    name: 'recordSuccess',
    async run(ctx) {
      const s = st(ctx);
      if (!s.revision) return;
      status(ctx.obj).lastAppliedRevision = s.revision;
      if (s.digest) recordHistory(ctx.obj, { digest: s.digest, status: KustomizeReason.ReconciliationSucceeded, revision: s.revision, durationMs: Date.now() - s.started, now: now() });
    },
  };

  return {
    type: kustomizationType,
    controllerName: kustomizeControllerName,
    finalizer: kustomizeFinalizer,
    ownedConditions: [ConditionType.Ready, ConditionType.Healthy, ConditionType.Reconciling, ConditionType.Stalled],
    summary: { negativePolarity: [] },
    readyMessage: (obj) => ({ reason: KustomizeReason.ReconciliationSucceeded, message: `Applied revision: ${obj.status?.lastAppliedRevision ?? ''}` }),
    steps: [checkSpec, checkDependencies, reconcileSource, buildManifests, applyManifests, checkHealth, recordSuccess],
    interval: (obj) => kustomizationIntervalMs(obj.spec ?? { interval: '' }),
    revision: (obj) => obj.status?.lastAttemptedRevision,
    finalize: (ctx) => finalizeKustomization(ctx, { targetFor, intervalMs: opts.terminationIntervalMs ?? 2000 }),
    progressPatchDelayMs: opts.progressPatchDelayMs ?? 1000,
  };
}

/**
 * Garbage collection on deletion (see the module comment), as Flux's finalizer: `Delete` and
 * `WaitForTermination` delete the inventory's objects whatever `prune` says, `MirrorPrune` (default)
 * follows `prune`, `Orphan` leaves them. A failed delete keeps the finalizer (retried with backoff) after a
 * Warning event. `WaitForTermination` then waits (polling every `terminationIntervalMs`, up to
 * `spec.timeout`) until the objects it deleted are gone — objects with finalizers of their own stay
 * Terminating until those run; a timeout keeps the finalizer and retries.
 */
async function finalizeKustomization(ctx: Ctx, a: { targetFor: (ctx: Ctx) => Promise<ApplyTarget>; intervalMs: number }): Promise<void> {
  const spec = ctx.obj.spec;
  const policy = spec.deletionPolicy ?? 'MirrorPrune';
  const remove = policy === 'Delete' || policy === 'WaitForTermination' || (policy === 'MirrorPrune' && spec.prune === true);
  const refs = inventoryRefs(ctx.obj.status?.inventory);
  if (!remove || spec.suspend === true || refs.length === 0) return;
  let target: ApplyTarget;
  try {
    target = await a.targetFor(ctx);
  } catch (err) {
    // As Flux: without a usable kubeconfig the objects cannot be reached; release the Kustomization.
    ctx.log.error({ error: (err as Error).message }, 'skipping garbage collection: no client for the target cluster');
    return;
  }
  let cs: ChangeSet;
  try {
    cs = await target.manager.deleteAll(refs, { ownerLabels: ownerLabelsOf(ctx.obj) });
  } catch (err) {
    await ctx.event({ type: 'Warning', reason: KustomizeReason.PruneFailed, message: `pruning for deleted resource failed: ${(err as Error).message}` });
    throw err;
  }
  if (cs.hasChanges()) await ctx.event({ type: 'Normal', reason: 'GarbageCollectionSucceeded', message: cs.toMessage() });
  const deleted = cs.filter('deleted').map((e) => e.ref);
  if (policy !== 'WaitForTermination' || deleted.length === 0) return;
  try {
    await target.manager.waitForTermination(deleted, { timeoutMs: kustomizationTimeoutMs(spec), intervalMs: a.intervalMs, signal: ctx.signal });
  } catch (err) {
    await ctx.event({ type: 'Warning', reason: KustomizeReason.PruneFailed, message: `waiting for termination of resources failed: ${(err as Error).message}` });
    throw err;
  }
}

/** Whether a dependency counts as ready: Ready=True for its current generation. */
export function isDependencyReady(dep: Kustomization): boolean {
  const ready = getCondition(dep, ConditionType.Ready);
  const gen = dep.metadata.generation;
  return ready?.status === 'True' && (gen === undefined || dep.status?.observedGeneration === gen);
}

function sameSource(dep: Kustomization, source: Kustomization['spec']['sourceRef'], namespace: string): boolean {
  const d = dep.spec?.sourceRef;
  if (!d) return false;
  return d.kind === source.kind && d.name === source.name && (d.namespace ?? ns(dep)) === (source.namespace ?? namespace);
}

/** String data of a ConfigMap, or decoded data of a Secret (plus `stringData` if a client left it). */
export function dataOf(obj: KubeObject, secret: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const data = obj['data'];
  if (isJsonObject(data)) {
    for (const [k, v] of Object.entries(data)) if (typeof v === 'string') out[k] = secret ? Buffer.from(v, 'base64').toString('utf8') : v;
  }
  const sd = obj['stringData'];
  if (secret && isJsonObject(sd)) for (const [k, v] of Object.entries(sd)) if (typeof v === 'string') out[k] = v;
  return out;
}
