/** Health polling of a set of objects with kstatus (used by `ResourceManager.wait` and stage waits). */
import type { KubeClient } from '../client/index.js';
import type { KubeObject } from '../object.js';
import { formatObjectRef, inventoryId } from '../identity.js';
import { Status, computeStatus } from '../kstatus/index.js';
import { HealthCheckError } from './errors.js';
import { clientRef } from './plan.js';
import { mapLimit, sleep } from './pool.js';
import type { HealthResult, ObjectHealth, VersionedRef, WaitOptions } from './types.js';

/** Refs of one kind and namespace that are polled with one list instead of one read each. */
const LIST_MIN = 3;
/** The largest collection a poll lists; bigger ones (or failed lists) fall back to reads. */
const LIST_MAX_ITEMS = 20_000;

function healthOf(ref: VersionedRef, live: KubeObject | undefined): ObjectHealth {
  const subject = formatObjectRef(ref);
  if (!live) return { ref, subject, status: Status.NotFound, message: 'Resource not found' };
  return { ref, subject, ...computeStatus(live) };
}

/** Lists the collections of groups of at least {@link LIST_MIN} refs; `undefined` for groups not listed. */
async function listGroups(client: KubeClient, refs: readonly VersionedRef[], concurrency: number): Promise<Map<VersionedRef, KubeObject | undefined>> {
  const groups = new Map<string, VersionedRef[]>();
  for (const r of refs) {
    const key = JSON.stringify([r.group, r.version, r.kind, r.namespace]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const found = new Map<VersionedRef, KubeObject | undefined>();
  await mapLimit([...groups.values()].filter((g) => g.length >= LIST_MIN), concurrency, async (group) => {
    const first = group[0] as VersionedRef;
    const { apiVersion, kind, namespace } = clientRef(first);
    try {
      const list = await client.list({ apiVersion, kind }, { namespace, maxItems: LIST_MAX_ITEMS });
      const byName = new Map(list.items.filter((it) => (it.metadata.namespace ?? '') === first.namespace).map((it) => [it.metadata.name, it]));
      for (const r of group) found.set(r, byName.get(r.name));
    } catch {
      // read one by one below
    }
  });
  return found;
}

/**
 * One poll: the status of each object (NotFound when absent, Unknown with the error on a read failure).
 * Refs sharing kind and namespace are read with one list.
 */
export async function pollHealth(client: KubeClient, refs: readonly VersionedRef[], concurrency: number): Promise<ObjectHealth[]> {
  const listed = await listGroups(client, refs, concurrency);
  return mapLimit(refs, concurrency, async (ref) => {
    if (listed.has(ref)) return healthOf(ref, listed.get(ref));
    try {
      return healthOf(ref, await client.tryGet(clientRef(ref)));
    } catch (err) {
      return { ref, subject: formatObjectRef(ref), status: Status.Unknown, message: err instanceof Error ? err.message : String(err) };
    }
  });
}

/** `[Kind/ns/name status: 'InProgress': message, …]` of the objects not Current. */
export function describeUnhealthy(objects: readonly ObjectHealth[]): string {
  const parts = objects.filter((o) => o.status !== Status.Current).map((o) => `${o.subject} status: '${o.status}'${o.message ? `: ${o.message}` : ''}`);
  return `[${parts.join(', ')}]`;
}

/** The first pause between health polls, ms; it doubles after every round up to `intervalMs`. */
export const FIRST_POLL_INTERVAL_MS = 250;

/**
 * Polls until every object is Current. Throws {@link HealthCheckError}: `Failed` at the first poll with
 * a Failed object when `failFast` (default true), `Timeout` after `timeoutMs`, `Aborted` on the signal.
 *
 * The pause between rounds starts at {@link FIRST_POLL_INTERVAL_MS} (or `intervalMs` when that is smaller) and
 * doubles each round up to `intervalMs` (Flux polls every 5 s from the start): an object that is ready within a
 * second is seen within a second, and a long wait costs at most a few more reads than Flux's.
 *
 * The first round takes the objects in `known` (by inventory ID: the apply responses, or what was read
 * just before) instead of reading them; later rounds read only the objects not Current yet. Caveat: an
 * object seen Current is not read again (Flux's poller re-reads all until all are Current at once).
 */
export async function waitForSet(client: KubeClient, refs: readonly VersionedRef[], opts: WaitOptions & { concurrency?: number; known?: ReadonlyMap<string, KubeObject> }): Promise<HealthResult> {
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  const interval = opts.intervalMs ?? 5000;
  let pause = Math.min(FIRST_POLL_INTERVAL_MS, interval);
  const failFast = opts.failFast ?? true;
  const latest = new Map<VersionedRef, ObjectHealth>();
  for (const ref of refs) {
    const obj = opts.known?.get(inventoryId(ref));
    if (obj) latest.set(ref, healthOf(ref, obj));
  }
  let pending = refs.filter((r) => !latest.has(r));
  for (;;) {
    if (pending.length > 0) for (const o of await pollHealth(client, pending, opts.concurrency ?? 4)) latest.set(o.ref, o);
    const objects = refs.map((r) => latest.get(r) as ObjectHealth);
    pending = objects.filter((o) => o.status !== Status.Current).map((o) => o.ref);
    if (pending.length === 0) return { objects, elapsedMs: Date.now() - started };
    if (failFast && objects.some((o) => o.status === Status.Failed)) {
      throw new HealthCheckError('Failed', objects, `failed early due to stalled resources: ${describeUnhealthy(objects.filter((o) => o.status === Status.Failed))}`);
    }
    if (opts.signal?.aborted) throw new HealthCheckError('Aborted', objects, `health check aborted while waiting for: ${describeUnhealthy(objects)}`);
    const left = deadline - Date.now();
    if (left <= 0) throw new HealthCheckError('Timeout', objects, `timeout waiting for: ${describeUnhealthy(objects)}`);
    await sleep(Math.min(pause, left), opts.signal);
    pause = Math.min(pause * 2, interval);
  }
}

/**
 * Polls every `intervalMs` (default 2 s, Flux's) until none of the objects exists (a read answers
 * 404); each round reads only the objects still present. Caveat: an object recreated under the same
 * name meanwhile counts as not gone (as Flux). Throws {@link HealthCheckError} `Timeout` (listing what is left, `Terminating` when it
 * carries a deletionTimestamp) or `Aborted`.
 */
export async function waitForTermination(client: KubeClient, refs: readonly VersionedRef[], opts: WaitOptions & { concurrency?: number }): Promise<HealthResult> {
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  let left: ObjectHealth[] = refs.map((ref) => ({ ref, subject: formatObjectRef(ref), status: Status.InProgress, message: '' }));
  for (;;) {
    const polled = await mapLimit(left, opts.concurrency ?? 4, async (o): Promise<ObjectHealth | undefined> => {
      let live: KubeObject | undefined;
      try {
        live = await client.tryGet(clientRef(o.ref));
      } catch (err) {
        return { ...o, status: Status.Unknown, message: err instanceof Error ? err.message : String(err) };
      }
      if (!live) return undefined;
      return { ...o, status: Status.InProgress, message: live.metadata['deletionTimestamp'] ? 'Terminating' : 'still exists' };
    });
    left = polled.filter((o): o is ObjectHealth => o !== undefined);
    if (left.length === 0) return { objects: [], elapsedMs: Date.now() - started };
    if (opts.signal?.aborted) throw new HealthCheckError('Aborted', left, `termination wait aborted while waiting for: ${describeUnhealthy(left)}`);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new HealthCheckError('Timeout', left, `timeout waiting for termination of: ${describeUnhealthy(left)}`);
    await sleep(Math.min(opts.intervalMs ?? 2000, remaining), opts.signal);
  }
}
