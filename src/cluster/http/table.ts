/**
 * Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): kubectl get asks for
 * Tables. Every resource gets NAME and AGE (Events: the API server's event columns, NAME only with `-o wide`); a
 * few kinds get their usual columns; CRDs get their
 * `additionalPrinterColumns` (simple `.a.b` JSON paths).
 */
import type { JsonObject, JsonValue, KubeObject } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import type { ServedResource } from '../catalog.js';
import { EVENTS_RKEY, toCoreEvent } from '../event-conversion.js';

interface Column {
  name: string;
  type: string;
  format?: string;
  description: string;
  priority?: number;
  cell(o: KubeObject, now: number): JsonValue;
}

/** kubectl's short human duration (`5s`, `3m2s`, `4h`, `2d`). */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

function path(o: unknown, p: string): JsonValue | undefined {
  let cur: unknown = o;
  for (const seg of p.replace(/^\./, '').split('.')) {
    if (!isJsonObject(cur as JsonValue)) return undefined;
    cur = (cur as JsonObject)[seg];
  }
  return cur as JsonValue | undefined;
}

const num = (v: JsonValue | undefined): number => (typeof v === 'number' ? v : 0);

const nameCol: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => o.metadata.name ?? '' };
const ageCol: Column = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: (o, now) => {
    const t = Date.parse(String(o.metadata.creationTimestamp ?? ''));
    return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
  },
};

const col = (name: string, cell: Column['cell'], type = 'string'): Column => ({ name, type, description: name, cell });

const KIND_COLUMNS: Readonly<Record<string, Column[]>> = {
  'apps/deployments': [
    col('Ready', (o) => `${num(path(o, 'status.readyReplicas'))}/${num(path(o, 'spec.replicas'))}`),
    col('Up-to-date', (o) => num(path(o, 'status.updatedReplicas')), 'integer'),
    col('Available', (o) => num(path(o, 'status.availableReplicas')), 'integer'),
  ],
  'apps/statefulsets': [col('Ready', (o) => `${num(path(o, 'status.readyReplicas'))}/${num(path(o, 'spec.replicas'))}`)],
  'apps/replicasets': [
    col('Desired', (o) => num(path(o, 'spec.replicas')), 'integer'),
    col('Current', (o) => num(path(o, 'status.replicas')), 'integer'),
    col('Ready', (o) => num(path(o, 'status.readyReplicas')), 'integer'),
  ],
  '/pods': [
    col('Ready', (o) => {
      const cs = path(o, 'status.containerStatuses');
      const total = Array.isArray(path(o, 'spec.containers')) ? (path(o, 'spec.containers') as JsonValue[]).length : 0;
      const ready = Array.isArray(cs) ? cs.filter((c) => isJsonObject(c) && c.ready === true).length : 0;
      return `${ready}/${total}`;
    }),
    col('Status', (o) => String(path(o, 'status.phase') ?? 'Pending')),
    col('Restarts', () => 0, 'integer'),
  ],
  '/namespaces': [col('Status', (o) => String(path(o, 'status.phase') ?? 'Active'))],
  '/configmaps': [col('Data', (o) => Object.keys(isJsonObject(o.data as JsonValue) ? (o.data as JsonObject) : {}).length + Object.keys(isJsonObject(o.binaryData as JsonValue) ? (o.binaryData as JsonObject) : {}).length, 'integer')],
  '/secrets': [col('Type', (o) => String(o.type ?? 'Opaque')), col('Data', (o) => Object.keys(isJsonObject(o.data as JsonValue) ? (o.data as JsonObject) : {}).length, 'integer')],
  '/services': [
    col('Type', (o) => String(path(o, 'spec.type') ?? 'ClusterIP')),
    col('Cluster-IP', (o) => String(path(o, 'spec.clusterIP') ?? '<none>')),
    col('External-IP', (o) => {
      const ing = path(o, 'status.loadBalancer.ingress');
      const ips = Array.isArray(ing) ? ing.filter(isJsonObject).map((i) => String(i.ip ?? i.hostname ?? '')) : [];
      if (ips.length > 0) return ips.join(',');
      return path(o, 'spec.type') === 'LoadBalancer' ? '<pending>' : '<none>';
    }),
    col('Port(s)', (o) => {
      const ps = path(o, 'spec.ports');
      return Array.isArray(ps) ? ps.filter(isJsonObject).map((p) => `${String(p.port)}/${String(p.protocol ?? 'TCP')}`).join(',') : '<none>';
    }),
  ],
  'batch/jobs': [col('Completions', (o) => `${num(path(o, 'status.succeeded'))}/${num(path(o, 'spec.completions')) || 1}`)],
};

const since = (t: string | undefined, now: number): string => {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? '<unknown>' : humanDuration(now - ms);
};

