/**
 * Events about reconciled objects, recorded two ways:
 * - a Kubernetes Event, `events.k8s.io/v1` by default (on a real API server the same objects are served as
 *   core `v1` Events, so `kubectl get events` and `kubectl describe` show them), or core `v1` with
 *   `api: 'v1'` (for API servers that do not alias the two, like Lockstep's local cluster today); the
 *   metadata goes into annotations; a repeat of the same event (object, type, reason, note) within
 *   `seriesWindowMs` bumps the count (`series.count`, or `count` in core v1) instead of creating a new one;
 * - when `notificationUrl` is set, Flux's event payload (fluxcd/pkg apis/event v1beta1) POSTed as JSON
 *   with the `Gotk-Component` header, as Flux controllers do with `--events-addr`.
 * Recording never throws: failures are logged and dropped (events are best effort).
 */
import { randomBytes } from 'node:crypto';
import type { JsonObject, KubeObject } from '../kube/object.js';
import { isNotFound, type KubeClient } from '../kube/client/index.js';
import { parseApiVersion } from '../kube/client/index.js';
import { errorField, silentLogger, type Logger } from './logger.js';

export type EventType = 'Normal' | 'Warning';

/** One event about an object. */
export interface EventInput {
  type: EventType;
  /** A reason constant (shared with conditions). */
  reason: string;
  message: string;
  /** Extra metadata; keys without a `/` are prefixed with the object's API group (`revision` → `source.toolkit.fluxcd.io/revision`). */
  metadata?: Record<string, string>;
  /** `action` of the Kubernetes Event (default: the reason). */
  action?: string;
}

/** Records events; implementations must not throw. */
export interface EventRecorder {
  record(obj: KubeObject, e: EventInput): Promise<void>;
}

/** Flux's event payload. */
export interface FluxEvent {
  involvedObject: { apiVersion: string; kind: string; name: string; namespace: string; uid?: string; resourceVersion?: string };
  severity: 'info' | 'error' | 'trace';
  timestamp: string;
  message: string;
  reason: string;
  metadata?: Record<string, string>;
  reportingController: string;
  reportingInstance?: string;
}

export interface EventRecorderOptions {
  /** `reportingController` (e.g. `source-controller`). */
  controller: string;
  /** `reportingInstance` (default: the host name). */
  instance?: string;
  /** Flux notification endpoint (`--events-addr`); no POST when unset. */
  notificationUrl?: string | undefined;
  /** Which Event API to write (default `events.k8s.io/v1`). */
  api?: 'events.k8s.io/v1' | 'v1';
  /** Window in which repeats become a series (default 5 min). */
  seriesWindowMs?: number;
  /** POST timeout (default 15 s). */
  postTimeoutMs?: number;
  logger?: Logger;
  now?: () => Date;
}

/** Kubernetes caps an Event's note at 1 kB. */
const MAX_NOTE = 1024;
/** Flux caps the payload message. */
const MAX_FLUX_MESSAGE = 39_000;

interface SeriesEntry {
  name: string;
  namespace: string;
  count: number;
  first: number;
}

