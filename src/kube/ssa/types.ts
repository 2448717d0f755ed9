/**
 * Public types of the SSA resource manager (see `manager.ts`): options, references and results.
 */
import type { ObjectRef } from '../identity.js';
import type { KubeClient } from '../client/index.js';
import type { HealthStatus } from '../kstatus/index.js';
import type { KubeObject } from '../object.js';
import type { IgnoreRule } from './ignore.js';
import type { Inventory } from './inventory.js';

/** An object reference with the API version to read it at (group/kind/namespace/name from identity.ts). */
export interface VersionedRef extends ObjectRef {
  /** The API version without group (`v1`, `v1beta1`). */
  version: string;
}

/** How the manager is built: one per controller (one field manager). */
export interface ResourceManagerOptions {
  client: KubeClient;
  /** The SSA field manager, `kustomize-controller` for Kustomizations (as Flux names it). */
  fieldManager: string;
  /**
   * Foreign field managers whose entries are removed from managedFields before a drift comparison so
   * their out-of-band edits are reverted (default {@link defaultCleanupManagers}).
   */
  cleanupManagers?: readonly string[];
  /** Concurrent requests per stage (default 4, Flux's `--concurrent-ssa`). */
  concurrency?: number;
}

/** What apply did (or would do) to one object. */
export const ChangeAction = {
  Created: 'created',
  Configured: 'configured',
  Unchanged: 'unchanged',
  Deleted: 'deleted',
  /** Not touched: `ssa: Ignore`, `reconcile: disabled`, `IfNotPresent` on an existing object, `prune: disabled`, or not owned. */
  Skipped: 'skipped',
} as const;
export type ChangeAction = (typeof ChangeAction)[keyof typeof ChangeAction];

/** One line of a change set. */
export interface ChangeSetEntry {
  ref: VersionedRef;
  /** `Deployment/ns/name` as Flux prints it (`Namespace/name` when cluster-scoped). */
  subject: string;
  action: ChangeAction;
}

/** Options for {@link ResourceManager.apply}. */
export interface ApplyOptions {
  /**
   * Recreate every object whose apply fails on an immutable field (Kustomization `spec.force`). Objects
   * annotated `kustomize.toolkit.fluxcd.io/force: Enabled` are recreated regardless.
   */
  force?: boolean;
  /**
   * Compute the change set only: dry-runs, no write (default false). Objects whose kind comes from a CRD
   * of the same set that the server does not serve yet are reported `created` without a dry-run.
   */
  dryRun?: boolean;
  /** Labels added to every applied object (the owner labels `kustomize.toolkit.fluxcd.io/name|namespace`). */
  ownerLabels?: Record<string, string>;
  /** Wait between stages until CRDs are Established and Namespaces active (default true). */
  waitForStages?: boolean;
  /** Limit of each stage wait (default 60 s). */
  stageTimeoutMs?: number;
  /** Poll interval of the stage wait (default 500 ms). */
  stageIntervalMs?: number;
  /** Flux `spec.ignore`: JSON pointer paths kept out of drift detection and apply (see `ignore.ts`). */
  ignore?: readonly IgnoreRule[];
  /**
   * The owner's inventory from its last apply. Objects NOT in it (new in this revision, or the whole set
   * on a first apply) are assumed absent: they are not read before their dry-run. A dry-run that shows
   * the object exists after all (it carries a resourceVersion: adoption, or a lost inventory) reads it and
   * plans again, so the action is always right; a wrong guess only costs the request saved. Unset: every
   * object is read (or listed) first.
   */
  previousInventory?: Inventory | undefined;
  signal?: AbortSignal;
}

/** Options for {@link ResourceManager.deleteAll}. */
export interface DeleteAllOptions {
  /**
   * Only live objects carrying ALL these labels are deleted (the owner labels of this Kustomization);
   * the others are reported `skipped`. An empty map deletes regardless of labels.
   */
  ownerLabels: Record<string, string>;
  /** Skip objects with `kustomize.toolkit.fluxcd.io/prune: disabled` (or `ssa: Ignore`, `reconcile: disabled`); default true. */
  respectPruneDisabled?: boolean;
  /** Default `Background`, as Flux. */
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  dryRun?: boolean;
}

/** Options for {@link ResourceManager.wait}. */
export interface WaitOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** The longest pause between polls (default 5 s, Flux's interval); pauses start at 250 ms and double up to it. */
  intervalMs?: number;
  /** Stop at the first poll where an object is `Failed` (default true). */
  failFast?: boolean;
  /**
   * Objects already known, by inventory ID (e.g. {@link ChangeSet.objects} of the apply just done): the
   * first round takes their status from these instead of reading them.
   */
  known?: ReadonlyMap<string, KubeObject> | undefined;
  signal?: AbortSignal;
}

/** The health of one object at the last poll. */
export interface ObjectHealth extends HealthStatus {
  ref: VersionedRef;
  subject: string;
}

/** The result of a successful {@link ResourceManager.wait}: every object Current. */
export interface HealthResult {
  objects: ObjectHealth[];
  /** Time spent waiting. */
  elapsedMs: number;
}

/** Options for {@link ResourceManager.diff}. */
export interface DiffOptions {
  ownerLabels?: Record<string, string>;
  /** As {@link ApplyOptions.ignore}. */
  ignore?: readonly IgnoreRule[];
  /** Lines of context around each change (default 3). */
  context?: number;
}

/** The drift of one object for `lockstep diff`: a unified diff of live → desired (dry-run), Secret values masked. */
export interface ObjectDiff {
  ref: VersionedRef;
  subject: string;
  action: ChangeAction;
  /** Unified diff text (`--- live`/`+++ merged`); empty when unchanged or skipped. For created objects, all lines added. */
  diff: string;
}
