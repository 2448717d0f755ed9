/**
 * Events are one resource served in two groups, as in a real API server: core `v1` Events and
 * `events.k8s.io/v1` (and v1beta1) Events share one storage key (`/events`, see `catalog.ts`); an object is
 * stored in the shape of the version that last wrote it and converted when read through the other group.
 *
 * The field mapping follows Kubernetes' conversion between the two:
 *
 * | core v1 | events.k8s.io/v1 |
 * | --- | --- |
 * | `involvedObject` | `regarding` |
 * | `message` | `note` |
 * | `source` | `deprecatedSource` |
 * | `firstTimestamp` / `lastTimestamp` / `count` | `deprecatedFirstTimestamp` / `deprecatedLastTimestamp` / `deprecatedCount` |
 * | `reportingComponent` | `reportingController` |
 * | `reason`, `type`, `action`, `related`, `eventTime`, `series`, `reportingInstance` | the same names |
 *
 * (events.k8s.io/v1beta1 has the v1 shape.) Caveat: `metadata.managedFields` are not converted, so their
 * field paths keep the writer's shape.
 */
import type { JsonValue, KubeObject } from '../kube/object.js';

/** Storage key of Events in every group. */
export const EVENTS_RKEY = '/events';

const EVENTS_GROUP = 'events.k8s.io';

/** core name → events.k8s.io name, for the fields whose names differ. */
const RENAMES: readonly (readonly [string, string])[] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
  ['reportingComponent', 'reportingController'],
];

/** True for the events.k8s.io view of Events. */
export function isEventsGroup(group: string): boolean {
  return group === EVENTS_GROUP;
}

function groupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function rename(o: KubeObject, pairs: readonly (readonly [string, string])[]): KubeObject {
  const out: Record<string, JsonValue | undefined> = {};
  const map = new Map(pairs);
  for (const [k, v] of Object.entries(o)) {
    const to = map.get(k) ?? k;
    // a field of the target shape already present wins over a renamed one (never both in valid objects)
    if (to !== k && Object.prototype.hasOwnProperty.call(o, to)) continue;
    out[to] = v as JsonValue;
  }
  return out as unknown as KubeObject;
}

/** The core v1 shape of an Event (unchanged when it already has it); `apiVersion` is left for the caller. */
export function toCoreEvent(o: KubeObject): KubeObject {
  if (!isEventsGroup(groupOf(o.apiVersion))) return o;
  return rename(
    o,
    RENAMES.map(([core, ev]) => [ev, core] as const),
  );
}

/** The events.k8s.io shape of an Event (unchanged when it already has it); `apiVersion` is left for the caller. */
export function toEventsEvent(o: KubeObject): KubeObject {
  if (isEventsGroup(groupOf(o.apiVersion))) return o;
  return rename(o, RENAMES);
}

/** Converts a stored Event to the shape of the group it is read through (`''` or `events.k8s.io`). */
export function convertEventFor(group: string, o: KubeObject): KubeObject {
  return isEventsGroup(group) ? toEventsEvent(o) : toCoreEvent(o);
}
