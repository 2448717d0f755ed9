/**
 * What every cluster command shares: the `--kubeconfig`, `--context`, `-n/--namespace` (default
 * `flux-system`, as flux) and `--timeout` flags, the client they build, flag readers, and the
 * readable one-line errors commands fail with.
 */
import type { ParseArgsConfig } from 'node:util';
import { parseDuration } from '../../api/duration.js';
import { ApiReason, KubeApiError, KubeClient, NoKindMatchError } from '../../kube/client/index.js';
import type { CommandArgs, CommandIO } from '../command.js';

/** Flags shared by every command that talks to a cluster. */
export const kubeFlags: NonNullable<ParseArgsConfig['options']> = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  timeout: { type: 'string' },
};

/** Help text of {@link kubeFlags}. */
export const kubeFlagsHelp = `Global flags:
  --kubeconfig PATH    kubeconfig file (default: $KUBECONFIG, ~/.kube/config)
  --context NAME       kubeconfig context (default: current-context)
  -n, --namespace NS   namespace of the object (default: flux-system)
  --timeout DURATION   how long to wait for the cluster and for reconciliations (default 5m)
`;

/** Default namespace of Flux objects. */
export const defaultNamespace = 'flux-system';

/** A wrong flag or argument: the CLI answers with exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A string flag, or undefined. */
export function str(args: CommandArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A boolean flag (false when absent). */
export function bool(args: CommandArgs, name: string): boolean {
  return args.values[name] === true;
}

/** A repeatable string flag; comma-separated values are split (as cobra's StringSlice). */
export function list(args: CommandArgs, name: string): string[] {
  const v = args.values[name];
  const raw = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return raw.flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter(Boolean);
}

/** A duration flag in ms (Go syntax: `30s`, `5m`, `1h30m`); `dflt` when absent. */
export function durationFlag(args: CommandArgs, name: string, dflt: number): number {
  const s = str(args, name);
  if (s === undefined) return dflt;
  const ms = parseDuration(s);
  if (ms === undefined) throw new UsageError(`--${name}: invalid duration "${s}" (use e.g. 30s, 5m, 1h)`);
  return ms;
}

/** The single positional NAME of a command; throws a usage error naming `what` when missing. */
export function nameArg(args: CommandArgs, what: string): string {
  const name = args.positionals[0];
  if (!name) throw new UsageError(`${what} name is required`);
  if (args.positionals.length > 1) throw new UsageError(`unexpected arguments: ${args.positionals.slice(1).join(' ')}`);
  return name;
}

/** A cluster connection for one command. */
export interface KubeContext {
  client: KubeClient;
  namespace: string;
  timeoutMs: number;
  close(): void;
}

/** Default of `--timeout`, as flux (5m). */
export const defaultTimeoutMs = 5 * 60_000;

/** The namespace flag (default `flux-system`). */
export function namespaceOf(args: CommandArgs): string {
  return str(args, 'namespace') ?? defaultNamespace;
}

/** Builds the client from the shared flags (`$KUBECONFIG` from the command's environment). */
export function kubeContext(args: CommandArgs, io: CommandIO): KubeContext {
  const client = KubeClient.fromKubeConfig({ kubeconfig: str(args, 'kubeconfig') ?? io.env['KUBECONFIG'] ?? undefined, context: str(args, 'context') });
  return { client, namespace: namespaceOf(args), timeoutMs: durationFlag(args, 'timeout', defaultTimeoutMs), close: () => client.close() };
}

/** Runs `fn` with a kube context and closes it afterwards. */
export async function withKube<T>(args: CommandArgs, io: CommandIO, fn: (k: KubeContext) => Promise<T>): Promise<T> {
  const k = kubeContext(args, io);
  try {
    return await fn(k);
  } finally {
    k.close();
  }
}

/**
 * Wraps a command body: usage errors print `Error: …` and exit 2; other errors print `✗ …` (one line)
 * and exit 1.
 */
export async function guard(io: CommandIO, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`Error: ${err.message}\n`);
      return 2;
    }
    io.stderr.write(`✗ ${describeError(err)}\n`);
    return 1;
  }
}

/** One readable line for an error; unreachable clusters get a hint on what to do. */
export function describeError(err: unknown): string {
  const msg = oneLine(err instanceof Error ? err.message : String(err));
  if (err instanceof KubeApiError && err.reason === ApiReason.Network) {
    return `cannot reach the cluster (${msg}): check --kubeconfig/--context, or start one with "lockstep up"`;
  }
  if (err instanceof NoKindMatchError) return `${msg}: the cluster does not serve this kind; install the CRDs ("lockstep install" or "lockstep up")`;
  return msg;
}

/** Collapses whitespace runs (newlines included) so an error stays on one line. */
export function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, '; ').trim();
}

/** Resolves after `ms` (or when `signal` aborts). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
