/**
 * `lockstep tree kustomization NAME [--compact]`: the Kustomization's inventory as a tree; entries that
 * are Kustomizations are expanded with their own inventory (depth-limited, cycles cut). `--compact`
 * keeps only Flux objects (the toolkit kinds), as `flux tree --compact`.
 */
import { kustomizationApiVersion, kustomizationKind, kustomizeGroup, type Kustomization } from '../../api/kustomization.js';
import type { KubeClient } from '../../kube/client/index.js';
import { inventoryRefs, type VersionedRef } from '../../kube/ssa/index.js';
import type { Command, CommandArgs, CommandIO } from '../command.js';
import type { JsonObject } from '../../kube/object.js';
import { UsageError, bool, guard, kubeFlags, kubeFlagsHelp, nameArg, str, withKube } from '../output/context.js';
import { getObject } from './reconcile.js';
import { cliKindByName, aliasOf } from '../output/kinds.js';
import { toFluxYaml } from '../output/yaml.js';

/** A node of the tree. */
export interface TreeNode {
  label: string;
  /** The object, as flux's tree names it (ObjMetadata: Namespace, Name, GroupKind). */
  ref: { namespace: string; name: string; group: string; kind: string };
  children: TreeNode[];
}

const maxDepth = 20;

function label(ref: { kind: string; namespace: string; name: string }): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

/** Builds the tree of a Kustomization from the cluster. */
export async function inventoryTree(client: KubeClient, ks: Kustomization, opts: { compact?: boolean } = {}, ctx: { seen: Set<string>; depth: number } = { seen: new Set(), depth: 0 }): Promise<TreeNode> {
  const { seen, depth } = ctx;
  const ref = { kind: kustomizationKind, group: kustomizeGroup, namespace: ks.metadata.namespace ?? '', name: ks.metadata.name ?? '' };
  const root: TreeNode = { label: label(ref), ref, children: [] };
  seen.add(root.label);
  for (const ref of inventoryRefs(ks.status?.inventory)) {
    if (opts.compact && !ref.group.endsWith('toolkit.fluxcd.io')) continue;
    root.children.push(await childNode(client, ref, opts, { seen, depth }));
  }
  return root;
}

async function childNode(client: KubeClient, ref: VersionedRef, opts: { compact?: boolean }, ctx: { seen: Set<string>; depth: number }): Promise<TreeNode> {
  const node: TreeNode = { label: label(ref), ref: { namespace: ref.namespace, name: ref.name, group: ref.group, kind: ref.kind }, children: [] };
  if (ref.group !== kustomizeGroup || ref.kind !== kustomizationKind || ctx.seen.has(node.label) || ctx.depth >= maxDepth) return node;
  const child = (await client.tryGet({ apiVersion: kustomizationApiVersion, kind: kustomizationKind, name: ref.name, namespace: ref.namespace })) as Kustomization | undefined;
  if (!child) return node;
  return inventoryTree(client, child, opts, { seen: ctx.seen, depth: ctx.depth + 1 });
}

/** The tree drawn with box characters, one node per line. */
export function renderTree(node: TreeNode): string {
  const lines = [node.label];
  const walk = (n: TreeNode, prefix: string): void => {
    n.children.forEach((c, i) => {
      const last = i === n.children.length - 1;
      lines.push(`${prefix}${last ? '└── ' : '├── '}${c.label}`);
      walk(c, prefix + (last ? '    ' : '│   '));
    });
  };
  walk(node, '');
  return lines.join('\n') + '\n';
}

/** A tree as `flux tree -o json|yaml` prints it: `{resource: ObjMetadata, resources?: [...]}`. */
export function treeDocument(node: TreeNode): JsonObject {
  const doc: JsonObject = { resource: { Namespace: node.ref.namespace, Name: node.ref.name, GroupKind: { Group: node.ref.group, Kind: node.ref.kind } } };
  if (node.children.length) doc['resources'] = node.children.map(treeDocument);
  return doc;
}

async function runTree(args: CommandArgs, io: CommandIO): Promise<number> {
  return guard(io, () =>
    withKube(args, io, async (k) => {
      const output = str(args, 'output');
      if (output !== undefined && output !== 'json' && output !== 'yaml') throw new UsageError(`--output must be json or yaml, got "${output}"`);
      const name = nameArg(args, 'Kustomization');
      const kind = cliKindByName(kustomizationKind);
      if (!kind) throw new Error('Kustomization kind is not registered');
      const ks = (await getObject(k.client, kind, name, k.namespace)) as Kustomization;
      const tree = await inventoryTree(k.client, ks, { compact: bool(args, 'compact') });
      if (output === 'json') io.stdout.write(JSON.stringify(treeDocument(tree), null, 2) + '\n');
      else if (output === 'yaml') io.stdout.write(toFluxYaml(treeDocument(tree)).replace(/^---\n/, '')); // sorted keys, as flux's yaml.Marshal
      else io.stdout.write(renderTree(tree));
      return 0;
    }),
  );
}

export const treeKustomizationCommand: Command = {
  path: ['tree', 'kustomization'],
  summary: 'Print the objects a Kustomization manages, as a tree',
  help: `Usage: lockstep tree kustomization NAME [flags]

Prints the inventory of the Kustomization as a tree; nested Kustomizations are expanded with the
objects they manage.

Flags:
  --compact              only Flux objects (Kustomizations, sources, HelmReleases…)
  -o, --output json|yaml print the tree as data, in flux's shape ({resource, resources})

${kubeFlagsHelp}
Examples:
  lockstep tree kustomization flux-system
  lockstep tree ks flux-system --compact
  lockstep tree ks flux-system -o json
`,
  options: { ...kubeFlags, compact: { type: 'boolean' }, output: { type: 'string', short: 'o' } },
  run: (args, io) => runTree(args, io),
};

export const treeCommands: readonly Command[] = [treeKustomizationCommand, aliasOf(treeKustomizationCommand, ['tree', 'ks'])];
