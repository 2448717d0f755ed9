/**
 * `lockstep controllers`: runs the registered controllers in one process against any cluster, until
 * SIGINT/SIGTERM. Controllers are registered in {@link controllerModules} below — one line per package.
 */
import type { Command, CommandArgs, CommandIO } from '../command.js';
import { ExitCode } from '../command.js';
import { KubeClient } from '../../kube/client/index.js';
import { ControllerRegistry, Manager, createLogger, type ControllerFactory } from '../../runtime/index.js';
import { controllersIdentity, leaseNameFor } from '../up/lease.js';

/**
 * The controller packages `lockstep controllers` can run, imported only when the command runs (so other
 * commands do not load them). A package that fails to import makes the command fail with that error.
 * To add one, append a line such as:
 *   () => import('../../controllers/source/index.js').then((m) => m.sourceControllerFactory),
 */
export const controllerModules: ReadonlyArray<() => Promise<ControllerFactory>> = [
  () => import('../../controllers/source/index.js').then((m) => m.sourceControllerFactory),
  () => import('../../controllers/kustomize/index.js').then((m) => m.kustomizeControllerFactory),
];

/** Loads every registered controller package into a registry. */
export async function loadControllerRegistry(modules: ReadonlyArray<() => Promise<ControllerFactory>> = controllerModules): Promise<ControllerRegistry> {
  const registry = new ControllerRegistry();
  for (const load of modules) registry.register(await load());
  return registry;
}

const help = `Usage: lockstep controllers [flags]

Runs Lockstep's controllers (source, kustomize, helm, notification — whichever are built in) in one
process against the cluster of a kubeconfig, until interrupted (SIGINT/SIGTERM).

Flags:
  --kubeconfig PATH             kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)
  --context NAME                kubeconfig context (default: current-context)
  --only LIST                   comma-separated controllers to run (default: all)
  --storage-dir DIR             artifact storage directory (source controller)
  --storage-addr HOST:PORT      artifact server address (source controller; default 127.0.0.1:9090)
  --storage-adv-addr HOST:PORT  address put into artifact URLs (default: the bound storage address)
  --concurrent N                reconciles in parallel per controller (default 4)
  --metrics-addr HOST:PORT      serve /metrics, /healthz, /readyz (default :8080; "" disables)
  --events-addr URL             POST Flux events to this notification endpoint
  --events-api API              Kubernetes Event API to write: events.k8s.io/v1 (default) or v1
  --watch-namespace NS          only watch this namespace (default: all)
  --enable-leader-election      hold a Lease so only one process reconciles: lockstep-leader-election when
                                running every controller, NAME-controller-leader-election with --only NAME
                                (lockstep up sees it and leaves the reconciling to this process)
  --leader-election-namespace NS  namespace of the Lease (default: $RUNTIME_NAMESPACE or flux-system)
  --kube-api-qps N              API requests per second (default 50)
  --kube-api-burst N            API request burst (default 300)
  --log-level LEVEL             debug, info, warn, error (default info)

Example:
  lockstep controllers --kubeconfig ~/.kube/config --only source --storage-dir /tmp/artifacts \\
    --storage-addr 127.0.0.1:9090 --concurrent 8
`;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function positiveInt(v: unknown, flag: string, dflt: number): number {
  const s = str(v);
  if (s === undefined) return dflt;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${s}"`);
  return n;
}

class UsageError extends Error {}

function eventsApi(v: string | undefined): 'events.k8s.io/v1' | 'v1' | undefined {
  if (v === undefined || v === 'events.k8s.io/v1' || v === 'v1') return v;
  throw new UsageError(`--events-api must be events.k8s.io/v1 or v1, got "${v}"`);
}

/** What `run` resolves to once the manager is up; stop() ends it (tests call it instead of a signal). */
export interface RunningControllers {
  manager: Manager;
  stop(): Promise<void>;
}

/** Starts the manager for parsed flags; exported for tests. */
export async function startControllers(args: CommandArgs, io: CommandIO, modules = controllerModules): Promise<RunningControllers> {
  const v = args.values;
  const only = (str(v['only']) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const registry = await loadControllerRegistry(modules);
  let factories: ControllerFactory[];
  try {
    factories = registry.select(only);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const concurrent = positiveInt(v['concurrent'], '--concurrent', 4);
  const qps = positiveInt(v['kube-api-qps'], '--kube-api-qps', 50);
  const burst = positiveInt(v['kube-api-burst'], '--kube-api-burst', 300);
  const api = eventsApi(str(v['events-api']));
  const client = KubeClient.fromKubeConfig({ kubeconfig: str(v['kubeconfig']), context: str(v['context']) }, { qps, burst });
  const logger = createLogger({ level: str(v['log-level']) ?? io.env['LOCKSTEP_LOG_LEVEL'] ?? 'info' });
  const metricsAddr = str(v['metrics-addr']) ?? ':8080';
  const leNamespace = str(v['leader-election-namespace']) ?? io.env['RUNTIME_NAMESPACE'] ?? 'flux-system';
  const manager = new Manager({
    client,
    factories,
    logger,
    metricsAddr: metricsAddr || undefined,
    settings: {
      concurrent,
      storageDir: str(v['storage-dir']),
      storageAddr: str(v['storage-addr']),
      storageAdvAddr: str(v['storage-adv-addr']),
      eventsAddr: str(v['events-addr']),
      eventsApi: api,
      watchNamespace: str(v['watch-namespace']),
    },
    leaderElection: v['enable-leader-election'] === true ? { namespace: leNamespace, name: leaseNameFor(factories.map((f) => f.name), registry.names()), identity: controllersIdentity() } : undefined,
  });
  await manager.start();
  io.stderr.write(
    `lockstep controllers: running ${factories.map((f) => f.name).join(', ') || 'no controllers'} against ${client.server}` +
      (manager.probeUrl ? `; probes on ${manager.probeUrl}` : '') +
      '\n',
  );
  return {
    manager,
    stop: async () => {
      await manager.stop();
      client.close();
    },
  };
}

export const controllersCommand: Command = {
  path: ['controllers'],
  summary: 'Run the controllers against a cluster',
  help,
  options: {
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
    only: { type: 'string' },
    'storage-dir': { type: 'string' },
    'storage-addr': { type: 'string' },
    'storage-adv-addr': { type: 'string' },
    concurrent: { type: 'string' },
    'metrics-addr': { type: 'string' },
    'events-addr': { type: 'string' },
    'events-api': { type: 'string' },
    'watch-namespace': { type: 'string' },
    'enable-leader-election': { type: 'boolean' },
    'leader-election-namespace': { type: 'string' },
    'kube-api-qps': { type: 'string' },
    'kube-api-burst': { type: 'string' },
    'log-level': { type: 'string' },
  },
  async run(args, io) {
    let running: RunningControllers;
    try {
      running = await startControllers(args, io);
    } catch (err) {
      if (err instanceof UsageError) {
        io.stderr.write(`Error: ${err.message}\n`);
        return ExitCode.usage;
      }
      throw err;
    }
    await new Promise<void>((resolve) => {
      const onSignal = (): void => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      running.manager.wait().then(onSignal, onSignal);
    });
    io.stderr.write('lockstep controllers: stopping\n');
    await running.stop();
    return ExitCode.ok;
  },
};
