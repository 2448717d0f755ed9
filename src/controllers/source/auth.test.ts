import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeClient } from '../../kube/client/index.js';
import type { KubeObject } from '../../kube/object.js';
import { CredentialsError, authKey, gitAuthFromSecret } from './auth.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
function clientWith(data: Record<string, string> | undefined): KubeClient {
  const secret: KubeObject | undefined = data && { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])) };
  return { tryGet: async () => secret } as unknown as KubeClient;
}

test('gitAuthFromSecret: Flux secret keys to credentials', async () => {
  const http = 'https://git.example/r.git';
  const ssh = 'ssh://git@git.example/r.git';
  const cases: Array<[string, Record<string, string> | undefined, string, unknown]> = [
    ['basic', { username: 'u', password: 'p' }, http, { type: 'basic', username: 'u', password: 'p' }],
    ['bearer wins', { bearerToken: 't', username: 'u', password: 'p' }, http, { type: 'bearer', token: 't' }],
    ['ssh', { identity: 'KEY', known_hosts: 'host key' }, ssh, { type: 'ssh', identity: 'KEY', knownHosts: 'host key' }],
    ['ssh without known_hosts', { identity: 'KEY' }, ssh, /must contain 'identity' and 'known_hosts'/],
    ['username only', { username: 'u' }, http, /both 'username' and 'password'/],
    ['nothing usable', { other: 'x' }, http, /has none of/],
    ['missing secret', undefined, http, /secrets "s" not found/],
  ];
  for (const [name, data, url, want] of cases) {
    const p = gitAuthFromSecret(clientWith(data), { namespace: 'ns', name: 's', url });
    if (want instanceof RegExp) await assert.rejects(p, (e: unknown) => e instanceof CredentialsError && want.test(e.message) && !e.message.includes('KEY'), name);
    else assert.deepEqual(await p, want, name);
  }
  assert.deepEqual(await gitAuthFromSecret(clientWith(undefined), { namespace: 'ns', name: undefined, url: http }), { type: 'none' });
});

test('authKey fingerprints credentials without revealing them', () => {
  const a = authKey({ type: 'basic', username: 'u', password: 'secret' });
  assert.match(a, /^[0-9a-f]{16}$/);
  assert.notEqual(a, authKey({ type: 'basic', username: 'u', password: 'other' }));
  assert.equal(a, authKey({ type: 'basic', username: 'u', password: 'secret' }));
});
