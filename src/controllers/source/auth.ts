/**
 * Git credentials from a GitRepository's `spec.secretRef` Secret, with Flux's keys: `username` and
 * `password` (basic), `bearerToken`, or `identity` and `known_hosts` (SSH).
 */
import { createHash } from 'node:crypto';
import type { GitAuth } from '../../git/index.js';
import type { KubeClient } from '../../kube/client/index.js';

/** Why credentials could not be built; the message never contains secret values. */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
}

function decoded(data: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = data?.[key];
  if (typeof v !== 'string') return undefined;
  return Buffer.from(v, 'base64').toString('utf8');
}

/** Builds {@link GitAuth} for `url` from the Secret `namespace/name` (none when `name` is undefined). */
export async function gitAuthFromSecret(client: KubeClient, ref: { namespace: string; name: string | undefined; url: string }): Promise<GitAuth> {
  if (!ref.name) return { type: 'none' };
  const secret = await client.tryGet({ apiVersion: 'v1', kind: 'Secret', namespace: ref.namespace, name: ref.name }).catch((err: unknown) => {
    throw new CredentialsError(`failed to get secret '${ref.namespace}/${ref.name}': ${(err as Error).message}`);
  });
  if (!secret) throw new CredentialsError(`failed to get secret '${ref.namespace}/${ref.name}': secrets "${ref.name}" not found`);
  const data = secret['data'] as Record<string, unknown> | undefined;
  const isSsh = ref.url.startsWith('ssh://');
  if (isSsh) {
    const identity = decoded(data, 'identity');
    const knownHosts = decoded(data, 'known_hosts');
    if (!identity || !knownHosts) throw new CredentialsError(`secret '${ref.namespace}/${ref.name}' must contain 'identity' and 'known_hosts' for SSH`);
    return { type: 'ssh', identity, knownHosts };
  }
  const bearer = decoded(data, 'bearerToken');
  if (bearer) return { type: 'bearer', token: bearer };
  const username = decoded(data, 'username');
  const password = decoded(data, 'password');
  if (username !== undefined || password !== undefined) {
    if (!username || password === undefined) throw new CredentialsError(`secret '${ref.namespace}/${ref.name}' must contain both 'username' and 'password'`);
    return { type: 'basic', username, password };
  }
  throw new CredentialsError(`secret '${ref.namespace}/${ref.name}' has none of 'username'/'password' or 'bearerToken'`);
}

/** A short, secret-free fingerprint of credentials (for cache keys). */
export function authKey(auth: GitAuth): string {
  return createHash('sha256').update(JSON.stringify(auth)).digest('hex').slice(0, 16);
}
