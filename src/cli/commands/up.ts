/**
 * `lockstep up`: the local GitOps loop in one command (see src/cli/up/run.ts).
 */
import { resolve } from 'node:path';
import { formatDuration } from '../../api/duration.js';
import type { Command } from '../command.js';
import { UsageError, bool, durationFlag, guard, str } from '../output/context.js';
import { defaultUpPath, runUp } from '../up/run.js';

const help = `Usage: lockstep up [flags]

Runs the whole GitOps loop on this machine: starts the local cluster (data under .lockstep/), copies
the bundled example repository to .lockstep/repo (first time only) and serves it over git HTTP on
127.0.0.1, bootstraps it (GitRepository and Kustomization "flux-system" on ./${defaultUpPath}), runs the
source and kustomize controllers in this process and shows progress until every Kustomization is
Ready. Then it keeps reconciling, printing each revision applied and each failure, until Ctrl-C.

Clone the printed URL and push, or commit directly in .lockstep/repo (or the --repo folder): up
sees the branch move and asks for a reconcile at once, so the change is applied within seconds. A
remote --repo URL is fetched every --interval (default 1m).

Flags:
  --once               exit when every Kustomization is Ready (0), or one fails / --timeout passes (1)
  --timeout DURATION   how long --once waits (default 5m)
  --repo URL|PATH      your own repository instead of the example (a local path is served over HTTP)
  --branch NAME        branch to sync (default main)
  --path DIR           entry point in the repository (default ${defaultUpPath})
  --interval DURATION  how often the GitRepository is fetched (default 1m)
  --kubeconfig PATH    use this cluster instead of the local one (controllers still run in-process)
  --context NAME       kubeconfig context
  --install            with --kubeconfig/--context: deploy the controllers into the cluster (the
                       Deployments of lockstep install) instead of running them in this process, and
                       wait until those Deployments are available
  --image REF          controller image for --install (default ghcr.io/lockstep/lockstep:v<version>, a
                       placeholder: build and push the repository's Dockerfile, then pass your tag)
  --data DIR           where state is kept (default .lockstep)
  --metrics-addr ADDR  metrics and health endpoints (default 127.0.0.1:0, a free port)

If another Lockstep controller process already holds the leader Lease (lockstep controllers
--enable-leader-election, or installed Deployments), up says so in one line, shows progress and lets it
reconcile; its own controllers take over when that process stops.

Exit codes: 0 all Ready (or interrupted after Ready), 1 a failure or timeout (reason on stderr),
2 wrong usage, 130 interrupted before Ready.

Examples:
  lockstep up --once
  lockstep up                                  # keep running; push to the printed git URL
  lockstep up --repo ../my-fleet --path clusters/dev
  lockstep up --repo https://git.example.com/fleet.git --branch main --path clusters/prod --kubeconfig ~/.kube/config
  lockstep up --install --image registry.example.com/lockstep:dev --kubeconfig ~/.kube/config \\
    --repo https://git.example.com/fleet.git --path clusters/prod
`;

function interruption(): Promise<void> {
  return new Promise((done) => {
    const on = (): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      done();
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export const upCommand: Command = {
  path: ['up'],
  summary: 'Run the local cluster, a git repo and the controllers: the whole loop',
  help,
  options: {
    once: { type: 'boolean' },
    timeout: { type: 'string' },
    repo: { type: 'string' },
    branch: { type: 'string' },
    path: { type: 'string' },
    interval: { type: 'string' },
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
    data: { type: 'string' },
    'metrics-addr': { type: 'string' },
    install: { type: 'boolean' },
    image: { type: 'string' },
  },
  run: (args, io) =>
    guard(io, async () => {
      if (args.positionals.length) throw new UsageError(`unexpected arguments: ${args.positionals.join(' ')}`);
      const path = str(args, 'path') ?? defaultUpPath;
      if (path.startsWith('/') || path.split('/').includes('..')) throw new UsageError(`--path must be relative to the repository root, got "${path}"`);
      const install = bool(args, 'install');
      if (install && !str(args, 'kubeconfig') && !str(args, 'context')) throw new UsageError('--install deploys the controllers into a cluster of your own: give --kubeconfig or --context (on the local cluster up runs them in-process)');
      if (!install && str(args, 'image')) throw new UsageError('--image is only used with --install');
      return runUp(
        {
          dataDir: resolve(io.cwd, str(args, 'data') ?? '.lockstep'),
          repo: str(args, 'repo'),
          branch: str(args, 'branch') ?? 'main',
          path,
          kubeconfig: str(args, 'kubeconfig'),
          context: str(args, 'context'),
          once: bool(args, 'once'),
          timeoutMs: durationFlag(args, 'timeout', 5 * 60_000),
          interval: formatDuration(durationFlag(args, 'interval', 60_000)),
          metricsAddr: str(args, 'metrics-addr') ?? '127.0.0.1:0',
          pollMs: 500,
          interrupted: interruption(),
          install: install ? { image: str(args, 'image') } : undefined,
        },
        io,
      );
    }),
};
