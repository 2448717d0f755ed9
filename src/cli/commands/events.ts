/**
 * `lockstep events [--for Kind/name] [-A] [--types Normal,Warning]`: the Kubernetes Events (core v1 and
 * events.k8s.io/v1) of a namespace, oldest first, as `flux events` prints them (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE).
 * `--for` keeps the events of one object (kind matched case-insensitively; `ks` means Kustomization);
 * `--watch` then prints each new or updated event as it comes.
 */
import type { KubeClient } from '../../kube/client/index.js';
import { NoKindMatchError } from '../../kube/client/index.js';
import type { KubeObject } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import type { Command, CommandArgs, CommandIO } from '../command.js';
import { UsageError, bool, guard, kubeFlags, kubeFlagsHelp, list, str, withKube } from '../output/context.js';
import { ageOf } from '../output/age.js';
import { CliLogger } from '../output/logger.js';
import { formatTable } from '../output/table.js';

/** The fields of a core v1 Event the table shows. */
export interface EventRow {
  namespace: string;
  last: string;
  type: string;
  reason: string;
  object: string;
  message: string;
}

const kindAliases: Record<string, string> = { ks: 'kustomization', gitrepo: 'gitrepository', hr: 'helmrelease' };

/** Parses `--for Kind/name`. */
export function parseFor(v: string): { kind: string; name: string } {
  const i = v.indexOf('/');
  if (i <= 0 || i === v.length - 1) throw new UsageError(`--for must be <kind>/<name>, got "${v}"`);
  const kind = v.slice(0, i).toLowerCase();
  return { kind: kindAliases[kind] ?? kind, name: v.slice(i + 1) };
}

function s(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The row of an Event: last time from lastTimestamp, eventTime or creation. */
export function eventRow(e: KubeObject): EventRow & { time: string } {
  const r = e as unknown as Record<string, unknown>;
  const inv = isJsonObject(r['involvedObject']) ? r['involvedObject'] : isJsonObject(r['regarding']) ? r['regarding'] : {};
  const time = s(r['lastTimestamp']) || s(r['deprecatedLastTimestamp']) || s(r['eventTime']) || s(isJsonObject(r['series']) ? r['series']['lastObservedTime'] : '') || s(e.metadata.creationTimestamp);
  return {
    namespace: e.metadata.namespace ?? '',
    time,
    last: '',
    type: s(r['type']),
    reason: s(r['reason']),
    object: `${s(inv['kind'])}/${s(inv['name'])}`,
    message: s(r['message']) || s(r['note']),
  };
}

/**
 * Events of both APIs (core v1 and events.k8s.io/v1: the controllers write the latter, and not every API
 * server serves one as the other), deduplicated by uid; an API the server does not serve is skipped.
 */
export async function listEvents(client: KubeClient, namespace: string | undefined, served?: Map<string, string | undefined>): Promise<KubeObject[]> {
  const out = new Map<string, KubeObject>();
  for (const apiVersion of ['v1', 'events.k8s.io/v1']) {
    try {
      const l = await client.list({ apiVersion, kind: 'Event' }, { namespace });
      served?.set(apiVersion, l.resourceVersion);
      for (const e of l.items) {
        const key = e.metadata.uid ?? `${apiVersion}/${e.metadata.namespace ?? ''}/${e.metadata.name ?? ''}`;
        if (!out.has(key)) out.set(key, e);
      }
    } catch (err) {
      if (!(err instanceof NoKindMatchError)) throw err;
    }
  }
  return [...out.values()];
}

/**
 * `--watch`: after the listing, prints a row (no header) for every Event added or updated in either API,
 * once per uid and resourceVersion (the same Event read through both APIs is printed once), until
 * SIGINT or the timeout. Each API's watch resumes from its last resourceVersion when the server ends it.
 */
async function watchEvents(client: KubeClient, o: { namespace: string | undefined; keep: (r: EventRow) => boolean; print: (r: EventRow & { time: string }) => void; timeoutMs: number; from: Map<string, string | undefined> }): Promise<void> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), o.timeoutMs);
  const onSignal = (): void => ac.abort();
  process.once('SIGINT', onSignal);
  const printed = new Set<string>();
  const watchOne = async (apiVersion: string): Promise<void> => {
    let rv = o.from.get(apiVersion);
    while (!ac.signal.aborted) {
      await client.watch({ apiVersion, kind: 'Event' }, { namespace: o.namespace, resourceVersion: rv, signal: ac.signal, timeoutSeconds: Math.max(1, Math.ceil(o.timeoutMs / 1000)) }, (ev) => {
        if (ev.object.metadata.resourceVersion) rv = ev.object.metadata.resourceVersion;
        if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') return;
        const key = `${ev.object.metadata.uid ?? ''}@${ev.object.metadata.resourceVersion ?? ''}`;
        if (printed.has(key)) return;
        printed.add(key);
        if (printed.size > 10_000) printed.clear();
        const row = eventRow(ev.object);
        if (o.keep(row)) o.print(row);
      }).catch((err: unknown) => {
        if (!ac.signal.aborted) throw err;
      });
    }
  };
  try {
    await Promise.all([...o.from.keys()].map((v) => watchOne(v)));
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', onSignal);
  }
}

