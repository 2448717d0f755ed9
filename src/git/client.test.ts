import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type GitDaemon,
  GitFixture,
  type GitHttpServer,
  type SshGitServer,
  type TestRepo,
  sshdAvailable,
  startGitDaemon,
  startGitHttpServer,
  startSshServer,
} from '../../test/harness/git-servers.js';
import { isGitError } from './errors.js';
import { checkout, lsRemote, resolveRemoteRef } from './client.js';

let fx: GitFixture;
let http: GitHttpServer;
let authed: GitHttpServer;
let bearer: GitHttpServer;
let daemon: GitDaemon;
let repo: TestRepo;
let first: string;
let second: string;
let scratch: string;

before(async () => {
  fx = await GitFixture.create();
  scratch = await mkdtemp(join(tmpdir(), 'lockstep-git-test-'));
  repo = await fx.createRepo('app', { files: { 'a.yaml': 'a: 1\n', 'deploy/x.yaml': 'x: 1\n', 'other/y.yaml': 'y: 1\n' } });
  first = await repo.head();
  await repo.tag('v1.0.0', 'release 1.0.0');
  second = await repo.commit({ 'a.yaml': 'a: 2\n' }, 'second');
  await repo.tag('v1.1.0');
  await repo.commit({ 'dev.yaml': 'dev\n' }, 'dev work', { branch: 'dev' });
  [http, authed, bearer, daemon] = await Promise.all([
    startGitHttpServer({ root: fx.reposDir }),
    startGitHttpServer({ root: fx.reposDir, basic: { username: 'alice', password: 's3cret' } }),
    startGitHttpServer({ root: fx.reposDir, bearer: 'tok-123' }),
    startGitDaemon({ root: fx.reposDir }),
  ]);
});

