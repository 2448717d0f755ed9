/**
 * Finalizer helpers. Changes are JSON merge patches of `metadata.finalizers` guarded by the object's
 * resourceVersion; on Conflict the object is re-read and the change re-applied (up to 5 times).
 */
import type { KubeObject } from '../kube/object.js';
import { isConflict, isNotFound, refOf, type KubeClient } from '../kube/client/index.js';

/** Flux's finalizer name, used by every Flux controller. */
export const FLUX_FINALIZER = 'finalizers.fluxcd.io';

function finalizersOf(obj: KubeObject): string[] {
  const f = obj.metadata['finalizers'];
  return Array.isArray(f) ? f.filter((x): x is string => typeof x === 'string') : [];
}

export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return finalizersOf(obj).includes(finalizer);
}

/** True when the object is being deleted. */
export function isDeleting(obj: KubeObject): boolean {
  return typeof obj.metadata['deletionTimestamp'] === 'string' && obj.metadata['deletionTimestamp'] !== '';
}

async function change(client: KubeClient, obj: KubeObject, edit: (list: string[]) => string[] | undefined, fieldManager: string): Promise<void> {
  let current = obj;
  for (let attempt = 0; ; attempt++) {
    const next = edit(finalizersOf(current));
    if (!next) return;
    try {
      const res = await client.patch(
        refOf(current),
        { metadata: { finalizers: next, resourceVersion: current.metadata.resourceVersion ?? null } },
        { type: 'merge', fieldManager },
      );
      obj.metadata['finalizers'] = next;
      if (res.metadata?.resourceVersion) obj.metadata.resourceVersion = res.metadata.resourceVersion;
      return;
    } catch (err) {
      if (!isConflict(err) || attempt >= 5) throw err;
      current = await client.get(refOf(current));
    }
  }
}

/** Adds `finalizer` (no request when present). Updates `obj` in place. */
export function addFinalizer(client: KubeClient, obj: KubeObject, opts: { finalizer: string; fieldManager: string }): Promise<void> {
  return change(client, obj, (l) => (l.includes(opts.finalizer) ? undefined : [...l, opts.finalizer]), opts.fieldManager);
}

/** Removes `finalizer` (no request when absent; a vanished object counts as done). Updates `obj` in place. */
export async function removeFinalizer(client: KubeClient, obj: KubeObject, opts: { finalizer: string; fieldManager: string }): Promise<void> {
  try {
    await change(client, obj, (l) => (l.includes(opts.finalizer) ? l.filter((x) => x !== opts.finalizer) : undefined), opts.fieldManager);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
