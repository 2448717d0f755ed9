/**
 * Loading a kubeconfig with @kubernetes/client-node (which handles contexts, certificates, tokens, exec
 * and auth-provider plugins). Lockstep only ever reads it here.
 */
import { KubeConfig } from '@kubernetes/client-node';

/** Where to load credentials from. */
export interface LoadKubeConfigOptions {
  /** A kubeconfig file; default: `$KUBECONFIG`, then `~/.kube/config`, then in-cluster. */
  kubeconfig?: string | undefined;
  /** A context name to use instead of the file's `current-context`. */
  context?: string | undefined;
  /** Kubeconfig YAML text; wins over `kubeconfig`. */
  inline?: string | undefined;
}

/** An error about the kubeconfig itself (missing context, no cluster), naming what was asked for. */
export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
  constructor(message: string, readonly source: string) {
    super(`${source}: ${message}`);
  }
}

/** Loads and validates a kubeconfig; throws {@link KubeConfigError} when no cluster would be reachable. */
export function loadKubeConfig(opts: LoadKubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  const source = opts.inline !== undefined ? '<inline kubeconfig>' : (opts.kubeconfig ?? process.env['KUBECONFIG'] ?? '<default kubeconfig>');
  try {
    if (opts.inline !== undefined) kc.loadFromString(opts.inline);
    else if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new KubeConfigError(`cannot load: ${(err as Error).message}`, source);
  }
  if (opts.context) {
    if (!kc.getContexts().some((c) => c.name === opts.context)) {
      throw new KubeConfigError(`context "${opts.context}" not found`, source);
    }
    kc.setCurrentContext(opts.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new KubeConfigError('the current context has no cluster server', source);
  return kc;
}