after(async () => {
  await Promise.all([http?.stop(), authed?.stop(), bearer?.stop(), daemon?.stop()]);
  await fx?.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

let n = 0;
const freshDir = () => join(scratch, `co-${++n}`);

describe('git client over http', () => {
  test('ls-remote lists branches and peeled tags', async () => {
    const refs = await lsRemote(http.repoUrl('app'));
    assert.equal(refs.get('refs/heads/main'), second);
    assert.equal(refs.get('refs/tags/v1.0.0'), first);
  });

  test('ls-remote over plain HTTP equals git ls-remote (differential), with and without auth', async () => {
    const viaHttp = await lsRemote(http.repoUrl('app'));
    const viaCli = await lsRemote(http.repoUrl('app'), { forceCli: true });
    assert.deepEqual([...viaHttp].sort(), [...viaCli].sort());
    const auth = { type: 'basic', username: 'alice', password: 's3cret' } as const;
    assert.deepEqual([...(await lsRemote(authed.repoUrl('app'), { auth }))].sort(), [...(await lsRemote(authed.repoUrl('app'), { auth, forceCli: true }))].sort());
    await assert.rejects(lsRemote(authed.repoUrl('app'), { forceCli: true }), (e: unknown) => isGitError(e, 'auth'));
  });

  test('checkout at branch, tag, semver, name and commit pins', async () => {
    const cases: Array<[string, Parameters<typeof resolveRemoteRef>[1], string, string]> = [
      ['branch', { branch: 'main' }, `main@sha1:${second}`, 'a: 2\n'],
      ['annotated tag', { tag: 'v1.0.0' }, `v1.0.0@sha1:${first}`, 'a: 1\n'],
      ['semver', { semver: '^1.0.0' }, `v1.1.0@sha1:${second}`, 'a: 2\n'],
      ['name', { name: 'refs/tags/v1.0.0' }, `refs/tags/v1.0.0@sha1:${first}`, 'a: 1\n'],
      ['commit pin', { commit: first }, `sha1:${first}`, 'a: 1\n'],
      ['commit pin on branch', { commit: first, branch: 'main' }, `main@sha1:${first}`, 'a: 1\n'],
    ];
    for (const [name, ref, revision, content] of cases) {
      const dir = freshDir();
      const r = await checkout({ url: http.repoUrl('app'), ref, dir });
      assert.equal(r.revision, revision, name);
      assert.equal(await readFile(join(dir, 'a.yaml'), 'utf8'), content, name);
    }
  });

  test('sparse checkout keeps only the listed directories', async () => {
    const dir = freshDir();
    await checkout({ url: http.repoUrl('app'), ref: { branch: 'main' }, dir, sparseCheckout: ['deploy'] });
    assert.ok(existsSync(join(dir, 'deploy/x.yaml')));
    assert.ok(!existsSync(join(dir, 'other/y.yaml')));
  });

  test('missing branch, missing commit and missing repository are told apart', async () => {
    await assert.rejects(checkout({ url: http.repoUrl('app'), ref: { branch: 'nope' }, dir: freshDir() }), (e: unknown) => isGitError(e, 'ref-not-found'));
    await assert.rejects(checkout({ url: http.repoUrl('app'), ref: { commit: 'f'.repeat(40) }, dir: freshDir() }), (e: unknown) => isGitError(e, 'ref-not-found'));
    await assert.rejects(lsRemote(http.repoUrl('nope')), (e: unknown) => isGitError(e, 'repository-not-found'));
  });

  test('basic auth: right credentials work, wrong ones are an auth error without the secret', async () => {
    const url = authed.repoUrl('app');
    const r = await checkout({ url, ref: { branch: 'main' }, dir: freshDir(), auth: { type: 'basic', username: 'alice', password: 's3cret' } });
    assert.equal(r.commit, second);
    await assert.rejects(lsRemote(url, { auth: { type: 'basic', username: 'alice', password: 'wrong-pw' } }), (e: unknown) => {
      assert.ok(isGitError(e, 'auth'), String(e));
      assert.ok(!e.message.includes('wrong-pw') && !e.stderr.includes('wrong-pw'));
      return true;
    });
    await assert.rejects(lsRemote(url), (e: unknown) => isGitError(e, 'auth'));
  });

  test('bearer token auth', async () => {
    const refs = await lsRemote(bearer.repoUrl('app'), { auth: { type: 'bearer', token: 'tok-123' } });
    assert.equal(refs.get('refs/heads/main'), second);
    await assert.rejects(lsRemote(bearer.repoUrl('app'), { auth: { type: 'bearer', token: 'nope' } }), (e: unknown) => isGitError(e, 'auth'));
  });

  test('unreachable host and a server breaking mid-clone', async () => {
    const dead = await startGitHttpServer({ root: fx.reposDir });
    const url = dead.repoUrl('app');
    await dead.stop();
    await assert.rejects(lsRemote(url), (e: unknown) => isGitError(e, 'unreachable'));
    http.faults.breakUploadPack = true;
    try {
      await assert.rejects(checkout({ url: http.repoUrl('app'), ref: { branch: 'main' }, dir: freshDir() }), (e: unknown) => isGitError(e) && ['unreachable', 'other'].includes(e.kind));
    } finally {
      http.faults.breakUploadPack = false;
    }
  });

  test('option-like URLs and refs are rejected before git runs', async () => {
    const before = http.requests.length;
    const marker = join(scratch, 'pwned');
    await assert.rejects(lsRemote(`--upload-pack=touch ${marker}`), (e: unknown) => isGitError(e, 'invalid-input'));
    await assert.rejects(checkout({ url: http.repoUrl('app'), ref: { branch: `--upload-pack=touch ${marker}` }, dir: freshDir() }), (e: unknown) => isGitError(e, 'invalid-input'));
    await assert.rejects(checkout({ url: 'ext::sh -c touch% ' + marker, ref: {}, dir: freshDir() }), (e: unknown) => isGitError(e, 'invalid-input'));
    assert.equal(http.requests.length, before);
    assert.ok(!existsSync(marker));
  });

  test('checkout size limit', async () => {
    await assert.rejects(checkout({ url: http.repoUrl('app'), ref: { branch: 'main' }, dir: freshDir(), maxBytes: 1000 }), (e: unknown) => isGitError(e, 'limit'));
  });
});

test('git daemon (git://) checkout', async () => {
  const r = await checkout({ url: daemon.repoUrl('app'), ref: { tag: 'v1.1.0' }, dir: freshDir() });
  assert.equal(r.revision, `v1.1.0@sha1:${second}`);
});

test('submodules are checked out when asked', async () => {
  const lib = await fx.createRepo('lib', { files: { 'lib.txt': 'lib\n' } });
  const parent = await fx.createRepo('parent', { files: { 'p.txt': 'p\n' } });
  await parent.addSubmodule(http.repoUrl(lib.name), 'vendor/lib');
  const without = freshDir();
  await checkout({ url: http.repoUrl('parent'), ref: { branch: 'main' }, dir: without });
  assert.ok(!existsSync(join(without, 'vendor/lib/lib.txt')));
  const withSub = freshDir();
  await checkout({ url: http.repoUrl('parent'), ref: { branch: 'main' }, dir: withSub, recurseSubmodules: true });
  assert.equal(await readFile(join(withSub, 'vendor/lib/lib.txt'), 'utf8'), 'lib\n');
});

describe('git client over ssh', { skip: !sshdAvailable() && 'sshd not installed' }, () => {
  let ssh: SshGitServer;
  before(async () => {
    ssh = await startSshServer({ root: fx.reposDir });
  });
  after(async () => {
    await ssh?.stop();
  });

  test('identity + known_hosts checks out; wrong key or host key is an auth error', async () => {
    const url = ssh.repoUrl('app');
    const r = await checkout({ url, ref: { branch: 'main' }, dir: freshDir(), auth: { type: 'ssh', identity: ssh.clientKey, knownHosts: ssh.knownHosts } });
    assert.equal(r.commit, second);
    await assert.rejects(lsRemote(url, { auth: { type: 'ssh', identity: ssh.otherKey, knownHosts: ssh.knownHosts } }), (e: unknown) => isGitError(e, 'auth'));
    await assert.rejects(lsRemote(url, { auth: { type: 'ssh', identity: ssh.clientKey, knownHosts: ssh.wrongKnownHosts } }), (e: unknown) => isGitError(e, 'auth'));
    await assert.rejects(lsRemote(url, { auth: { type: 'ssh', identity: 'not a key', knownHosts: ssh.knownHosts } }), (e: unknown) => isGitError(e, 'auth'));
  });
});