/** An Event's core shape plus what the printer derives (series wins over the deprecated counters). */
function eventFacts(o: KubeObject): { ev: KubeObject; first?: string; last?: string; count: number } {
  const ev = toCoreEvent(o);
  const series = isJsonObject(ev.series as JsonValue) ? (ev.series as JsonObject) : undefined;
  const str = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const first = str(ev.firstTimestamp as JsonValue) ?? str(ev.eventTime as JsonValue);
  const last = series ? str(series.lastObservedTime) : (str(ev.lastTimestamp as JsonValue) ?? first);
  const count = series ? num(series.count) : num(ev.count as JsonValue);
  return { ev, first, last, count };
}

/** The API server's Event columns: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (and more with `-o wide`). */
const EVENT_COLUMNS: Column[] = [
  col('Last Seen', (o, now) => {
    const f = eventFacts(o);
    const last = since(f.last, now);
    return f.count > 1 ? `${last} (x${f.count} over ${since(f.first, now)})` : last;
  }),
  col('Type', (o) => String(eventFacts(o).ev.type ?? '')),
  col('Reason', (o) => String(eventFacts(o).ev.reason ?? '')),
  col('Object', (o) => {
    const inv = path(eventFacts(o).ev, 'involvedObject');
    return isJsonObject(inv) ? `${String(inv.kind ?? '').toLowerCase()}/${String(inv.name ?? '')}` : '';
  }),
  { ...col('Subobject', (o) => String(path(eventFacts(o).ev, 'involvedObject.fieldPath') ?? '')), priority: 1 },
  {
    ...col('Source', (o) => {
      const ev = eventFacts(o).ev;
      const component = String(path(ev, 'source.component') ?? '') || String(ev.reportingComponent ?? '');
      const host = String(path(ev, 'source.host') ?? '') || String(ev.reportingInstance ?? '');
      return host ? `${component}, ${host}` : component;
    }),
    priority: 1,
  },
  col('Message', (o) => String(eventFacts(o).ev.message ?? '').trim()),
  { ...col('First Seen', (o, now) => since(eventFacts(o).first, now)), priority: 1 },
  { ...col('Count', (o) => eventFacts(o).count, 'integer'), priority: 1 },
  { ...col('Name', (o) => o.metadata.name ?? ''), format: 'name', priority: 1 },
];

function crdColumns(r: ServedResource): Column[] {
  const spec = r.crd && isJsonObject(r.crd.spec as JsonValue) ? (r.crd.spec as JsonObject) : undefined;
  const versions = spec && Array.isArray(spec.versions) ? spec.versions.filter(isJsonObject) : [];
  const v = versions.find((x) => x.name === r.version);
  const cols = v && Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns.filter(isJsonObject) : [];
  return cols
    .filter((c) => typeof c.jsonPath === 'string' && typeof c.name === 'string')
    .map((c) => ({
      name: String(c.name),
      type: String(c.type ?? 'string'),
      format: typeof c.format === 'string' ? c.format : undefined,
      description: String(c.description ?? c.name),
      priority: typeof c.priority === 'number' ? c.priority : 0,
      cell: (o: KubeObject, now: number): JsonValue => {
        const val = path(o, String(c.jsonPath));
        if (c.type === 'date' && typeof val === 'string') {
          const t = Date.parse(val);
          return Number.isNaN(t) ? val : humanDuration(now - t);
        }
        return val === undefined ? null : val;
      },
    }));
}

function columnsFor(r: ServedResource): Column[] {
  if (r.crd) {
    const extra = crdColumns(r);
    const hasAge = extra.some((c) => c.name.toLowerCase() === 'age');
    return hasAge ? [nameCol, ...extra] : [nameCol, ...extra, ageCol];
  }
  if (r.rkey === EVENTS_RKEY) return EVENT_COLUMNS;
  return [nameCol, ...(KIND_COLUMNS[r.rkey] ?? []), ageCol];
}

/** What a row carries: nothing, the object's metadata, or the whole object (`includeObject`). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** A Table of objects. */
export function toTable(r: ServedResource, objs: readonly KubeObject[], meta: { resourceVersion: string; continue?: string; include: IncludeObject; noHeaders?: boolean }): JsonObject {
  const cols = columnsFor(r);
  const now = Date.now();
  const rows = objs.map((o) => {
    const row: JsonObject = { cells: cols.map((c) => c.cell(o, now)) };
    if (meta.include === 'Object') row.object = o as unknown as JsonObject;
    else if (meta.include === 'Metadata') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata as JsonObject };
    return row;
  });
  const md: JsonObject = { resourceVersion: meta.resourceVersion };
  if (meta.continue) md.continue = meta.continue;
  const out: JsonObject = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: md, columnDefinitions: [], rows };
  if (!meta.noHeaders) {
    out.columnDefinitions = cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: c.priority ?? 0 }));
  }
  return out;
}

/** True when the Accept header asks for a meta.k8s.io Table. */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}
