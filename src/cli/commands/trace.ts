/**
 * `lockstep trace KIND NAME -n NS` (or `trace KIND/NAME`): which Kustomization manages an object (its
 * owner labels `kustomize.toolkit.fluxcd.io/name|namespace`), from which source and revision, and their
 * status — as `flux trace` prints it. The kind is resolved through discovery unless `--api-version`.
 */
import { ownerLabelName, ownerLabelNamespace } from '../../controllers/kustomize/reasons.js';
import type { KubeClient } from '../../kube/client/index.js';
import { formatApiVersion, isNotFound } from '../../kube/client/index.js';
import type { KubeObject } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import type { Command, CommandArgs, CommandIO } from '../command.js';
import { UsageError, guard, kubeFlags, kubeFlagsHelp, str, withKube } from '../output/context.js';
import { cliKindByName, revisionOf } from '../output/kinds.js';
import { conditionOf } from '../output/wait.js';
import { getObject, sourceRefOf } from './reconcile.js';

/** Finds the apiVersion serving `kind` (case-insensitive, plural or singular), preferring the core group. */
export async function resolveKind(client: KubeClient, kind: string): Promise<{ apiVersion: string; kind: string; namespaced: boolean }> {
  const want = kind.toLowerCase();
  const groups = await client.mapper.groups();
  for (const g of groups) {
    const resources = await client.mapper.resourcesFor(g.name, g.preferredVersion);
    const m = resources.find((r) => r.kind.toLowerCase() === want || r.resource === want);
    if (m) return { apiVersion: formatApiVersion(m.group, m.version), kind: m.kind, namespaced: m.namespaced };
  }
  throw new Error(`the server doesn't have a resource type "${kind}"`);
}

function field(name: string, value: string): string {
  return `${(name + ':').padEnd(16)}${value}\n`;
}

function statusLine(obj: KubeObject): string {
  const ready = conditionOf(obj, 'Ready');
  if (!ready) return field('Status', 'Unknown: waiting to be reconciled');
  if (ready.status === 'True') {
    const c = (obj as { status?: { conditions?: Array<{ type?: string; lastTransitionTime?: string }> } }).status?.conditions?.find((x) => x.type === 'Ready');
    return field('Status', `Last reconciled at ${c?.lastTransitionTime ?? ''}`) + field('Message', ready.message);
  }
  return field('Status', `Failed (${ready.reason})`) + field('Message', ready.message);
}

function specOf(obj: KubeObject): Record<string, unknown> {
  const s = (obj as { spec?: unknown }).spec;
  return isJsonObject(s) ? s : {};
}

function sourceBlock(src: KubeObject): string {
  const spec = specOf(src);
  let out = field(src.kind, src.metadata.name ?? '') + field('Namespace', src.metadata.namespace ?? '');
  if (typeof spec['url'] === 'string') out += field('URL', spec['url']);
  const ref = isJsonObject(spec['ref']) ? spec['ref'] : {};
  for (const [k, label] of [['branch', 'Branch'], ['tag', 'Tag'], ['semver', 'Semver'], ['name', 'Ref'], ['commit', 'Commit']] as const) {
    if (typeof ref[k] === 'string') out += field(label, ref[k]);
  }
  return out + field('Revision', revisionOf(src)) + statusLine(src);
}

async function traceObject(client: KubeClient, args: CommandArgs, ns: string): Promise<string> {
  let kindArg = args.positionals[0];
  let name = args.positionals[1];
  if (kindArg?.includes('/') && !name) [kindArg, name] = kindArg.split('/', 2) as [string, string];
  if (!kindArg || !name) throw new UsageError('object kind and name are required: lockstep trace KIND NAME -n NAMESPACE');
  const apiVersion = str(args, 'api-version');
  const t = apiVersion ? { apiVersion, kind: kindArg, namespaced: true } : await resolveKind(client, kindArg);
  let obj: KubeObject;
  try {
    obj = await client.get({ apiVersion: t.apiVersion, kind: t.kind, name, namespace: t.namespaced ? ns : undefined });
  } catch (err) {
    if (isNotFound(err)) throw new Error(`${t.kind} '${name}' not found${t.namespaced ? ` in '${ns}' namespace` : ''}`);
    throw err;
  }
  const labels = obj.metadata.labels ?? {};
  const ksName = labels[ownerLabelName];
  const ksNs = labels[ownerLabelNamespace];
  let out = field('Object', `${t.kind}/${name}`) + (t.namespaced ? field('Namespace', ns) : '');
  if (!ksName || !ksNs) throw new Error(`${t.kind}/${name} is not managed by Lockstep or Flux (no ${ownerLabelName} label)`);
  out += field('Status', 'Managed by Flux') + '---\n';
  const ksKind = cliKindByName('Kustomization');
  if (!ksKind) throw new Error('Kustomization kind is not registered');
  const ks = await getObject(client, ksKind, ksName, ksNs);
  const spec = specOf(ks);
  out += field('Kustomization', ksName) + field('Namespace', ksNs) + field('Path', typeof spec['path'] === 'string' ? spec['path'] : './') + field('Revision', revisionOf(ks)) + statusLine(ks);
  const src = sourceRefOf(ks);
  const srcKind = src ? cliKindByName(src.kind) : undefined;
  if (src && srcKind) out += '---\n' + sourceBlock(await getObject(client, srcKind, src.name, src.namespace));
  else if (src) out += '---\n' + field(src.kind, src.name) + field('Namespace', src.namespace);
  return out;
}

export const traceCommand: Command = {
  path: ['trace'],
  summary: 'Trace an object back to the Kustomization and source that manage it',
  help: `Usage: lockstep trace KIND NAME [-n NAMESPACE] [flags]

Prints which Kustomization applies the object (from its owner labels), its path, revision and status,
and the source (URL, ref, revision, status) it was built from.

Flags:
  --api-version V   the object's apiVersion (default: found through discovery)

${kubeFlagsHelp}
Examples:
  lockstep trace Deployment podinfo -n apps
  lockstep trace configmap/settings -n default --api-version v1
`,
  options: { ...kubeFlags, 'api-version': { type: 'string' } },
  run: (args: CommandArgs, io: CommandIO) =>
    guard(io, () =>
      withKube(args, io, async (k) => {
        io.stdout.write(await traceObject(k.client, args, k.namespace));
        return 0;
      }),
    ),
};
