/**
 * Planning one object: read the live object, dry-run apply, decide created / configured / unchanged /
 * skipped, and what the real write must do (plain apply, cleanup first, or delete + recreate).
 */
import { KubeApiError, NoKindMatchError, formatApiVersion, type KubeClient, type ObjectRef as ClientRef } from '../client/index.js';
import { formatObjectRef } from '../identity.js';
import type { KubeObject } from '../object.js';
import { SsaPolicy, isForceEnabled, isIgnored, ssaPolicyOf } from './annotations.js';
import { cleanupPatch, type JsonPatchOp } from './cleanup.js';
import { scrubSecretValues } from './diff.js';
import { apiMessage, type ObjectFailure } from './errors.js';
import { versionedRefOf } from './inventory.js';
import { isCertainNoOp } from './fastpath.js';
import { applyIgnoreRules, type IgnoreRule } from './ignore.js';
import { hasDrifted } from './normalize.js';
import type { ChangeAction, VersionedRef } from './types.js';

/** The decision for one object. */
export interface Planned {
  desired: KubeObject;
  ref: VersionedRef;
  subject: string;
  live: KubeObject | undefined;
  /** The server's dry-run result (absent when skipped, unchanged by the fast path, recreated, or of a pending CRD's kind). */
  dryRun: KubeObject | undefined;
  action: Exclude<ChangeAction, 'deleted'>;
  /** Delete the live object and create it again (immutable field change with force). */
  recreate: boolean;
  /** managedFields patch to run before the apply. */
  cleanup: JsonPatchOp[] | undefined;
}

/** What planning needs besides the object. */
export interface PlanContext {
  client: KubeClient;
  fieldManager: string;
  cleanupManagers: ReadonlySet<string>;
  /** Recreate any object on immutable-field errors (spec.force). */
  force: boolean;
  /**
   * `group/Kind` of the CRDs in the same set that are not applied (dry runs, diffs): their objects are
   * planned `created` without a dry-run, the server cannot know them yet.
   */
  pendingKinds?: ReadonlySet<string>;
  /** Flux `spec.ignore` rules (see `ignore.ts`). */
  ignore?: readonly IgnoreRule[];
}

/** The client reference of a versioned reference. */
export function clientRef(ref: VersionedRef): ClientRef {
  return { apiVersion: formatApiVersion(ref.group, ref.version), kind: ref.kind, name: ref.name, namespace: ref.namespace || undefined };
}

/**
 * True for a 422 whose message says a field is immutable (built-in validation, CEL rules, webhooks).
 * Kubernetes gives no distinct reason for this case (it is a FieldValueInvalid cause), so the message is
 * matched — the one place we do. Deliberately narrower than Flux, which recreates on ANY Invalid or
 * Conflict under force: an object the server rejects for another reason must not lose its live copy.
 */
export function isImmutableError(err: unknown): boolean {
  if (!(err instanceof KubeApiError) || err.code !== 422) return false;
  return /is immutable|immutable field|may not change|cannot change|updates to .* are forbidden/i.test(apiMessage(err));
}

/** A failure record for an object; Secret values of `desired` are masked in the message. */
export function failure(p: { ref: VersionedRef | undefined; subject: string; desired?: KubeObject }, phase: ObjectFailure['phase'], err: unknown): ObjectFailure {
  const message = scrubSecretValues(apiMessage(err), p.desired);
  return { ref: p.ref, subject: p.subject, phase, message, reason: err instanceof KubeApiError ? err.reason : undefined, cause: err };
}

/** What is already known about the live object: read by a list (absent from it = probably absent). */
export interface LiveHint {
  live: KubeObject | undefined;
}

function skipReason(desired: KubeObject, live: KubeObject | undefined): boolean {
  if (isIgnored(desired) || isIgnored(live)) return true;
  return live !== undefined && ssaPolicyOf(desired) === SsaPolicy.IfNotPresent;
}

