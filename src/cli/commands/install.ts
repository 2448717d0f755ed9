/**
 * `lockstep install [--export]` and `lockstep uninstall [--keep-namespace]`.
 */
import { componentNames, componentsObjects, componentsYaml } from '../../install/components.js';
import type { KubeClient } from '../../kube/client/index.js';
import type { KubeObject } from '../../kube/object.js';
import type { Command } from '../command.js';
import { UsageError, bool, durationFlag, guard, kubeFlags, list, sleep, str, withKube } from '../output/context.js';
import { CliLogger } from '../output/logger.js';
import { Spinner } from '../output/spinner.js';
import { applyObjects } from '../up/apply.js';
import { uninstall } from '../bootstrap/uninstall.js';
import { lockstepVersion } from './version.js';

/** Flags shared by install and bootstrap for the components. */
export const componentFlags = {
  components: { type: 'string' },
  image: { type: 'string' },
  'log-level': { type: 'string' },
} as const;

/** Reads the component flags into options for {@link componentsObjects}. */
export function componentOptions(args: Parameters<Command['run']>[0], namespace: string): Parameters<typeof componentsObjects>[0] {
  const components = list(args, 'components');
  for (const c of components) if (!(componentNames as readonly string[]).includes(c)) throw new UsageError(`--components: unknown component "${c}" (known: ${componentNames.join(', ')})`);
  const image = str(args, 'image');
  const logLevel = str(args, 'log-level');
  return { version: lockstepVersion(), namespace, ...(components.length ? { components } : {}), ...(image ? { image } : {}), ...(logLevel ? { logLevel } : {}) };
}

/** Waits until every Deployment of the install is available, with a spinner. */
export async function waitForDeployments(client: KubeClient, o: { namespace: string; timeoutMs: number; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv }): Promise<void> {
  const spinner = new Spinner(o.stderr, 'waiting for the controllers to be available', o.env);
  const deadline = Date.now() + o.timeoutMs;
  try {
    for (;;) {
      const l = await client.list({ apiVersion: 'apps/v1', kind: 'Deployment' }, { namespace: o.namespace, labelSelector: 'app.kubernetes.io/part-of=lockstep' });
      const pending = l.items.filter((d) => {
        const x = d as KubeObject & { spec?: { replicas?: number }; status?: { availableReplicas?: number } };
        return (x.status?.availableReplicas ?? 0) < (x.spec?.replicas ?? 1);
      });
      if (pending.length === 0) return;
      spinner.update(`waiting for ${pending.map((d) => d.metadata.name ?? '').join(', ')} to be available`);
      if (Date.now() > deadline) throw new Error(`timeout waiting for ${pending.map((d) => `Deployment/${d.metadata.name ?? ''}`).join(', ')} to be available`);
      await sleep(500);
    }
  } finally {
    spinner.stop();
  }
}

export const installCommand: Command = {
  path: ['install'],
  summary: "Install Lockstep's CRDs and controllers on a cluster",
  help: `Usage: lockstep install [--export] [flags]

Applies the components manifest (CRDs, Namespace, ServiceAccounts, RBAC, Deployments, Service) with
server-side apply and waits until the controllers are available. --export prints the manifest instead.
Re-running it upgrades in place.

Flags:
  --export                print the manifest (YAML) on stdout; touches no cluster
  --components LIST       ${componentNames.join(',')} (default both)
  --image REF             controller image (default ghcr.io/lockstep/lockstep:v<version>; see Dockerfile)
  --log-level LEVEL       controllers' log level (default info)
  -n, --namespace NS      namespace of the controllers (default flux-system)
  --kubeconfig, --context, --timeout (default 5m)

Examples:
  lockstep install --export > gotk-components.yaml
  lockstep install --kubeconfig ~/.kube/config
`,
  options: { ...kubeFlags, ...componentFlags, export: { type: 'boolean' } },
  run: (args, io) =>
    guard(io, async () => {
      const namespace = str(args, 'namespace') ?? 'flux-system';
      const opts = componentOptions(args, namespace);
      if (bool(args, 'export')) {
        io.stdout.write(componentsYaml(opts));
        return 0;
      }
      const log = new CliLogger(io.stderr, io.env);
      return withKube(args, io, async (k) => {
        log.action(`installing components in ${namespace}`);
        const applied = await applyObjects(k.client, componentsObjects(opts));
        log.success(`applied ${applied.length} objects`);
        await waitForDeployments(k.client, { namespace, timeoutMs: k.timeoutMs, stderr: io.stderr, env: io.env });
        log.success('install finished');
        return 0;
      });
    }),
};

export const uninstallCommand: Command = {
  path: ['uninstall'],
  summary: 'Remove Lockstep from a cluster, leaving the workloads it applied',
  help: `Usage: lockstep uninstall [--keep-namespace] [--dry-run] [flags]

Deletes the controllers, then every GitRepository and Kustomization after suspending it and removing
its finalizers (so nothing it applied is garbage-collected), then the CRDs, the cluster roles and the
namespace. The workloads the Kustomizations applied stay in the cluster.

Flags:
  --keep-namespace     do not delete the controllers' namespace
  --dry-run            server-side dry run: show what would be deleted
  -n, --namespace NS   namespace of the controllers (default flux-system)
  --kubeconfig, --context

Examples:
  lockstep uninstall
  lockstep uninstall --keep-namespace --dry-run
`,
  options: { ...kubeFlags, 'keep-namespace': { type: 'boolean' }, 'dry-run': { type: 'boolean' }, silent: { type: 'boolean', short: 's' } },
  run: (args, io) =>
    guard(io, async () => {
      durationFlag(args, 'timeout', 0);
      const namespace = str(args, 'namespace') ?? 'flux-system';
      const log = new CliLogger(io.stderr, io.env);
      return withKube(args, io, async (k) => {
        await k.client.requestJson({ method: 'GET', path: '/version' }).catch((err: unknown) => {
          throw new Error(`cannot reach the API server at ${k.client.server}: ${(err as Error).message}`);
        });
        const dryRun = bool(args, 'dry-run');
        const n = await uninstall(k.client, { namespace, keepNamespace: bool(args, 'keep-namespace'), dryRun, version: lockstepVersion(), log: (m) => log.success(m) });
        log.success(`uninstall finished${dryRun ? ' (dry run)' : ''}: ${n} Lockstep objects released; workloads left in place`);
        return 0;
      });
    }),
};
