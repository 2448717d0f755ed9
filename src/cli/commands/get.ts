/**
 * `lockstep get sources git`, `get kustomizations` (`get ks`) and `get all`: status tables as `flux get`
 * prints them (NAME, REVISION, SUSPENDED, READY, MESSAGE; NAMESPACE first with `-A`; `kind/name` names
 * in `get all`), `-o yaml|json`, `--status-selector type=status`, `--no-header`, and `--watch` (print the
 * table, then one row per change until interrupted or `--timeout`).
 */
import type { KubeClient } from '../../kube/client/index.js';
import { NoKindMatchError } from '../../kube/client/index.js';
import type { JsonValue, KubeObject } from '../../kube/object.js';
import type { Command, CommandArgs, CommandIO } from '../command.js';
import { UsageError, bool, guard, kubeFlags, kubeFlagsHelp, str, withKube } from '../output/context.js';
import { cliKinds, isSuspended, revisionOf, type CliKind, aliasOf } from '../output/kinds.js';
import { CliLogger } from '../output/logger.js';
import { formatTable } from '../output/table.js';
import { conditionOf, readyColumns } from '../output/wait.js';
import { formatObjects, parseOutputFormat } from '../output/yaml.js';

/** One table row of an object. */
export function summariseRow(obj: KubeObject, opts: { allNamespaces: boolean; withKind: boolean }): string[] {
  const name = opts.withKind ? `${obj.kind.toLowerCase()}/${obj.metadata.name ?? ''}` : (obj.metadata.name ?? '');
  const { ready, message } = readyColumns(obj);
  const row = [name, revisionOf(obj), isSuspended(obj) ? 'True' : 'False', ready, message];
  return opts.allNamespaces ? [obj.metadata.namespace ?? '', ...row] : row;
}

/** The header of {@link summariseRow}. */
export function tableHeader(allNamespaces: boolean): string[] {
  const h = ['Name', 'Revision', 'Suspended', 'Ready', 'Message'];
  return allNamespaces ? ['Namespace', ...h] : h;
}

function statusFilter(args: CommandArgs): ((o: KubeObject) => boolean) | undefined {
  const sel = str(args, 'status-selector');
  if (!sel) return undefined;
  const i = sel.indexOf('=');
  if (i <= 0) throw new UsageError(`expected status selector in type=status format, but found: ${sel}`);
  const type = sel.slice(0, i).toLowerCase();
  const want = sel.slice(i + 1).toLowerCase();
  return (o) => {
    const cs = ((o as { status?: { conditions?: Array<{ type?: string }> } }).status?.conditions ?? []).filter((c) => c.type?.toLowerCase() === type);
    const c = cs.length ? conditionOf(o, cs[cs.length - 1]?.type ?? '') : undefined;
    return c !== undefined && c.status.toLowerCase() === want;
  };
}

