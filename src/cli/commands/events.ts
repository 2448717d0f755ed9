/**
 * `lockstep events [--for Kind/name] [-A] [--types Normal,Warning]`: the Kubernetes Events (core v1 and
 * events.k8s.io/v1) of a namespace, oldest first, as `flux events` prints them (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE).
 * `--for` keeps the events of one object (kind matched case-insensitively; `ks` means Kustomization).
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
export async function listEvents(client: KubeClient, namespace: string | undefined): Promise<KubeObject[]> {
  const out = new Map<string, KubeObject>();
  for (const apiVersion of ['v1', 'events.k8s.io/v1']) {
    try {
      for (const e of (await client.list({ apiVersion, kind: 'Event' }, { namespace })).items) {
        const key = e.metadata.uid ?? `${apiVersion}/${e.metadata.namespace ?? ''}/${e.metadata.name ?? ''}`;
        if (!out.has(key)) out.set(key, e);
      }
    } catch (err) {
      if (!(err instanceof NoKindMatchError)) throw err;
    }
  }
  return [...out.values()];
}

async function runEvents(args: CommandArgs, io: CommandIO): Promise<number> {
  return guard(io, () =>
    withKube(args, io, async (ctx) => {
      const all = bool(args, 'all-namespaces');
      const forObj = str(args, 'for') ? parseFor(str(args, 'for') as string) : undefined;
      const types = list(args, 'types').map((t) => t.toLowerCase());
      const items = await listEvents(ctx.client, all ? undefined : ctx.namespace);
      const now = Date.now();
      const rows = items
        .map(eventRow)
        .filter((r) => !forObj || r.object.toLowerCase() === `${forObj.kind}/${forObj.name.toLowerCase()}`)
        .filter((r) => types.length === 0 || types.includes(r.type.toLowerCase()))
        .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
      if (rows.length === 0) {
        new CliLogger(io.stderr, io.env).failure(`no events found in ${all ? 'any' : `"${ctx.namespace}"`} namespace${forObj ? ` for ${str(args, 'for') ?? ''}` : ''}`);
        return 0;
      }
      const header = ['Last Seen', 'Type', 'Reason', 'Object', 'Message'];
      io.stdout.write(
        formatTable(
          all ? ['Namespace', ...header] : header,
          rows.map((r) => {
            const row = [ageOf(r.time, now), r.type, r.reason, r.object, r.message];
            return all ? [r.namespace, ...row] : row;
          }),
        ),
      );
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

${kubeFlagsHelp}
Examples:
  lockstep events
  lockstep events --for Kustomization/flux-system
  lockstep events -A --types Warning
`,
  options: { ...kubeFlags, for: { type: 'string' }, types: { type: 'string', multiple: true }, 'all-namespaces': { type: 'boolean', short: 'A' } },
  run: (args, io) => runEvents(args, io),
};
