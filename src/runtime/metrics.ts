/**
 * Prometheus metrics (prom-client) named as Flux's and controller-runtime's, and the HTTP server for
 * `/metrics`, `/healthz` and `/readyz`.
 *
 * - `gotk_reconcile_duration_seconds{kind,name,namespace}` histogram;
 * - `gotk_resource_info{customresource_group,customresource_kind,customresource_version,exported_namespace,name,ready,reason,suspended,revision}` = 1
 *   (one series per object; the old series is dropped when a label changes);
 * - `gotk_reconcile_condition{kind,name,namespace,type,status}` gauge (1 for the current status of
 *   Ready/Reconciling/Stalled, 0 for the others);
 * - `workqueue_depth{name}`, `workqueue_adds_total{name}`, `workqueue_retries_total{name}`,
 *   `controller_runtime_reconcile_total{controller,result}`.
 */
import http from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { KubeObject } from '../kube/object.js';
import { parseApiVersion } from '../kube/client/index.js';
import { getCondition } from './conditions.js';

/** See the module comment. */
export class ControllerMetrics {
  readonly registry: Registry;
  readonly reconcileDuration: Histogram<'kind' | 'name' | 'namespace'>;
  readonly resourceInfo: Gauge<string>;
  readonly reconcileCondition: Gauge<'kind' | 'name' | 'namespace' | 'type' | 'status'>;
  readonly queueDepth: Gauge<'name'>;
  readonly queueAdds: Counter<'name'>;
  readonly queueRetries: Counter<'name'>;
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  private readonly infoLabels = new Map<string, Record<string, string>>();

  constructor(opts: { registry?: Registry; defaultMetrics?: boolean } = {}) {
    this.registry = opts.registry ?? new Registry();
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.reconcileDuration = new Histogram({
      name: 'gotk_reconcile_duration_seconds',
      help: 'The duration in seconds of a gitops reconciliation.',
      labelNames: ['kind', 'name', 'namespace'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.resourceInfo = new Gauge({
      name: 'gotk_resource_info',
      help: 'The current state of a Flux resource.',
      labelNames: ['customresource_group', 'customresource_kind', 'customresource_version', 'exported_namespace', 'name', 'ready', 'reason', 'suspended', 'revision'],
      registers,
    });
    this.reconcileCondition = new Gauge({
      name: 'gotk_reconcile_condition',
      help: 'The current condition status of a GitOps Toolkit resource reconciliation.',
      labelNames: ['kind', 'name', 'namespace', 'type', 'status'],
      registers,
    });
    this.queueDepth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: ['name'], registers });
    this.queueAdds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name'], registers });
    this.queueRetries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name'], registers });
    this.reconcileTotal = new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
      registers,
    });
  }

  /** Records the state of an object after a reconcile. */
  recordObject(obj: KubeObject, extra: { suspended?: boolean; revision?: string } = {}): void {
    const { group, version } = parseApiVersion(obj.apiVersion);
    const ready = getCondition(obj, 'Ready');
    const key = identity(obj);
    const labels: Record<string, string> = {
      customresource_group: group,
      customresource_kind: obj.kind,
      customresource_version: version,
      exported_namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name ?? '',
      ready: ready?.status ?? 'Unknown',
      reason: ready?.reason ?? '',
      suspended: String(extra.suspended ?? false),
      revision: extra.revision ?? '',
    };
    const prev = this.infoLabels.get(key);
    if (prev && JSON.stringify(prev) !== JSON.stringify(labels)) this.resourceInfo.remove(prev);
    this.resourceInfo.set(labels, 1);
    this.infoLabels.set(key, labels);
    for (const type of ['Ready', 'Reconciling', 'Stalled']) {
      const c = getCondition(obj, type);
      for (const status of ['True', 'False', 'Unknown']) {
        const base = { kind: obj.kind, name: obj.metadata.name ?? '', namespace: obj.metadata.namespace ?? '', type, status };
        this.reconcileCondition.set(base, c?.status === status ? 1 : 0);
      }
    }
  }

  /** Drops the series of a deleted object. */
  forgetObject(ref: { kind: string; apiVersion: string; metadata: { namespace?: string | undefined; name?: string | undefined } }): void {
    const key = identity(ref);
    const prev = this.infoLabels.get(key);
    if (prev) this.resourceInfo.remove(prev);
    this.infoLabels.delete(key);
    for (const type of ['Ready', 'Reconciling', 'Stalled']) {
      for (const status of ['True', 'False', 'Unknown']) {
        this.reconcileCondition.remove({ kind: ref.kind, name: ref.metadata.name ?? '', namespace: ref.metadata.namespace ?? '', type, status });
      }
    }
  }
}

function identity(o: { kind: string; apiVersion: string; metadata: { namespace?: string | undefined; name?: string | undefined } }): string {
  return `${o.apiVersion}|${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name ?? ''}`;
}

export interface ProbeServerOptions {
  /** `host:port` (`:8080` = all interfaces; port 0 picks one). */
  addr: string;
  registry: Registry;
  /** `/readyz` answers 200 only while this is true. */
  ready?: () => boolean;
  /** `/healthz` answers 200 only while this is true (default: always). */
  healthy?: () => boolean;
}

/** A running probe server. */
export interface ProbeServer {
  /** `http://host:port` actually bound. */
  url: string;
  close(): Promise<void>;
}

/** Splits `host:port` / `:port`. */
export function parseHostPort(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  if (i < 0) throw new Error(`address "${addr}": expected host:port`);
  const host = addr.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(addr.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`address "${addr}": bad port`);
  return { host: host || '0.0.0.0', port };
}

/** Serves `/metrics`, `/healthz`, `/readyz`. */
export async function startProbeServer(opts: ProbeServerOptions): Promise<ProbeServer> {
  const { host, port } = parseHostPort(opts.addr);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const probe = (ok: boolean): void => {
      res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain' }).end(ok ? 'ok' : 'not ready');
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
    } else if (path === '/metrics') {
      opts.registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': opts.registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    } else if (path === '/healthz') {
      probe(opts.healthy?.() ?? true);
    } else if (path === '/readyz') {
      probe(opts.ready?.() ?? true);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const a = server.address();
  const bound = typeof a === 'object' && a ? a.port : port;
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${bound}`,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
