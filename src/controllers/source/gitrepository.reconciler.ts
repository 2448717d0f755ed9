/**
 * The GitRepository reconciler, shaped as Flux's: ordered steps on the runtime's reconcile shell.
 *
 * 1. `reconcileStorage`: the recorded artifact must still be in storage (else it is dropped and
 *    rebuilt), its URL follows the storage address, old artifacts are garbage-collected.
 * 2. `reconcileSource`: spec checks (Stalled on URLs, refs or paths that can never work), credentials
 *    from `secretRef`, include artifacts, `git ls-remote` to resolve the ref — and when that revision is
 *    already stored with the same ignore/include/sparse/submodule settings, every later step is
 *    skipped. Otherwise a shallow checkout into a temp folder. Failures: FetchFailed (reason
 *    GitOperationFailed or AuthenticationFailed), retried with backoff; the previous artifact stays served.
 * 3. `reconcileInclude`: included artifacts copied in (IncludeUnavailable while one is missing).
 * 4. `reconcileArtifact`: ignore rules, deterministic tar.gz into storage under the object's lock,
 *    `status.artifact` and observed* fields, ArtifactInStorage, a `NewArtifact` event, GC.
 *    Storage failures: StorageOperationFailed with Flux's reasons.
 *
 * Invariant: the temp checkout is removed whatever happens (each step cleans up when it throws; the last
 * one always does).
 */
import { setMaxListeners } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDuration } from '../../api/duration.js';
import {
  type GitRepository,
  checkGitRepositorySpec,
  gitRepositoryApiVersion,
  gitRepositoryKind,
  gitRepositorySpecWithDefaults,
} from '../../api/gitrepository.js';
import type { Artifact } from '../../api/meta.js';
import { type ArchiveOptions, type ArtifactStorage, isArchiveError, loadIgnoreMatcher, StorageError } from '../../artifact/index.js';
import {
  type CheckoutResult,
  type GitAuth,
  type RemoteRefs,
  type ResolvedRef,
  checkout,
  isCommitPin,
  isGitError,
  lsRemote,
  resolveRef,
  validateRefSpec,
  validateRemoteUrl,
} from '../../git/index.js';
import type { KubeObject } from '../../kube/object.js';
import {
  type ReconcileContext,
  type ReconcileStep,
  type ReconcilerDefinition,
  ConditionType,
  StallingError,
  TransientError,
  WaitingError,
  getCondition,
  markTrue,
  removeCondition,
} from '../../runtime/index.js';
import { CredentialsError, authKey, gitAuthFromSecret } from './auth.js';
import { IncludeError, type ResolvedInclude, copyIncludes, observedIncludes, resolveIncludes } from './include.js';
import { SourceCondition, SourceReason, sourceControllerName, sourceFinalizer } from './reasons.js';

/** Options of {@link gitRepositoryReconciler}. */
export interface GitRepositoryReconcilerOptions {
  storage: ArtifactStorage;
  /** Where temp checkouts go (default the OS temp folder). */
  tmpDir?: string;
  /** Largest checkout accepted, work tree plus .git (default 512 MiB). */
  maxCheckoutBytes?: number;
  /** Archive limits (defaults of the artifact writer). */
  archive?: Omit<ArchiveOptions, 'exclude'>;
  /** Requeue delay while an include is unavailable (default: min(interval, 30 s)). */
  includeRetryMs?: number;
}

/** Scratch state shared by the steps of one reconcile. */
interface GitState {
  tmp?: string;
  auth?: GitAuth;
  resolved?: ResolvedRef;
  includes?: ResolvedInclude[];
  upToDate?: boolean;
  checkout?: CheckoutResult;
  /** Set when an identical artifact of another object was reused instead of a checkout. */
  adopted?: { artifact: Artifact; subject: string };
  /** Ends this reconcile's claim on building a content key. */
  release?: () => void;
}

type Ctx = ReconcileContext<GitRepository>;

function st(ctx: Ctx): GitState {
  return ctx.state as GitState;
}

function keyOf(obj: KubeObject): { kind: string; namespace: string; name: string } {
  return { kind: gitRepositoryKind, namespace: obj.metadata.namespace ?? 'default', name: obj.metadata.name ?? '' };
}

function status(obj: GitRepository): NonNullable<GitRepository['status']> {
  obj.status ??= {};
  return obj.status;
}

/** Interval of the object in ms (default 1 min when unparsable). */
export function intervalOf(obj: GitRepository): number {
  return parseDuration(obj.spec?.interval ?? '') ?? 60_000;
}

