/**
 * A stand-in controller for CLI tests (not production code): polls Lockstep objects and, for each one
 * not suspended whose `reconcile.fluxcd.io/requestedAt` (or generation) is not handled yet, writes the
 * status a real controller would: Ready (True, or False with a reason when `failWith` names it),
 * `lastHandledReconcileAt`, and the revision (`artifact` for sources, `lastAppliedRevision` otherwise).
 * Keeps the CLI tests about the CLI, independent of the controllers' own timing.
 */
import type { KubeClient } from '../../kube/client/index.js';
import type { KubeObject } from '../../kube/object.js';
import { reconcileRequestAnnotation } from '../../api/meta.js';
import { cliKinds } from './kinds.js';

/** Options of {@link startFakeController}. */
export interface FakeControllerOptions {
  client: KubeClient;
  namespace: string;
  /** The revision reported (may be changed while running). */
  revision: { value: string };
  /** Names that fail (Ready False, reason ReconciliationFailed, this message). */
  failWith?: Map<string, string>;
  intervalMs?: number;
}

/** Starts the loop; the returned function stops it. */
export function startFakeController(opts: FakeControllerOptions): () => Promise<void> {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const k of cliKinds) {
        let items: KubeObject[] = [];
        try {
          items = (await opts.client.list({ apiVersion: k.apiVersion, kind: k.kind }, { namespace: opts.namespace })).items;
        } catch {
          continue;
        }
        for (const o of items) await reconcile(o, k.isSource, opts).catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

async function reconcile(o: KubeObject, isSource: boolean, opts: FakeControllerOptions): Promise<void> {
  const spec = (o as { spec?: { suspend?: boolean } }).spec ?? {};
  if (spec.suspend) return;
  const status = ((o as { status?: Record<string, unknown> }).status ?? {}) as Record<string, unknown>;
  const token = o.metadata.annotations?.[reconcileRequestAnnotation];
  const handled = status['lastHandledReconcileAt'];
  const gen = o.metadata.generation ?? 0;
  if (status['observedGeneration'] === gen && (token === undefined || token === handled)) return;
  const failure = opts.failWith?.get(o.metadata.name ?? '');
  const rev = opts.revision.value;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const ready = failure
    ? { type: 'Ready', status: 'False', reason: 'ReconciliationFailed', message: failure, lastTransitionTime: now, observedGeneration: gen }
    : { type: 'Ready', status: 'True', reason: 'Succeeded', message: isSource ? `stored artifact for revision '${rev}'` : `Applied revision: ${rev}`, lastTransitionTime: now, observedGeneration: gen };
  const next: Record<string, unknown> = { ...status, observedGeneration: gen, conditions: [ready] };
  if (token !== undefined) next['lastHandledReconcileAt'] = token;
  if (!failure) {
    if (isSource) next['artifact'] = { revision: rev, digest: 'sha256:' + '0'.repeat(64), path: 'x', url: 'http://127.0.0.1/x', lastUpdateTime: now };
    else next['lastAppliedRevision'] = rev;
  }
  await opts.client.updateStatus({ ...o, status: next } as KubeObject);
}
