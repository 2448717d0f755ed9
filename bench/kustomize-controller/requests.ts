/**
 * A request counter for the bench: wraps a client's transport so every non-streaming request is
 * tallied by a short label — verb (`get`, `list`, `apply`, `apply(dry-run)`, `patch(merge)`, …),
 * resource (plural from the URL) and subresource — without changing what is sent.
 */
import type { KubeClient } from '../../src/kube/client/index.js';
import type { RawRequest } from '../../src/kube/client/transport.js';

/** Counts by label; `total` is the sum. */
export class RequestCounter {
  readonly counts = new Map<string, number>();
  /** Summed latency by label, in ms (queueing in the client's rate limiter included). */
  readonly latency = new Map<string, number>();
  total = 0;

  /** Starts counting the requests `client` sends (watches are streams and not counted). */
  attach(client: KubeClient): void {
    const transport = client.transport;
    const original = transport.request.bind(transport);
    transport.request = async (req: RawRequest) => {
      const label = labelOf(req);
      this.add(label);
      const t0 = performance.now();
      try {
        return await original(req);
      } finally {
        this.latency.set(label, (this.latency.get(label) ?? 0) + performance.now() - t0);
      }
    };
  }

  add(label: string): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
    this.total++;
  }

  /** A copy of the counts now, to diff against later. */
  snapshot(): Map<string, number> {
    return new Map(this.counts);
  }

  /** A copy of the summed latencies now. */
  latencySnapshot(): Map<string, number> {
    return new Map(this.latency);
  }

  /**
   * Lines `label  count  per-unit  mean latency` for requests between two {@link mark}s (`until`: now),
   * largest count first.
   */
  report(since: { counts: Map<string, number>; latency: Map<string, number> }, per: number, until: { counts: Map<string, number>; latency: Map<string, number> } = this.mark()): string[] {
    const rows = [...until.counts].map(([k, v]) => ({ k, n: v - (since.counts.get(k) ?? 0), ms: (until.latency.get(k) ?? 0) - (since.latency.get(k) ?? 0) })).filter((r) => r.n > 0);
    rows.sort((a, b) => b.n - a.n);
    const total = rows.reduce((s, r) => s + r.n, 0);
    const line = (k: string, n: number, ms: number): string => `     ${k.padEnd(44)}${String(n).padStart(8)}  ${(n / per).toFixed(2).padStart(7)}  ${(ms / n).toFixed(1).padStart(7)} ms`;
    return [`     ${'request'.padEnd(44)}${'count'.padStart(8)}  ${'each'.padStart(7)}  ${'mean'.padStart(10)}`, ...rows.map((r) => line(r.k, r.n, r.ms)), line('total', total, rows.reduce((s, r) => s + r.ms, 0))];
  }

  /** Both snapshots, for {@link report}. */
  mark(): { counts: Map<string, number>; latency: Map<string, number> } {
    return { counts: this.snapshot(), latency: this.latencySnapshot() };
  }
}

/** `verb resource[/subresource]` of a request. */
export function labelOf(req: RawRequest): string {
  const parts = req.path.split('/').filter(Boolean);
  // /api/v1/[namespaces/ns/]plural[/name[/sub]] or /apis/g/v/[namespaces/ns/]plural[/name[/sub]]
  let rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3);
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
  const resource = rest[0] ?? '(discovery)';
  const named = rest.length >= 2;
  const sub = rest[2] ? `/${rest[2]}` : '';
  const dry = req.query?.['dryRun'] !== undefined ? '(dry-run)' : '';
  let verb: string;
  switch (req.method) {
    case 'GET':
      verb = named ? 'get' : 'list';
      break;
    case 'PATCH':
      verb = req.contentType?.includes('apply-patch') ? 'apply' : req.contentType?.includes('json-patch') ? 'patch(json)' : 'patch(merge)';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    default:
      verb = req.method.toLowerCase();
  }
  if (parts[0] !== 'api' && parts[0] !== 'apis') return `${verb} ${req.path}`;
  if ((parts[0] === 'api' && parts.length <= 2) || (parts[0] === 'apis' && parts.length <= 3)) return `${verb} (discovery)`;
  return `${verb}${dry} ${resource}${sub}`;
}