/**
 * In-flight ref listings shared by objects that point at the same URL with the same credentials (a
 * listing has every ref, so objects following different refs of one repository share it too). Only
 * concurrent requests share: nothing is cached after the listing completes.
 */
const inflight = new Map<string, Promise<RemoteRefs>>();

async function resolveShared(url: string, ref: NonNullable<GitRepository['spec']['ref']>, opts: { auth: GitAuth; timeoutMs: number }): Promise<ResolvedRef> {
  if (isCommitPin(ref)) return resolveRef(ref, new Map());
  validateRefSpec(ref);
  const key = `${url}\n${authKey(opts.auth)}`;
  let p = inflight.get(key);
  if (!p) {
    p = lsRemote(url, { ...opts, allowedSchemes: ['http', 'https', 'ssh'] }).finally(() => inflight.delete(key));
    inflight.set(key, p);
  }
  return resolveRef(ref, await p);
}

/** An artifact built for some object, reusable by any object with the same content key. */
interface SharedArtifact {
  path: string;
  digest: string;
  size: number;
  subject: string;
}

/**
 * Artifacts by content key: the archive is a pure function of (URL, commit, ignore, sparse checkout,
 * submodules) when nothing is included, so objects following the same repository share one checkout;
 * the others get a hard link of the same bytes (same digest) under their own path.
 */
const shared = new Map<string, SharedArtifact>();
/** Content keys being built right now, resolved when the build ends (either way). */
const building = new Map<string, Promise<void>>();
const sharedMax = 1000;

function contentKey(obj: GitRepository, commit: string, auth: GitAuth | undefined): string {
  const s = obj.spec;
  // The credentials are part of the key: an object only reuses bytes its own credentials could fetch.
  return JSON.stringify([s.url, commit, s.ignore ?? null, s.sparseCheckout ?? [], s.recurseSubmodules ?? false, authKey(auth ?? { type: 'none' })]);
}

function remember(key: string, a: SharedArtifact): void {
  shared.delete(key);
  shared.set(key, a);
  if (shared.size > sharedMax) shared.delete(shared.keys().next().value as string);
}

async function adoptShared(ctx: Ctx, opts: GitRepositoryReconcilerOptions, resolved: ResolvedRef): Promise<boolean> {
  const hit = shared.get(contentKey(ctx.obj, resolved.commit, st(ctx).auth));
  if (!hit) return false;
  const key = keyOf(ctx.obj);
  let adopted: Artifact | undefined;
  try {
    adopted = await opts.storage.withLock(key, () =>
      opts.storage.adopt(key, { fromPath: hit.path, fileName: `${resolved.commit}.tar.gz`, revision: resolved.revision, digest: hit.digest, size: hit.size }),
    );
  } catch (err) {
    throw storageFailure(ctx.obj, err);
  }
  if (!adopted) return false;
  st(ctx).adopted = { artifact: adopted, subject: hit.subject };
  removeCondition(ctx.obj, SourceCondition.FetchFailed);
  return true;
}

function fetchFailed(obj: GitRepository, reason: string, message: string): void {
  markTrue(obj, { type: SourceCondition.FetchFailed, reason, message });
}

function gitFailure(obj: GitRepository, err: unknown, what: string): Error {
  const msg = `${what}: ${(err as Error).message}`;
  if (isGitError(err, 'invalid-input')) {
    fetchFailed(obj, SourceReason.GitOperationFailed, msg);
    return new StallingError(msg, { reason: SourceReason.GitOperationFailed, cause: err });
  }
  const reason = isGitError(err, 'auth') ? SourceReason.AuthenticationFailed : SourceReason.GitOperationFailed;
  fetchFailed(obj, reason, msg);
  return new TransientError(msg, { reason, cause: err });
}

async function cleanup(ctx: Ctx): Promise<void> {
  st(ctx).release?.();
  st(ctx).release = undefined;
  const tmp = st(ctx).tmp;
  if (tmp) {
    st(ctx).tmp = undefined;
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
  }
}

function cleaning(step: ReconcileStep<GitRepository>, always = false): ReconcileStep<GitRepository> {
  return {
    name: step.name,
    run: async (ctx) => {
      try {
        await step.run(ctx);
      } catch (err) {
        await cleanup(ctx);
        throw err;
      }
      if (always) await cleanup(ctx);
    },
  };
}

