import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failureHint, splitCredentials } from './run.js';

test('splitCredentials: http(s) userinfo moves out of the URL; others untouched', () => {
  const cases: { in: string; url: string; basic?: { username: string; password: string } }[] = [
    { in: 'https://git.example.com/fleet.git', url: 'https://git.example.com/fleet.git' },
    { in: 'http://u:p%40ss@127.0.0.1:8080/r.git', url: 'http://127.0.0.1:8080/r.git', basic: { username: 'u', password: 'p@ss' } },
    { in: 'https://token@host/r', url: 'https://host/r', basic: { username: 'token', password: '' } },
    { in: 'ssh://git@host/r.git', url: 'ssh://git@host/r.git' },
    { in: 'git@host:r.git', url: 'git@host:r.git' },
  ];
  for (const c of cases) assert.deepEqual(splitCredentials(c.in), c.basic ? { url: c.url, basic: c.basic } : { url: c.url }, c.in);
});

test('failureHint: by what the failure message names', () => {
  const cases: { kind: 'GitRepository' | 'Kustomization'; message: string; want: RegExp }[] = [
    { kind: 'GitRepository', message: 'ls-remote http://h/r.git: authentication failed: HTTP 401', want: /give credentials/ },
    { kind: 'GitRepository', message: 'ls-remote http://h/r.git: repository not found', want: /check the --repo URL and --branch/ },
    { kind: 'GitRepository', message: 'host unreachable: connect ECONNREFUSED 127.0.0.1:9', want: /its host does not answer/ },
    { kind: 'GitRepository', message: 'something new', want: /^$/ },
    { kind: 'Kustomization', message: 'kustomization path not found: stat clusters/none: no such file or directory', want: /check --path/ },
    { kind: 'Kustomization', message: 'accumulating resources: bad yaml', want: /fix the manifests in git/ },
  ];
  for (const c of cases) assert.match(failureHint({ kind: c.kind, message: c.message, reason: '' }), c.want, c.message);
});
