/**
 * The SSA resource manager (behaviour of fluxcd/pkg `ssa/`): staged server-side apply with drift
 * detection by dry-run, prune, and health waits.
 */
import type { KubeObject } from '../object.js';
import { ChangeSet } from './changeset.js';
import type { ApplyOptions, DeleteAllOptions, DiffOptions, HealthResult, ObjectDiff, ResourceManagerOptions, VersionedRef, WaitOptions } from './types.js';

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

/** See the module comment. One instance per controller; safe to share between reconciles. */
export class ResourceManager {
  constructor(readonly opts: ResourceManagerOptions) {}

  /**
   * Applies `objects` in stages (1: CRDs, Namespaces, ClusterRoles, then a wait until CRDs are
   * Established; 2: `*Class` kinds; 3: the rest). Per stage every object is first dry-run applied and
   * compared with the live object; if any dry-run fails, an {@link ApplyError} is thrown and nothing of
   * that stage (or later) is written. Only created/configured objects are then really applied.
   */
  apply(objects: readonly KubeObject[], opts: ApplyOptions = {}): Promise<ChangeSet> {
    void objects;
    void opts;
    return Promise.reject(new Error('ResourceManager.apply: not yet implemented'));
  }

  /** The drift of each object (dry-run vs live), as unified diffs with Secret values masked. Writes nothing. */
  diff(objects: readonly KubeObject[], opts: DiffOptions = {}): Promise<ObjectDiff[]> {
    void objects;
    void opts;
    return Promise.reject(new Error('ResourceManager.diff: not yet implemented'));
  }

  /**
   * Deletes the referenced objects in reverse staging order (the rest, then `*Class`, then CRDs/Namespaces/
   * ClusterRoles), only those whose live labels include `ownerLabels` and not prune-disabled. NotFound is
   * ignored (not in the change set). Failures are collected and thrown as one {@link ApplyError} after
   * trying every object.
   */
  deleteAll(refs: readonly VersionedRef[], opts: DeleteAllOptions): Promise<ChangeSet> {
    void refs;
    void opts;
    return Promise.reject(new Error('ResourceManager.deleteAll: not yet implemented'));
  }

  /**
   * Polls the objects until every one is Current (resolves), one is Failed and `failFast` (throws
   * {@link HealthCheckError} reason Failed), the timeout passes (reason Timeout) or `signal` aborts.
   */
  wait(refs: readonly VersionedRef[], opts: WaitOptions): Promise<HealthResult> {
    void refs;
    void opts;
    return Promise.reject(new Error('ResourceManager.wait: not yet implemented'));
  }
}