function storageFailure(obj: GitRepository, err: unknown): Error {
  if (err instanceof StorageError) {
    const reason =
      err.op === 'mkdir' ? SourceReason.DirectoryCreationFailed
      : err.op === 'stat' ? SourceReason.StatOperationFailed
      : err.op === 'lock' ? SourceReason.AcquireLockFailed
      : SourceReason.ArchiveOperationFailed;
    markTrue(obj, { type: SourceCondition.StorageOperationFailed, reason, message: err.message });
    return new TransientError(err.message, { reason, cause: err });
  }
  if (isArchiveError(err)) {
    const msg = `failed to archive the source: ${err.message}`;
    markTrue(obj, { type: SourceCondition.StorageOperationFailed, reason: SourceReason.ArchiveOperationFailed, message: msg });
    // Content problems (symlink out of the tree, over the limits) need a new commit: poll at the interval.
    return new WaitingError(msg, { reason: SourceReason.ArchiveOperationFailed, cause: err, requeueAfterMs: intervalOf(obj) });
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** Step 1. */
function reconcileStorage(storage: ArtifactStorage): ReconcileStep<GitRepository> {
  return {
    name: 'reconcileStorage',
    run: async (ctx) => {
      const { obj } = ctx;
      const art = obj.status?.artifact;
      try {
        if (art && !(await storage.exists(art))) {
          delete status(obj).artifact;
          removeCondition(obj, SourceCondition.ArtifactInStorage);
          await ctx.progress('building artifact: disappeared from storage');
          return;
        }
        if (!art) return;
        const url = storage.urlFor(art.path);
        if (art.url !== url) art.url = url;
        markTrue(obj, { type: SourceCondition.ArtifactInStorage, reason: SourceReason.Succeeded, message: `stored artifact for revision '${art.revision}'` });
        await storage.gc(keyOf(obj), [art.path]).catch((err: unknown) => ctx.log.warn({ error: (err as Error).message }, 'artifact garbage collection failed'));
      } catch (err) {
        throw storageFailure(obj, err);
      }
    },
  };
}

function checkSpec(obj: GitRepository): void {
  const problems = checkGitRepositorySpec(obj.spec);
  const first = problems[0];
  if (first) {
    const reason = first.field === 'spec.url' ? SourceReason.URLInvalid : first.field.startsWith('spec.include') ? SourceReason.InvalidPath : SourceReason.UnsupportedConfiguration;
    throw new StallingError(`invalid ${first.field}: ${first.message}`, { reason });
  }
  try {
    validateRemoteUrl(obj.spec.url, ['http', 'https', 'ssh']);
  } catch (err) {
    throw new StallingError((err as Error).message, { reason: SourceReason.URLInvalid, cause: err });
  }
  try {
    validateRefSpec(gitRepositorySpecWithDefaults(obj.spec).ref);
  } catch (err) {
    throw gitFailure(obj, err, 'invalid reference');
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** True when the stored artifact was built from this revision with the same content settings. */
function contentUnchanged(obj: GitRepository, resolved: ResolvedRef, includes: readonly ResolvedInclude[]): boolean {
  const s = obj.status;
  if (!s?.artifact || getCondition(obj, SourceCondition.ArtifactInStorage)?.status !== 'True') return false;
  if (s.artifact.revision !== resolved.revision) return false;
  if ((s.observedIgnore ?? null) !== (obj.spec.ignore ?? null)) return false;
  if ((s.observedRecurseSubmodules ?? false) !== (obj.spec.recurseSubmodules ?? false)) return false;
  if (!sameJson(s.observedSparseCheckout ?? [], obj.spec.sparseCheckout ?? [])) return false;
  if (!sameJson(s.observedInclude ?? [], observedIncludes(obj.spec.include))) return false;
  return sameJson((s.includedArtifacts ?? []).map((a) => a.digest), includes.map((i) => i.artifact.digest));
}

async function loadIncludes(ctx: Ctx, storage: ArtifactStorage, retryMs: number): Promise<ResolvedInclude[]> {
  const { obj } = ctx;
  try {
    const includes = await resolveIncludes(
      obj,
      async (name) => (await ctx.client.tryGet({ apiVersion: gitRepositoryApiVersion, kind: gitRepositoryKind, namespace: obj.metadata.namespace, name })) as GitRepository | undefined,
      storage,
    );
    removeCondition(obj, SourceCondition.IncludeUnavailable);
    return includes;
  } catch (err) {
    if (!(err instanceof IncludeError)) throw err;
    if (err.reason === 'InvalidPath') throw new StallingError(err.message, { reason: SourceReason.InvalidPath, cause: err });
    markTrue(obj, { type: SourceCondition.IncludeUnavailable, reason: err.reason, message: err.message });
    throw new WaitingError(err.message, { reason: err.reason, cause: err, requeueAfterMs: retryMs });
  }
}

/** Step 2. */
function reconcileSource(opts: GitRepositoryReconcilerOptions): ReconcileStep<GitRepository> {
  return {
    name: 'reconcileSource',
    run: async (ctx) => {
      const { obj } = ctx;
      // Every git process and HTTP request of every concurrent reconcile listens on the manager's signal.
      setMaxListeners(0, ctx.signal);
      checkSpec(obj);
      const spec = gitRepositorySpecWithDefaults(obj.spec);
      const timeoutMs = parseDuration(spec.timeout) ?? 60_000;
      let auth: GitAuth;
      try {
        auth = await gitAuthFromSecret(ctx.client, { namespace: obj.metadata.namespace ?? 'default', name: spec.secretRef?.name, url: spec.url });
      } catch (err) {
        const msg = err instanceof CredentialsError ? err.message : `failed to read credentials: ${(err as Error).message}`;
        fetchFailed(obj, SourceReason.AuthenticationFailed, msg);
        throw new TransientError(msg, { reason: SourceReason.AuthenticationFailed, cause: err });
      }
      const includes = await loadIncludes(ctx, opts.storage, opts.includeRetryMs ?? Math.min(intervalOf(obj), 30_000));
      let resolved: ResolvedRef;
      try {
        resolved = await resolveShared(spec.url, spec.ref, { auth, timeoutMs });
      } catch (err) {
        throw gitFailure(obj, err, 'failed to checkout and determine revision');
      }
      Object.assign(st(ctx), { auth, resolved, includes });
      if (contentUnchanged(obj, resolved, includes)) {
        st(ctx).upToDate = true;
        removeCondition(obj, SourceCondition.FetchFailed);
        removeCondition(obj, SourceCondition.ArtifactOutdated);
        return;
      }
      if (obj.status?.artifact) markTrue(obj, { type: SourceCondition.ArtifactOutdated, reason: SourceReason.NewRevision, message: `new upstream revision '${resolved.revision}'` });
      await ctx.progress(`building artifact: new upstream revision '${resolved.revision}'`);
      if (includes.length === 0) {
        if (await adoptShared(ctx, opts, resolved)) return;
        // Another object is building these very bytes: wait for it and reuse its artifact.
        const ck = contentKey(obj, resolved.commit, auth);
        const pending = building.get(ck);
        if (pending) {
          await pending;
          if (await adoptShared(ctx, opts, resolved)) return;
        } else {
          let done!: () => void;
          building.set(ck, new Promise<void>((r) => (done = r)));
          st(ctx).release = () => {
            building.delete(ck);
            done();
          };
        }
      }
      const tmp = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'lockstep-gitrepo-'));
      st(ctx).tmp = tmp;
      try {
        st(ctx).checkout = await checkout({
          url: spec.url,
          ref: spec.ref,
          resolved,
          dir: join(tmp, 'repo'),
          auth,
          timeoutMs,
          signal: ctx.signal,
          sparseCheckout: spec.sparseCheckout,
          recurseSubmodules: spec.recurseSubmodules,
          maxBytes: opts.maxCheckoutBytes ?? 512 * 1024 * 1024,
          allowedSchemes: ['http', 'https', 'ssh'],
        });
      } catch (err) {
        throw gitFailure(obj, err, 'failed to checkout and determine revision');
      }
      removeCondition(obj, SourceCondition.FetchFailed);
    },
  };
}

/** Step 3. */
function reconcileInclude(opts: GitRepositoryReconcilerOptions): ReconcileStep<GitRepository> {
  return {
    name: 'reconcileInclude',
    run: async (ctx) => {
      const s = st(ctx);
      if (s.upToDate || !s.tmp || !s.includes?.length) return;
      try {
        await copyIncludes(join(s.tmp, 'repo'), s.includes, opts.storage, s.tmp);
      } catch (err) {
        if (err instanceof IncludeError) {
          markTrue(ctx.obj, { type: SourceCondition.IncludeUnavailable, reason: err.reason, message: err.message });
          throw new WaitingError(err.message, { reason: err.reason, cause: err, requeueAfterMs: intervalOf(ctx.obj) });
        }
        throw storageFailure(ctx.obj, err);
      }
    },
  };
}

/** Step 4. */
function reconcileArtifact(opts: GitRepositoryReconcilerOptions): ReconcileStep<GitRepository> {
  return {
    name: 'reconcileArtifact',
    run: async (ctx) => {
      const { obj } = ctx;
      const s = st(ctx);
      if (s.upToDate) {
        removeCondition(obj, SourceCondition.StorageOperationFailed);
        return;
      }
      const key = keyOf(obj);
      let artifact: Artifact;
      let subject: string;
      if (s.adopted) {
        ({ artifact, subject } = s.adopted);
      } else {
        if (!s.tmp || !s.checkout || !s.resolved) throw new Error('internal: no checkout to archive');
        const dir = join(s.tmp, 'repo');
        const co = s.checkout;
        subject = co.subject;
        try {
          const matcher = await loadIgnoreMatcher(dir, { specIgnore: obj.spec.ignore });
          const stored = await opts.storage.withLock(key, () =>
            opts.storage.store(key, { ...opts.archive, sourceDir: dir, fileName: `${co.commit}.tar.gz`, revision: co.revision, exclude: (p, isDir) => matcher.ignored(p, isDir) }),
          );
          const { result: _result, ...rest } = stored;
          artifact = rest;
        } catch (err) {
          throw storageFailure(obj, err);
        }
        if (!s.includes?.length) remember(contentKey(obj, co.commit, s.auth), { path: artifact.path, digest: artifact.digest, size: artifact.size ?? 0, subject });
      }
      const prev = obj.status?.artifact;
      const st2 = status(obj);
      st2.artifact = artifact;
      st2.includedArtifacts = (s.includes ?? []).map((i) => i.artifact);
      if (!st2.includedArtifacts.length) delete st2.includedArtifacts;
      setOrDelete(st2, 'observedIgnore', obj.spec.ignore);
      setOrDelete(st2, 'observedRecurseSubmodules', obj.spec.recurseSubmodules);
      setOrDelete(st2, 'observedSparseCheckout', obj.spec.sparseCheckout?.length ? obj.spec.sparseCheckout : undefined);
      setOrDelete(st2, 'observedInclude', obj.spec.include?.length ? observedIncludes(obj.spec.include) : undefined);
      markTrue(obj, { type: SourceCondition.ArtifactInStorage, reason: SourceReason.Succeeded, message: `stored artifact for revision '${artifact.revision}'` });
      removeCondition(obj, SourceCondition.ArtifactOutdated);
      removeCondition(obj, SourceCondition.StorageOperationFailed);
      if (prev?.digest !== artifact.digest) {
        await ctx.event({ type: 'Normal', reason: SourceReason.NewArtifact, message: `stored artifact for commit '${subject}'`, metadata: { revision: artifact.revision } });
      }
      await opts.storage.gc(key, [artifact.path]).catch((err: unknown) => ctx.log.warn({ error: (err as Error).message }, 'artifact garbage collection failed'));
    },
  };
}

function setOrDelete<K extends keyof NonNullable<GitRepository['status']>>(s: NonNullable<GitRepository['status']>, k: K, v: NonNullable<GitRepository['status']>[K] | undefined): void {
  if (v === undefined) delete s[k];
  else s[k] = v;
}

/** The GitRepository reconciler definition for the runtime's shell. */
export function gitRepositoryReconciler(opts: GitRepositoryReconcilerOptions): ReconcilerDefinition<GitRepository> {
  return {
    type: { apiVersion: gitRepositoryApiVersion, kind: gitRepositoryKind },
    controllerName: sourceControllerName,
    finalizer: sourceFinalizer,
    ownedConditions: Object.values(SourceCondition),
    summary: {
      negativePolarity: [SourceCondition.StorageOperationFailed, SourceCondition.FetchFailed, SourceCondition.IncludeUnavailable, SourceCondition.BuildFailed],
      positivePolarity: [SourceCondition.ArtifactInStorage],
    },
    readyMessage: (obj) => ({ reason: SourceReason.Succeeded, message: `stored artifact for revision '${obj.status?.artifact?.revision ?? ''}'` }),
    steps: [reconcileStorage(opts.storage), cleaning(reconcileSource(opts)), cleaning(reconcileInclude(opts)), cleaning(reconcileArtifact(opts), true)],
    finalize: async (ctx) => {
      await opts.storage.removeObject(keyOf(ctx.obj));
    },
    interval: (obj) => intervalOf(obj),
    revision: (obj) => obj.status?.artifact?.revision,
  };
}

/** Condition type constants re-exported for tests and consumers. */
export const GitRepositoryConditions = { ...SourceCondition, Ready: ConditionType.Ready } as const;
