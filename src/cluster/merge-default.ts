/**
 * The default {@link MergeEngine}: JSON patch, merge patch and strategic merge patch, server-side apply and
 * managedFields from the merge engine in `src/kube/merge/`.
 */
import type { JsonValue } from '../kube/object.js';
import { applyJsonPatch } from '../kube/merge/jsonpatch.js';
import { applyMergePatch } from '../kube/merge/mergepatch.js';
import { conflictCauses, formatConflictMessage, recordUpdate, serverSideApply } from '../kube/merge/ssa/index.js';
import { applyStrategicMergePatch } from '../kube/merge/strategic.js';
import type { MergeEngine } from './merge.js';

/** The merge engine of `src/kube/merge/`. */
export function defaultMergeEngine(): MergeEngine {
  return {
    // the API server's JSON patch library (evanphx/json-patch v4) and its quirks, e.g. replace of a missing member adds it
    jsonPatch: (doc, ops) => applyJsonPatch(doc, ops, { compat: 'kubernetes' }),
    mergePatch: (doc, patch) => applyMergePatch(doc, patch),
    strategicMergePatch: (doc, patch, schema): JsonValue => applyStrategicMergePatch(doc, patch, schema),
    apply: (o) => serverSideApply({ live: o.live, applied: o.applied, manager: o.manager, force: o.force, schema: o.schema, now: o.now, subresource: o.subresource }),
    recordUpdate: (o) => recordUpdate({ live: o.live, updated: o.updated, manager: o.manager, schema: o.schema, now: o.now, subresource: o.subresource }),
    conflictMessage: (conflicts, apiVersion) => formatConflictMessage(conflicts, apiVersion),
    conflictCauses: (conflicts, apiVersion) => conflictCauses(conflicts, apiVersion),
  };
}