async function runEvents(args: CommandArgs, io: CommandIO): Promise<number> {
  return guard(io, () =>
    withKube(args, io, async (ctx) => {
      const all = bool(args, 'all-namespaces');
      const forObj = str(args, 'for') ? parseFor(str(args, 'for') as string) : undefined;
      const types = list(args, 'types').map((t) => t.toLowerCase());
      const keep = (r: EventRow): boolean => (!forObj || r.object.toLowerCase() === `${forObj.kind}/${forObj.name.toLowerCase()}`) && (types.length === 0 || types.includes(r.type.toLowerCase()));
      const watching = bool(args, 'watch');
      const from = new Map<string, string | undefined>();
      const items = await listEvents(ctx.client, all ? undefined : ctx.namespace, from);
      const now = Date.now();
      const rows = items
        .map(eventRow)
        .filter(keep)
        .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
      const header = ['Last Seen', 'Type', 'Reason', 'Object', 'Message'];
      const cells = (r: EventRow & { time: string }, at: number): string[] => {
        const row = [ageOf(r.time, at), r.type, r.reason, r.object, r.message];
        return all ? [r.namespace, ...row] : row;
      };
      if (rows.length === 0 && !watching) {
        new CliLogger(io.stderr, io.env).failure(`no events found in ${all ? 'any' : `"${ctx.namespace}"`} namespace${forObj ? ` for ${str(args, 'for') ?? ''}` : ''}`);
        return 0;
      }
      io.stdout.write(formatTable(all ? ['Namespace', ...header] : header, rows.map((r) => cells(r, now))));
      if (!watching) return 0;
      await watchEvents(ctx.client, {
        namespace: all ? undefined : ctx.namespace,
        keep,
        print: (r) => io.stdout.write(formatTable([], [cells(r, Date.now())], { noHeader: true })),
        timeoutMs: ctx.timeoutMs,
        from,
      });
      return 0;
    }),
  );
}

export const eventsCommand: Command = {
  path: ['events'],
  summary: 'Show the Kubernetes events of Lockstep objects',
  help: `Usage: lockstep events [--for KIND/NAME] [flags]

Prints the events of a namespace, oldest first (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE), like
"flux events".

Flags:
  --for KIND/NAME        only the events of this object (e.g. Kustomization/apps, ks/apps)
  --types LIST           only these types: Normal, Warning
  -A, --all-namespaces   every namespace
  -w, --watch            after listing, print every new or updated event (until Ctrl-C or --timeout)

${kubeFlagsHelp}
Examples:
  lockstep events
  lockstep events --for Kustomization/flux-system
  lockstep events -A --types Warning
  lockstep events --for ks/apps --watch
`,
  options: { ...kubeFlags, for: { type: 'string' }, types: { type: 'string', multiple: true }, 'all-namespaces': { type: 'boolean', short: 'A' }, watch: { type: 'boolean', short: 'w' } },
  run: (args, io) => runEvents(args, io),
};
