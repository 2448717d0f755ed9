/**
 * Fields the API server never tracks in managedFields: they are stripped from the acting manager's set
 * after each operation (only the membership of these paths: fields below `metadata` stay).
 */

/** Untracked top-level fields (as path elements). */
const TOP: ReadonlySet<string> = new Set(['f:apiVersion', 'f:kind', 'f:metadata']);

/** Untracked fields of `metadata` (as path elements). */
const METADATA: ReadonlySet<string> = new Set(
  ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((n) => `f:${n}`),
);

/** Every untracked path. */
export const UNTRACKED_PATHS: readonly (readonly string[])[] = [...[...TOP].map((pe) => [pe]), ...[...METADATA].map((pe) => ['f:metadata', pe])];

/** True when `path` (path elements from the object's root) is an untracked field. */
export function isUntracked(path: readonly string[]): boolean {
  if (path.length === 1) return TOP.has(path[0] as string);
  return path.length === 2 && path[0] === 'f:metadata' && METADATA.has(path[1] as string);
}
