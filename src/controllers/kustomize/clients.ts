/**
 * The clients a Kustomization applies with: the controller's own, one impersonating
 * `system:serviceaccount:<ns>:<serviceAccountName>` (the `Impersonate-User` header through the
 * kubeconfig user's `as`), or one built from a kubeconfig in a Secret (`spec.kubeConfig.secretRef`,
 * key `value` or `value.yaml` unless `key` is given), optionally impersonating too. Clients are cached by
 * identity (and kubeconfig content) so discovery is not redone per reconcile; the cache is bounded.
 */
import { createHash } from 'node:crypto';
import { KubeConfig, type User } from '@kubernetes/client-node';
import { KubeClient, type KubeClientOptions, loadKubeConfig } from '../../kube/client/index.js';
import { ResourceManager } from '../../kube/ssa/index.js';
import { kustomizeControllerName } from './reasons.js';

/** A client and its resource manager. */
export interface ApplyTarget {
  client: KubeClient;
  manager: ResourceManager;
  /** Human-readable identity for messages (`system:serviceaccount:ns:sa @ https://…`). */
  identity: string;
}

/** What decides the target. */
export interface TargetRequest {
  namespace: string;
  serviceAccountName?: string | undefined;
  /** Kubeconfig YAML text (from the Secret), when applying to another cluster. */
  kubeConfigText?: string | undefined;
}

/** The user name Kubernetes gives a ServiceAccount. */
export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** A copy of `kc` whose current user impersonates `user`. */
export function impersonatingConfig(kc: KubeConfig, user: string): KubeConfig {
  const current = kc.getCurrentUser();
  const out = new KubeConfig();
  out.loadFromOptions({
    clusters: kc.clusters,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
    users: kc.users.map((u): User => (u.name === current?.name ? { ...u, impersonateUser: user } : u)),
  });
  return out;
}

/** Builds and caches {@link ApplyTarget}s. */
export class ClientPool {
  private readonly cache = new Map<string, ApplyTarget>();

  constructor(
    private readonly base: KubeClient,
    private readonly opts: { clientOptions?: KubeClientOptions; maxEntries?: number; fieldManager?: string } = {},
  ) {}

  /** The target for a request; the controller's own client when nothing is asked. */
  get(req: TargetRequest): ApplyTarget {
    const sa = req.serviceAccountName ? serviceAccountUser(req.namespace, req.serviceAccountName) : '';
    const kcHash = req.kubeConfigText ? createHash('sha256').update(req.kubeConfigText).digest('hex') : '';
    const key = `${sa}\n${kcHash}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    let client = this.base;
    if (req.kubeConfigText || sa) {
      let kc = req.kubeConfigText ? loadKubeConfig({ inline: req.kubeConfigText }) : this.base.kubeConfig;
      if (sa) kc = impersonatingConfig(kc, sa);
      client = new KubeClient(kc, this.opts.clientOptions ?? {});
    }
    const target: ApplyTarget = {
      client,
      manager: new ResourceManager({ client, fieldManager: this.opts.fieldManager ?? kustomizeControllerName }),
      identity: `${sa || 'controller'} @ ${client.server}`,
    };
    this.cache.set(key, target);
    const max = this.opts.maxEntries ?? 256;
    while (this.cache.size > max) {
      const oldest = this.cache.keys().next().value as string;
      const t = this.cache.get(oldest);
      this.cache.delete(oldest);
      if (t && t.client !== this.base) t.client.close();
    }
    return target;
  }

  /** Closes every client this pool created. */
  close(): void {
    for (const t of this.cache.values()) if (t.client !== this.base) t.client.close();
    this.cache.clear();
  }
}
