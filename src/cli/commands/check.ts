/**
 * `lockstep check [--pre]`: pre-flight and health checks, as `flux check`.
 */
import type { Command } from '../command.js';
import { bool, guard, kubeFlags, str, withKube } from '../output/context.js';
import { CliLogger } from '../output/logger.js';
import { type CheckResult, checkControllers, checkCrds, checkServer } from '../bootstrap/checks.js';

function report(log: CliLogger, results: readonly CheckResult[]): boolean {
  for (const r of results) {
    if (!r.ok) log.failure(r.message);
    else if (r.warning) log.warning(r.message);
    else log.success(r.message);
  }
  return results.every((r) => r.ok);
}

export const checkCommand: Command = {
  path: ['check'],
  summary: 'Check the cluster: API server, version, CRDs, controllers',
  help: `Usage: lockstep check [--pre] [flags]

Checks that the API server answers and runs a supported Kubernetes version; without --pre also that
Lockstep's CRDs are installed and the controllers' Deployments are available. Exit code 0 when every
check passes, 1 otherwise.

Flags:
  --pre                only the pre-flight checks (API server, version)
  -n, --namespace NS   namespace of the controllers (default flux-system)
  --kubeconfig, --context

Examples:
  lockstep check --pre
  KUBECONFIG=.lockstep/cluster/kubeconfig lockstep check
`,
  options: { ...kubeFlags, pre: { type: 'boolean' } },
  run: (args, io) =>
    guard(io, async () => {
      const log = new CliLogger(io.stderr, io.env);
      return withKube(args, io, async (k) => {
        log.action('checking prerequisites');
        let ok = report(log, [await checkServer(k.client)]);
        if (!ok) {
          log.failure('pre-flight checks failed');
          return 1;
        }
        if (bool(args, 'pre')) {
          log.success('prerequisites checks passed');
          return 0;
        }
        log.action('checking controllers');
        ok = report(log, await checkControllers(k.client, str(args, 'namespace') ?? 'flux-system')) && ok;
        log.action('checking crds');
        ok = report(log, await checkCrds(k.client)) && ok;
        if (ok) log.success('all checks passed');
        else log.failure('check failed');
        return ok ? 0 : 1;
      });
    }),
};