async function listKind(client: KubeClient, k: CliKind, ns: string | undefined, name: string | undefined): Promise<KubeObject[]> {
  const { items } = await client.list({ apiVersion: k.apiVersion, kind: k.kind }, { namespace: ns, ...(name ? { fieldSelector: `metadata.name=${name}` } : {}) });
  return items
    .filter((o) => !name || o.metadata.name === name)
    .sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`));
}

function scope(allNamespaces: boolean, ns: string): string {
  return allNamespaces ? 'any' : `"${ns}"`;
}

async function watchKind(k: CliKind, args: CommandArgs, io: CommandIO, ctx: { client: KubeClient; ns: string | undefined; timeoutMs: number; name: string | undefined }): Promise<void> {
  const all = bool(args, 'all-namespaces');
  const filter = statusFilter(args) ?? (() => true);
  const { items, resourceVersion } = await ctx.client.list({ apiVersion: k.apiVersion, kind: k.kind }, { namespace: ctx.ns });
  const rows = items.filter((o) => (!ctx.name || o.metadata.name === ctx.name) && filter(o)).map((o) => summariseRow(o, { allNamespaces: all, withKind: false }));
  io.stdout.write(formatTable(tableHeader(all), rows, { noHeader: bool(args, 'no-header') }));
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ctx.timeoutMs);
  const onSignal = (): void => ac.abort();
  process.once('SIGINT', onSignal);
  let rv = resourceVersion;
  try {
    while (!ac.signal.aborted) {
      await ctx.client.watch({ apiVersion: k.apiVersion, kind: k.kind }, { namespace: ctx.ns, resourceVersion: rv, signal: ac.signal, timeoutSeconds: Math.max(1, Math.ceil(ctx.timeoutMs / 1000)) }, (ev) => {
        if (ev.object.metadata.resourceVersion) rv = ev.object.metadata.resourceVersion;
        if (ev.type === 'BOOKMARK' || ev.type === 'DELETED') return;
        if (ctx.name && ev.object.metadata.name !== ctx.name) return;
        if (!filter(ev.object)) return;
        io.stdout.write(formatTable([], [summariseRow(ev.object, { allNamespaces: all, withKind: false })], { noHeader: true }));
      });
    }
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', onSignal);
  }
}

async function runGet(kinds: readonly CliKind[], args: CommandArgs, io: CommandIO): Promise<number> {
  return guard(io, () =>
    withKube(args, io, async (k) => {
      const all = bool(args, 'all-namespaces');
      const ns = all ? undefined : k.namespace;
      const name = args.positionals[0];
      const getAll = kinds.length > 1;
      const format = parseOutputFormat(str(args, 'output'));
      if (bool(args, 'watch')) {
        if (getAll || !kinds[0]) throw new UsageError('expected a single resource type, but found all');
        await watchKind(kinds[0], args, io, { client: k.client, ns, timeoutMs: k.timeoutMs, name });
        return 0;
      }
      const filter = statusFilter(args) ?? (() => true);
      const log = new CliLogger(io.stderr, io.env);
      const collected: KubeObject[] = [];
      for (const kind of kinds) {
        let items: KubeObject[];
        try {
          items = (await listKind(k.client, kind, ns, name)).filter(filter);
        } catch (err) {
          if (getAll && err instanceof NoKindMatchError) continue;
          throw err;
        }
        collected.push(...items);
        if (format) continue;
        if (items.length === 0) {
          if (name) log.failure(`${kind.kind} object '${name}' not found in ${scope(all, k.namespace)} namespace`);
          else if (!getAll) log.failure(`no ${kind.kind} objects found in ${scope(all, k.namespace)} namespace`);
          continue;
        }
        const rows = items.map((o) => summariseRow(o, { allNamespaces: all, withKind: getAll }));
        io.stdout.write(formatTable(tableHeader(all), rows, { noHeader: bool(args, 'no-header') }) + (getAll ? '\n' : ''));
      }
      // As kubectl: managedFields are noise in -o yaml|json.
      const shown = collected.map((o) => ({ ...o, metadata: { ...o.metadata, managedFields: undefined } }));
      if (format) io.stdout.write(formatObjects(JSON.parse(JSON.stringify(shown)) as JsonValue[], format, { single: Boolean(name) && !getAll }));
      return 0;
    }),
  );
}

const getFlags = {
  ...kubeFlags,
  'all-namespaces': { type: 'boolean', short: 'A' },
  'no-header': { type: 'boolean' },
  'status-selector': { type: 'string' },
  watch: { type: 'boolean', short: 'w' },
  output: { type: 'string', short: 'o' },
} as const;

const getFlagsHelp = `Flags:
  -A, --all-namespaces        list across all namespaces
  -o, --output yaml|json      print the objects instead of a table
  -w, --watch                 after listing, print a row for every change (until Ctrl-C or --timeout)
  --status-selector TYPE=STATUS  only objects with this condition status, e.g. ready=false
  --no-header                 skip the header line
`;

function getCommandFor(k: CliKind, words: readonly string[]): Command {
  const w = words.join(' ');
  return {
    path: ['get', ...words],
    summary: `Get ${k.kind} statuses`,
    help: `Usage: lockstep get ${w} [NAME] [flags]

Prints the status of ${k.kind} objects as "flux get ${w}" does: NAME, REVISION, SUSPENDED, READY, MESSAGE.

${getFlagsHelp}
${kubeFlagsHelp}
Examples:
  # List the ${k.kind} objects of flux-system and their status
  lockstep get ${w}

  # Every namespace, only the failing ones
  lockstep get ${w} -A --status-selector ready=false

  # Watch one object
  lockstep get ${w} my-object --watch
`,
    options: getFlags,
    run: (args, io) => runGet([k], args, io),
  };
}

const getAllCommand: Command = {
  path: ['get', 'all'],
  summary: 'Get the status of every Lockstep object',
  help: `Usage: lockstep get all [flags]

Prints one status table per kind (sources first), names as kind/name, like "flux get all".

${getFlagsHelp}
${kubeFlagsHelp}
Examples:
  lockstep get all
  lockstep get all -A --status-selector ready=false
`,
  options: getFlags,
  run: (args, io) => runGet([...cliKinds].sort((a, b) => Number(b.isSource) - Number(a.isSource)), args, io),
};

export const getCommands: readonly Command[] = [
  ...cliKinds.flatMap((k) => [getCommandFor(k, k.getWords), ...k.getAliases.map((a) => aliasOf(getCommandFor(k, k.getWords), ['get', ...a]))]),
  getAllCommand,
];