/** Formats a Kubernetes Time (RFC 3339, seconds). */
export function timestampOf(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Formats a Kubernetes MicroTime (RFC 3339 with microseconds). */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** See the module comment. */
export class KubeEventRecorder implements EventRecorder {
  private readonly series = new Map<string, SeriesEntry>();
  private readonly log: Logger;
  private readonly now: () => Date;

  constructor(private readonly client: KubeClient | undefined, private readonly opts: EventRecorderOptions) {
    this.log = opts.logger ?? silentLogger();
    this.now = opts.now ?? (() => new Date());
  }

  async record(obj: KubeObject, e: EventInput): Promise<void> {
    const metadata = prefixMetadata(obj, e.metadata);
    await Promise.all([this.recordKube(obj, e, metadata), this.post(obj, e, metadata)]);
  }

  /** The Flux payload for an event (exported for notification tests). */
  fluxEvent(obj: KubeObject, e: EventInput): FluxEvent {
    const metadata = prefixMetadata(obj, e.metadata);
    return {
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name ?? '',
        namespace: obj.metadata.namespace ?? '',
        ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}),
        ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
      },
      severity: e.type === 'Warning' ? 'error' : 'info',
      timestamp: this.now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      message: e.message.slice(0, MAX_FLUX_MESSAGE),
      reason: e.reason,
      ...(Object.keys(metadata).length ? { metadata } : {}),
      reportingController: this.opts.controller,
      reportingInstance: this.instance(),
    };
  }

  private instance(): string {
    return this.opts.instance ?? process.env['HOSTNAME'] ?? 'lockstep';
  }

  private async recordKube(obj: KubeObject, e: EventInput, annotations: Record<string, string>): Promise<void> {
    if (!this.client) return;
    const namespace = obj.metadata.namespace || 'default';
    const note = e.message.length > MAX_NOTE ? e.message.slice(0, MAX_NOTE - 3) + '...' : e.message;
    const key = [obj.metadata.uid ?? '', obj.kind, namespace, obj.metadata.name ?? '', e.type, e.reason, note].join('\u0000');
    const now = this.now();
    const window = this.opts.seriesWindowMs ?? 5 * 60_000;
    const prev = this.series.get(key);
    const core = this.opts.api === 'v1';
    const apiVersion = core ? 'v1' : 'events.k8s.io/v1';
    try {
      if (prev && now.getTime() - prev.first < window) {
        prev.count++;
        const bump: JsonObject = core ? { count: prev.count, lastTimestamp: timestampOf(now) } : { series: { count: prev.count, lastObservedTime: microTime(now) } };
        try {
          await this.client.patch({ apiVersion, kind: 'Event', name: prev.name, namespace: prev.namespace }, bump, { type: 'merge', fieldManager: this.opts.controller });
          return;
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      const name = `${obj.metadata.name ?? 'object'}.${Date.now().toString(16)}${randomBytes(4).toString('hex')}`;
      const regarding = {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name ?? '',
        ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
        ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}),
        ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
      };
      const metadata = { name, namespace, ...(Object.keys(annotations).length ? { annotations } : {}) };
      const common = { reportingInstance: this.instance(), action: e.action ?? e.reason, reason: e.reason, type: e.type };
      const body: KubeObject = core
        ? {
            apiVersion,
            kind: 'Event',
            metadata,
            ...common,
            message: note,
            involvedObject: regarding,
            source: { component: this.opts.controller },
            reportingComponent: this.opts.controller,
            firstTimestamp: timestampOf(now),
            lastTimestamp: timestampOf(now),
            count: 1,
          }
        : { apiVersion, kind: 'Event', metadata, ...common, note, regarding, eventTime: microTime(now), reportingController: this.opts.controller };
      await this.client.create(body);
      this.remember(key, { name, namespace, count: 1, first: now.getTime() });
    } catch (err) {
      this.log.warn({ controller: this.opts.controller, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, error: errorField(err) }, 'event not recorded');
    }
  }

  private remember(key: string, entry: SeriesEntry): void {
    this.series.set(key, entry);
    if (this.series.size > 4096) {
      const oldest = this.series.keys().next().value;
      if (oldest !== undefined) this.series.delete(oldest);
    }
  }

  private async post(obj: KubeObject, e: EventInput, _metadata: Record<string, string>): Promise<void> {
    const url = this.opts.notificationUrl;
    if (!url) return;
    const body = JSON.stringify(this.fluxEvent(obj, e));
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Gotk-Component': this.opts.controller },
        body,
        signal: AbortSignal.timeout(this.opts.postTimeoutMs ?? 15_000),
      });
      await res.arrayBuffer();
      // 429 is the notification controller's rate limit of duplicates: expected, not an error.
      if (!res.ok && res.status !== 429) throw new Error(`notification endpoint answered HTTP ${res.status}`);
    } catch (err) {
      this.log.warn({ controller: this.opts.controller, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, error: errorField(err) }, 'event not posted');
    }
  }
}

/** Prefixes bare metadata keys with the object's API group, as Flux does (`<group>/revision`). */
export function prefixMetadata(obj: KubeObject, metadata: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const { group } = parseApiVersion(obj.apiVersion);
  for (const [k, v] of Object.entries(metadata ?? {})) out[k.includes('/') || !group ? k : `${group}/${k}`] = v;
  return out;
}

/** Keeps events in memory (tests, `--dry-run`). */
export class MemoryEventRecorder implements EventRecorder {
  readonly events: Array<EventInput & { object: string }> = [];
  async record(obj: KubeObject, e: EventInput): Promise<void> {
    this.events.push({ ...e, object: `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}` });
  }
}
