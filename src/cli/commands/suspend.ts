/**
 * `lockstep suspend source git|kustomization NAME|--all`: sets `spec.suspend: true`, so the controller
 * stops reconciling (drift is no longer corrected) until `resume`.
 */
import type { KubeObject } from '../../kube/object.js';
import type { Command, CommandArgs, CommandIO } from '../command.js';
import { UsageError, bool, guard, kubeFlags, kubeFlagsHelp, withKube } from '../output/context.js';
import { cliKinds, type CliKind, aliasOf } from '../output/kinds.js';
import { CliLogger } from '../output/logger.js';
import { getObject } from './reconcile.js';

/** The objects named by `NAME` or `--all` in the namespace. */
export async function targets(k: CliKind, args: CommandArgs, ctx: { client: import('../../kube/client/index.js').KubeClient; namespace: string }): Promise<KubeObject[]> {
  const all = bool(args, 'all');
  const name = args.positionals[0];
  if (all && name) throw new UsageError('give a NAME or --all, not both');
  if (!all && !name) throw new UsageError(`${k.kind} name is required (or --all)`);
  if (name) return [await getObject(ctx.client, k, name, ctx.namespace)];
  return (await ctx.client.list({ apiVersion: k.apiVersion, kind: k.kind }, { namespace: ctx.namespace })).items;
}

async function runSuspend(k: CliKind, args: CommandArgs, io: CommandIO): Promise<number> {
  return guard(io, () =>
    withKube(args, io, async (ctx) => {
      const log = new CliLogger(io.stderr, io.env);
      const objs = await targets(k, args, ctx);
      if (objs.length === 0) log.failure(`no ${k.kind} objects found in "${ctx.namespace}" namespace`);
      for (const o of objs) {
        const name = o.metadata.name ?? '';
        log.action(`suspending ${k.kind} ${name} in ${ctx.namespace} namespace`);
        await ctx.client.patch({ apiVersion: k.apiVersion, kind: k.kind, name, namespace: ctx.namespace }, { spec: { suspend: true } }, { type: 'merge' });
        log.success(`${k.kind} suspended`);
      }
      return 0;
    }),
  );
}

function suspendCommandFor(k: CliKind, words: readonly string[]): Command {
  const w = words.join(' ');
  return {
    path: ['suspend', ...words],
    summary: `Suspend reconciliation of a ${k.kind}`,
    help: `Usage: lockstep suspend ${w} [NAME | --all] [flags]

Sets spec.suspend so the controller stops reconciling the ${k.kind} (no drift correction, no new
revisions) until "lockstep resume ${w}".

Flags:
  --all   every ${k.kind} in the namespace

${kubeFlagsHelp}
Examples:
  lockstep suspend ${w} podinfo
  lockstep suspend ${w} --all -n apps
`,
    options: { ...kubeFlags, all: { type: 'boolean' } },
    run: (args, io) => runSuspend(k, args, io),
  };
}

export const suspendCommands: readonly Command[] = cliKinds.flatMap((k) => [suspendCommandFor(k, k.words), ...k.aliases.map((a) => aliasOf(suspendCommandFor(k, k.words), ['suspend', ...a]))]);
