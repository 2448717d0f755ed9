/**
 * The default {@link MergeEngine}: JSON patch, merge patch and strategic merge patch from
 * `src/kube/merge/`. Server-side apply and managedFields: see `ssa` below.
 */
import type { JsonObject, JsonValue, KubeObject } from '../kube/object.js';
import { applyJsonPatch } from '../kube/merge/jsonpatch.js';
import { applyMergePatch } from '../kube/merge/mergepatch.js';
import { applyStrategicMergePatch } from '../kube/merge/strategic.js';
import type { ApplyConflict, MergeApplyOptions, MergeEngine, MergeUpdateOptions } from './merge.js';
import { clone } from './meta.js';

/**
 * Interim server-side apply used until the SSA engine (`src/kube/merge/ssa/`) is wired: merges the applied
 * configuration into the live object with strategic-merge semantics, reports no conflicts and does not
 * remove fields a manager stopped applying. managedFields are left as they are.
 */
function interimApply(opts: MergeApplyOptions): { object: KubeObject; conflicts: ApplyConflict[] } {
  if (!opts.live) return { object: clone(opts.applied), conflicts: [] };
  const merged = applyStrategicMergePatch(opts.live as unknown as JsonObject, opts.applied as unknown as JsonObject, opts.schema);
  return { object: merged as unknown as KubeObject, conflicts: [] };
}

/** The merge engine of `src/kube/merge/`. */
export function defaultMergeEngine(): MergeEngine {
  return {
    jsonPatch: (doc, ops) => applyJsonPatch(doc, ops),
    mergePatch: (doc, patch) => applyMergePatch(doc, patch),
    strategicMergePatch: (doc, patch, schema): JsonValue => applyStrategicMergePatch(doc, patch, schema),
    apply: interimApply,
    recordUpdate: (opts: MergeUpdateOptions) => opts.updated,
    conflictMessage: (conflicts, apiVersion) =>
      `Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}: ${conflicts.map((c) => `conflict with "${c.manager}" using ${apiVersion}: ${c.path}`).join('\n')}`,
  };
}
