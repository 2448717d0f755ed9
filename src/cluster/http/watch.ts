/**
 * Watch streams: newline-delimited JSON events (`{"type":"ADDED","object":{…}}`). Without a
 * resourceVersion (or with `0`) the current objects come first as ADDED; with one, the change log is
 * replayed from it, or an ERROR event with a 410 Status is sent when the log no longer reaches back.
 * Optional BOOKMARK events; the stream ends after `timeoutSeconds` (default 30 minutes).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../kube/object.js';
import type { ServedResource } from '../catalog.js';
import type { ClusterCore } from '../core.js';
import { gone, statusBody } from '../errors.js';
import { groupVersion } from '../meta.js';
import type { ChangeEvent } from '../store.js';
import { toTable } from './table.js';

/** What {@link serveWatch} needs. */
export interface WatchRequest {
  core: ClusterCore;
  r: ServedResource;
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  namespace?: string;
  /** Send each object as a one-row Table (kubectl get -w). */
  table: boolean;
  bookmarkIntervalMs?: number;
}

/** Stop a watch whose client does not read: more than this many bytes queued. */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;

/** Streams a watch until the client goes away or the timeout ends it. */
export function serveWatch(w: WatchRequest): void {
  const { core, r, res, query } = w;
  const opts = {
    namespace: w.namespace,
    labelSelector: query.get('labelSelector') ?? undefined,
    fieldSelector: query.get('fieldSelector') ?? undefined,
  };
  const match = core.eventMatcher(r, opts);
  const rvParam = query.get('resourceVersion') ?? '';
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '1800') || 1800;
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  const gv = groupVersion(r);
  const single = core.catalog.resources().filter((x) => x.rkey === r.rkey).length === 1;
  let lastRv = core.store.currentRv();
  /** Events up to here were sent (or are in the initial list): later deliveries of them are skipped. */
  let sentRv = lastRv;

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let closed = false;

  const objectJson = (json: string): string => {
    if (!w.table && single) return json;
    const o = core.decode(r, json);
    if (!w.table) return JSON.stringify(o);
    return JSON.stringify(toTable(r, [o], { resourceVersion: o.metadata.resourceVersion ?? '', include: 'Object' }));
  };
  const write = (type: string, objText: string): void => {
    if (closed) return;
    res.write(`{"type":"${type}","object":${objText}}\n`);
    if (res.writableLength > MAX_QUEUED_BYTES) stop();
  };
  const onEvent = (ev: ChangeEvent): void => {
    // the initial list may include changes whose commit is still pending (group commit): they arrive later
    if (ev.rv <= sentRv) return;
    sentRv = ev.rv;
    if (!match(ev)) return;
    lastRv = ev.rv;
    write(ev.type, objectJson(ev.json));
  };

  let unsubscribe: () => void = () => undefined;
  const timers: NodeJS.Timeout[] = [];
  const stop = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    res.end();
  };

  if (rvParam === '' || rvParam === '0') {
    for (const e of core.list(r, opts).entries) write('ADDED', objectJson(e.json));
    unsubscribe = core.store.subscribe(onEvent);
  } else {
    const from = Number(rvParam);
    const replay = Number.isInteger(from) ? core.store.since(from) : undefined;
    if (!replay) {
      const err = gone(`too old resource version: ${rvParam} (${core.store.oldestResumableRv() + 1})`);
      write('ERROR', JSON.stringify(statusBody(err)));
      stop();
      return;
    }
    sentRv = from;
    for (const ev of replay) onEvent(ev);
    unsubscribe = core.store.subscribe(onEvent);
  }
  if (bookmarks) {
    const every = w.bookmarkIntervalMs ?? 15_000;
    const tick = (): void => {
      const mark: KubeObject = { apiVersion: gv, kind: r.kind, metadata: { resourceVersion: String(Math.max(lastRv, core.store.durableRv())) } };
      write('BOOKMARK', JSON.stringify(mark));
      timers[1] = setTimeout(tick, every);
    };
    timers[1] = setTimeout(tick, every);
  }
  timers[0] = setTimeout(stop, timeoutSeconds * 1000);
  w.req.on('close', stop);
  res.on('close', stop);
}
