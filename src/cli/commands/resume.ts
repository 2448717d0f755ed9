/**
 * `lockstep resume source git|kustomization NAME|--all`: clears `spec.suspend`, asks for an immediate
 * reconcile, and (unless `--wait=false`) waits until it is handled and Ready, as `flux resume` does.
 */
import type { Command, CommandArgs, CommandIO } from '../command.js';
import { guard, kubeFlags, kubeFlagsHelp, withKube } from '../output/context.js';
import { cliKinds, type CliKind, aliasOf } from '../output/kinds.js';
import { CliLogger } from '../output/logger.js';
import { annotate, waitHandled } from './reconcile.js';
import { targets } from './suspend.js';

async function runResume(k: CliKind, args: CommandArgs, io: CommandIO): Promise<number> {
  return guard(io, () =>
    withKube(args, io, async (ctx) => {
      const log = new CliLogger(io.stderr, io.env);
      const objs = await targets(k, args, ctx);
      if (objs.length === 0) log.failure(`no ${k.kind} objects found in "${ctx.namespace}" namespace`);
      const wait = args.values['no-wait'] !== true;
      for (const o of objs) {
        const name = o.metadata.name ?? '';
        log.action(`resuming ${k.kind} ${name} in ${ctx.namespace} namespace`);
        const opts = { client: ctx.client, kind: k, name, namespace: ctx.namespace, timeoutMs: ctx.timeoutMs, io, patch: { spec: { suspend: false } } };
        const token = await annotate(opts);
        log.success(`${k.kind} resumed`);
        if (wait) await waitHandled(opts, token);
      }
      return 0;
    }),
  );
}

function resumeCommandFor(k: CliKind, words: readonly string[]): Command {
  const w = words.join(' ');
  return {
    path: ['resume', ...words],
    summary: `Resume a suspended ${k.kind}`,
    help: `Usage: lockstep resume ${w} [NAME | --all] [flags]

Clears spec.suspend, requests an immediate reconcile and waits (with a spinner) until the ${k.kind} is
reconciled and Ready, printing its revision; --no-wait returns at once.

Flags:
  --all       every ${k.kind} in the namespace
  --no-wait   do not wait for the reconciliation

${kubeFlagsHelp}
Examples:
  lockstep resume ${w} podinfo
  lockstep resume ${w} --all --no-wait
`,
    options: { ...kubeFlags, all: { type: 'boolean' }, 'no-wait': { type: 'boolean' } },
    run: (args, io) => runResume(k, args, io),
  };
}

export const resumeCommands: readonly Command[] = cliKinds.flatMap((k) => [resumeCommandFor(k, k.words), ...k.aliases.map((a) => aliasOf(resumeCommandFor(k, k.words), ['resume', ...a]))]);
