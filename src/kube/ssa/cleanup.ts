/**
 * Taking ownership back from imperative edits (fluxcd/pkg `ssa` cleanup behaviour): field entries of
 * foreign managers (`kubectl-edit`, `kubectl-client-side-apply`, `before-first-apply`…) are merged into
 * our Apply entry so the next apply reverts or removes what they changed; kubectl's
 * last-applied-configuration annotation and kustomize-controller's legacy checksum annotation are dropped;
 * an Update entry under our own manager name (pre-SSA controllers) is merged like a foreign one.
 */
import type { JsonValue, KubeObject } from '../object.js';
import { FieldSet, decodeManagedFields, encodeManagedFields, managerId, type ManagerEntry } from '../merge/ssa/index.js';

export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';
/** Written by kustomize-controller before it used server-side apply; removed as Flux does. */
export const legacyChecksumAnnotation = 'kustomize.toolkit.fluxcd.io/checksum';

/** A JSON patch (RFC 6902) operation. */
export type JsonPatchOp = { op: 'test' | 'replace' | 'add'; path: string; value: JsonValue } | { op: 'remove'; path: string };

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The JSON patch that moves every main-resource entry of a manager in `managers` into the Apply entry of
 * `owner` (created when absent, at `apiVersion`) and removes the last-applied annotation; `undefined`
 * when there is nothing to clean. The patch starts with a `test` of the resourceVersion so it fails
 * (Conflict/Invalid) rather than overwrite a concurrent change. Throws ManagedFieldsError on corrupt
 * managedFields.
 */
export function cleanupPatch(live: KubeObject, opts: { managers: ReadonlySet<string>; owner: string; apiVersion: string }): JsonPatchOp[] | undefined {
  const managed = decodeManagedFields(live);
  // foreign managers, and our own name as an Update manager (left by old controllers that did not use SSA)
  const foreign = [...managed.entries()].filter(([, e]) => !e.subresource && (opts.managers.has(e.manager) || (e.manager === opts.owner && e.operation === 'Update')));
  const hasLastApplied = live.metadata.annotations?.[lastAppliedAnnotation] !== undefined;
  const hasChecksum = live.metadata.annotations?.[legacyChecksumAnnotation] !== undefined;
  if (foreign.length === 0 && !hasLastApplied && !hasChecksum) return undefined;
  const ops: JsonPatchOp[] = [];
  if (live.metadata.resourceVersion) ops.push({ op: 'test', path: '/metadata/resourceVersion', value: live.metadata.resourceVersion });
  if (foreign.length > 0) {
    const ownKey = managerId({ manager: opts.owner, operation: 'Apply', apiVersion: opts.apiVersion });
    const own: ManagerEntry = managed.get(ownKey) ?? { manager: opts.owner, operation: 'Apply', apiVersion: opts.apiVersion, fields: new FieldSet() };
    let fields = own.fields;
    for (const [key, e] of foreign) {
      fields = fields.union(e.fields);
      managed.delete(key);
    }
    managed.set(ownKey, { ...own, fields, time: new Date().toISOString().replace(/\.\d+Z$/, 'Z') });
    ops.push({ op: 'replace', path: '/metadata/managedFields', value: encodeManagedFields(managed) });
  }
  if (hasLastApplied) ops.push({ op: 'remove', path: `/metadata/annotations/${escapePointer(lastAppliedAnnotation)}` });
  if (hasChecksum) ops.push({ op: 'remove', path: `/metadata/annotations/${escapePointer(legacyChecksumAnnotation)}` });
  return ops;
}
