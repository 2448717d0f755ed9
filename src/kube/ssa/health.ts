/** Health polling of a set of objects with kstatus (used by `ResourceManager.wait` and stage waits). */
import type { KubeClient } from '../client/index.js';
import { formatObjectRef } from '../identity.js';
import { Status, computeStatus } from '../kstatus/index.js';
import { HealthCheckError } from './errors.js';
import { clientRef } from './plan.js';
import { mapLimit, sleep } from './pool.js';
import type { HealthResult, ObjectHealth, VersionedRef, WaitOptions } from './types.js';

/** One poll: the status of each object (NotFound when absent, Unknown with the error on a read failure). */
export async function pollHealth(client: KubeClient, refs: readonly VersionedRef[], concurrency: number): Promise<ObjectHealth[]> {
  return mapLimit(refs, concurrency, async (ref) => {
    const subject = formatObjectRef(ref);
    try {
      const live = await client.tryGet(clientRef(ref));
      if (!live) return { ref, subject, status: Status.NotFound, message: 'Resource not found' };
      return { ref, subject, ...computeStatus(live) };
    } catch (err) {
      return { ref, subject, status: Status.Unknown, message: err instanceof Error ? err.message : String(err) };
    }
  });
}

/** `[Kind/ns/name status: 'InProgress': message, …]` of the objects not Current. */
export function describeUnhealthy(objects: readonly ObjectHealth[]): string {
  const parts = objects.filter((o) => o.status !== Status.Current).map((o) => `${o.subject} status: '${o.status}'${o.message ? `: ${o.message}` : ''}`);
  return `[${parts.join(', ')}]`;
}

/**
 * Polls until every object is Current. Throws {@link HealthCheckError}: `Failed` at the first poll with
 * a Failed object when `failFast` (default true), `Timeout` after `timeoutMs`, `Aborted` on the signal.
 */
export async function waitForSet(client: KubeClient, refs: readonly VersionedRef[], opts: WaitOptions & { concurrency?: number }): Promise<HealthResult> {
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  const interval = opts.intervalMs ?? 5000;
  const failFast = opts.failFast ?? true;
  for (;;) {
    const objects = await pollHealth(client, refs, opts.concurrency ?? 4);
    if (objects.every((o) => o.status === Status.Current)) return { objects, elapsedMs: Date.now() - started };
    if (failFast && objects.some((o) => o.status === Status.Failed)) {
      throw new HealthCheckError('Failed', objects, `failed early due to stalled resources: ${describeUnhealthy(objects.filter((o) => o.status === Status.Failed))}`);
    }
    if (opts.signal?.aborted) throw new HealthCheckError('Aborted', objects, `health check aborted while waiting for: ${describeUnhealthy(objects)}`);
    const left = deadline - Date.now();
    if (left <= 0) throw new HealthCheckError('Timeout', objects, `timeout waiting for: ${describeUnhealthy(objects)}`);
    await sleep(Math.min(interval, left), opts.signal);
  }
}