/**
 * Plans one object (see the module comment). Never throws: failures come back as {@link ObjectFailure}.
 * With a `hint` the GET is skipped; an object absent from the hint whose dry-run shows it exists (a
 * resourceVersion), or whose dry-run fails, is then read and planned again without the hint. An existing object for which {@link isCertainNoOp} holds is
 * `unchanged` without a dry-run.
 */
export async function planObject(ctx: PlanContext, original: KubeObject, hint?: LiveHint): Promise<Planned | ObjectFailure> {
  const ref = versionedRefOf(original);
  const subject = formatObjectRef(ref);
  const read = await readLive(ctx, original, hint);
  if ('phase' in read) return read;
  const { live, desired } = read;
  const base = { desired, ref, subject, dryRun: undefined, recreate: false, cleanup: undefined };
  if (skipReason(desired, live)) return { ...base, live, action: 'skipped' };
  let cleanup: JsonPatchOp[] | undefined;
  try {
    cleanup = live ? cleanupOf(ctx, desired, live) : undefined;
  } catch (err) {
    return failure({ ref, subject, desired }, 'dry-run', err);
  }
  if (live && !cleanup && isCertainNoOp(desired, live, ctx.fieldManager)) return { ...base, live, action: 'unchanged' };
  let dryRun: KubeObject;
  try {
    dryRun = await ctx.client.apply(desired, { fieldManager: ctx.fieldManager, force: true, dryRun: true });
  } catch (err) {
    const decided = afterDryRunError(ctx, { ...base, live }, err);
    // absent was only a guess (hint): the object may exist after all (an immutable field, adoption): read it and plan again
    if (!decided && !live && hint) return planObject(ctx, original);
    return decided ?? failure({ ref, subject, desired }, 'dry-run', err);
  }
  if (!live && hint && dryRun.metadata.resourceVersion) {
    // not in the owner-labelled list but it exists (adoption): read it and plan again from it
    return planObject(ctx, original);
  }
  if (!live) return { ...base, live, dryRun, action: 'created' };
  const action = cleanup !== undefined || hasDrifted(live, dryRun) ? 'configured' : 'unchanged';
  return { ...base, live, dryRun, action, cleanup };
}

/** A plan despite a failed dry-run: recreate (immutable field under force) or created (kind of a pending CRD). */
function afterDryRunError(ctx: PlanContext, p: Omit<Planned, 'action'>, err: unknown): Planned | undefined {
  const { live, desired, ref } = p;
  if (live && isImmutableError(err) && (ctx.force || isForceEnabled(desired) || isForceEnabled(live))) return { ...p, action: 'configured', recreate: true };
  if (!live && err instanceof NoKindMatchError && ctx.pendingKinds?.has(`${ref.group}/${ref.kind}`)) return { ...p, action: 'created' };
  return undefined;
}

/** The live object (from the hint or a read) and the apply body with the ignore rules resolved. */
async function readLive(ctx: PlanContext, original: KubeObject, hint: LiveHint | undefined): Promise<{ live: KubeObject | undefined; desired: KubeObject } | ObjectFailure> {
  const ref = versionedRefOf(original);
  try {
    const live = hint ? hint.live : await ctx.client.tryGet(clientRef(ref));
    const desired = ctx.ignore?.length ? applyIgnoreRules(original, live, ctx.ignore, ctx.fieldManager) : original;
    return { live, desired };
  } catch (err) {
    return failure({ ref, subject: formatObjectRef(ref), desired: original }, 'dry-run', err);
  }
}

function cleanupOf(ctx: PlanContext, desired: KubeObject, live: KubeObject): JsonPatchOp[] | undefined {
  if (ssaPolicyOf(desired) === SsaPolicy.Merge) return undefined;
  return cleanupPatch(live, { managers: ctx.cleanupManagers, owner: ctx.fieldManager, apiVersion: desired.apiVersion });
}
