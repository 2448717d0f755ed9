/**
 * Controller tests against the local cluster with real git servers on loopback: one cluster and one
 * running controller for the file, a unique namespace per test.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { GitRepository } from '../../api/gitrepository.js';
import { downloadArtifact, fetchArtifact } from '../../artifact/index.js';
import { getCondition } from '../../runtime/index.js';
import { eventually } from '../../../test/harness/eventually.js';
import { runTool } from '../../../test/harness/tools.js';
import { type GitFixture as Fixture, GitFixture, type GitHttpServer, type TestRepo, sshdAvailable, startGitHttpServer, startSshServer } from '../../../test/harness/git-servers.js';
import { type SourceEnv, startSourceEnv } from './testing.js';

let env: SourceEnv;
let fx: Fixture;
let http: GitHttpServer;
let authed: GitHttpServer;
let scratch: string;
let repoCount = 0;

before(async () => {
  // Small archive limits so the oversize test stays cheap.
  env = await startSourceEnv({ archive: { maxFileBytes: 256 * 1024 } });
  fx = await GitFixture.create();
  scratch = await mkdtemp(join(tmpdir(), 'lockstep-src-ctl-'));
  [http, authed] = await Promise.all([
    startGitHttpServer({ root: fx.reposDir }),
    startGitHttpServer({ root: fx.reposDir, basic: { username: 'bob', password: 'hunter2' } }),
  ]);
});

after(async () => {
  await env?.close();
  await Promise.all([http?.stop(), authed?.stop()]);
  await fx?.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

async function newRepo(files: Record<string, string>): Promise<TestRepo> {
  return fx.createRepo(`r${++repoCount}`, { files });
}

const cond = (o: GitRepository, type: string) => getCondition(o, type);

/** Waits until the object's artifact has `revision` and Ready is True for the current generation. */
async function waitRevision(ns: string, name: string, revision: string, timeoutMs = 30_000): Promise<GitRepository> {
  return eventually(
    async () => {
      const o = await env.get(ns, name);
      assert.equal(o.status?.artifact?.revision, revision, `artifact revision; status=${JSON.stringify(o.status?.conditions)}`);
      const ready = cond(o, 'Ready');
      assert.equal(ready?.status, 'True', `Ready: ${JSON.stringify(ready)}`);
      assert.equal(o.status?.observedGeneration, o.metadata.generation);
      return o;
    },
    { timeoutMs, what: `${ns}/${name} at ${revision}` },
  );
}

async function waitCondition(ns: string, name: string, type: string, check: (c: NonNullable<ReturnType<typeof cond>>) => void, timeoutMs = 30_000): Promise<GitRepository> {
  return eventually(
    async () => {
      const o = await env.get(ns, name);
      const c = cond(o, type);
      assert.ok(c, `${type} missing; conditions=${JSON.stringify(o.status?.conditions)}`);
      check(c);
      return o;
    },
    { timeoutMs, what: `${ns}/${name} ${type}` },
  );
}

/** Waits until the controller's queue has nothing queued or running (timers for later are fine). */
async function settle(): Promise<void> {
  let quiet = 0;
  await eventually(() => {
    const q = env.controller()?.queue;
    assert.ok(q);
    quiet = q.depth === 0 && q.active === 0 ? quiet + 1 : 0;
    assert.ok(quiet >= 3, 'queue busy');
  }, { intervalMs: 50 });
}

async function unpackTo(o: GitRepository): Promise<string> {
  const art = o.status?.artifact;
  assert.ok(art);
  const dest = await mkdtemp(join(scratch, 'unpacked-'));
  await fetchArtifact(art.url, dest, { expectedDigest: art.digest });
  return dest;
}

async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, p)));
    else out.push(p);
  }
  return out.sort();
}

describe('GitRepository controller', () => {
  test('the CRD is accepted by the local cluster and served', async () => {
    const crd = await env.client.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'gitrepositories.source.toolkit.fluxcd.io' });
    assert.equal(crd.metadata.name, 'gitrepositories.source.toolkit.fluxcd.io');
    const ns = await env.namespace('crd');
    const created = await env.applyGitRepository(ns, 'x', { url: 'https://127.0.0.1:1/x.git', interval: '1h', suspend: true });
    assert.equal(created.spec.timeout, '60s', 'schema default applied by the server');
  });

  test('follows a branch; consumer downloads, verifies and unpacks; requestedAt is echoed; event on new revision', async () => {
    const repo = await newRepo({ 'deploy/app.yaml': 'kind: ConfigMap\n' });
    const c1 = await repo.head();
    const ns = await env.namespace('branch');
    await env.applyGitRepository(ns, 'app', { url: http.repoUrl(repo.name), interval: '1h', ref: { branch: 'main' } });
    const o1 = await waitRevision(ns, 'app', `main@sha1:${c1}`);
    const art = o1.status?.artifact;
    assert.ok(art);
    assert.equal(art.path, `gitrepository/${ns}/app/${c1}.tar.gz`);
    assert.match(art.digest, /^sha256:[0-9a-f]{64}$/);
    assert.match(art.lastUpdateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(cond(o1, 'ArtifactInStorage')?.status, 'True');
    assert.equal(cond(o1, 'Reconciling'), undefined);
    assert.equal(cond(o1, 'Stalled'), undefined);
    assert.equal(cond(o1, 'Ready')?.message, `stored artifact for revision 'main@sha1:${c1}'`);
    const dir = await unpackTo(o1);
    assert.deepEqual(await listFiles(dir), ['deploy/app.yaml']);
    // The real kubectl sees the CRD's short name and printer columns.
    const got = await runTool('kubectl', ['get', 'gitrepo', '-n', ns], { env: env.cluster.env });
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, /^NAME\s+URL\s+AGE\s+READY\s+STATUS/);
    // (READY/STATUS use a JSONPath filter the local cluster's Table printer leaves empty for now.)
    assert.match(got.stdout, new RegExp(`\\napp\\s+${http.repoUrl(repo.name).replace(/[.]/g, '\\.')}\\s`));

    const c2 = await repo.commit({ 'deploy/app.yaml': 'kind: ConfigMap\ndata: {}\n' }, 'change the app');
    const token = await env.requestReconcile(ns, 'app');
    const o2 = await waitRevision(ns, 'app', `main@sha1:${c2}`);
    assert.equal(o2.status?.lastHandledReconcileAt, token);
    assert.notEqual(o2.status?.artifact?.digest, art.digest);
    await eventually(async () => {
      const events = await env.client.list({ apiVersion: 'events.k8s.io/v1', kind: 'Event' }, { namespace: ns });
      const notes = events.items.filter((e) => e['reason'] === 'NewArtifact').map((e) => String(e['note']));
      assert.ok(notes.includes("stored artifact for commit 'change the app'"), JSON.stringify(notes));
    });
  });

  test('no-op when ls-remote says the revision is stored: no clone, same artifact', async () => {
    const repo = await newRepo({ 'a.yaml': 'a\n' });
    const c1 = await repo.head();
    const ns = await env.namespace('noop');
    await env.applyGitRepository(ns, 'app', { url: http.repoUrl(repo.name), interval: '1h', ref: { branch: 'main' } });
    const o1 = await waitRevision(ns, 'app', `main@sha1:${c1}`);
    await settle();
    const mine = () => http.requests.filter((r) => r.includes(`/${repo.name}.git/`)).length;
    const before = mine();
    const token = await env.requestReconcile(ns, 'app');
    const o2 = await eventually(async () => {
      const o = await env.get(ns, 'app');
      assert.equal(o.status?.lastHandledReconcileAt, token);
      return o;
    });
    await new Promise((r) => setTimeout(r, 200));
    // The ref listing is exactly one GET of info/refs; a clone would add GET + POSTs.
    assert.equal(mine() - before, 1, JSON.stringify(http.requests.slice(-6)));
    assert.deepEqual(o2.status?.artifact, o1.status?.artifact);
  });

  test('objects following the same repository share one checkout (same bytes, own path)', async () => {
    const repo = await newRepo({ 'a.yaml': 'a\n' });
    const c1 = await repo.head();
    const ns = await env.namespace('share');
    await env.applyGitRepository(ns, 'first', { url: http.repoUrl(repo.name), interval: '1h', ref: { branch: 'main' } });
    const o1 = await waitRevision(ns, 'first', `main@sha1:${c1}`);
    await repo.tag('v1.0.0');
    const mine = () => http.requests.filter((r) => r.includes(`/${repo.name}.git/`));
    const before = mine().length;
    await env.applyGitRepository(ns, 'second', { url: http.repoUrl(repo.name), interval: '1h', ref: { tag: 'v1.0.0' } });
    const o2 = await waitRevision(ns, 'second', `v1.0.0@sha1:${c1}`);
    assert.equal(o2.status?.artifact?.digest, o1.status?.artifact?.digest);
    assert.equal(o2.status?.artifact?.path, `gitrepository/${ns}/second/${c1}.tar.gz`);
    const since = mine().slice(before);
    assert.ok(since.length >= 1 && since.every((r) => r.startsWith('GET ') && r.includes('/info/refs?service=git-upload-pack')), `ref listings only, no clone: ${JSON.stringify(since)}`);
    await env.applyGitRepository(ns, 'third', { url: http.repoUrl(repo.name), interval: '1h', ref: { branch: 'main' }, ignore: '*.yaml\n' });
    const o3 = await waitRevision(ns, 'third', `main@sha1:${c1}`);
    assert.notEqual(o3.status?.artifact?.digest, o1.status?.artifact?.digest, 'other ignore rules: built, not shared');
  });

  test('semver picks the highest matching tag and moves when a higher one is pushed', async () => {
    const repo = await newRepo({ 'v.txt': '1.0.0\n' });
    await repo.tag('v1.0.0');
    const c12 = await repo.commit({ 'v.txt': '1.2.0\n' }, '1.2.0');
    await repo.tag('v1.2.0', 'annotated 1.2.0');
    await repo.commit({ 'v.txt': '2.0.0\n' }, '2.0.0');
    await repo.tag('v2.0.0');
    await repo.tag('v1.10.0-rc.1');
    const ns = await env.namespace('semver');
    await env.applyGitRepository(ns, 'app', { url: http.repoUrl(repo.name), interval: '1h', ref: { semver: '>=1.0.0 <2.0.0' } });
    await waitRevision(ns, 'app', `v1.2.0@sha1:${c12}`);
    const c13 = await repo.commit({ 'v.txt': '1.3.0\n' }, '1.3.0');
    await repo.tag('v1.3.0');
    await env.requestReconcile(ns, 'app');
    const o = await waitRevision(ns, 'app', `v1.3.0@sha1:${c13}`);
    assert.equal(await readFile(join(await unpackTo(o), 'v.txt'), 'utf8'), '1.3.0\n');
  });

  test('commit pins (with and without branch) and tags', async () => {
    const repo = await newRepo({ 'a.txt': 'one\n' });
    const c1 = await repo.head();
    await repo.tag('release');
    await repo.commit({ 'a.txt': 'two\n' }, 'two');
    const ns = await env.namespace('pin');
    await env.applyGitRepository(ns, 'pinned', { url: http.repoUrl(repo.name), interval: '1h', ref: { branch: 'main', commit: c1 } });
    await env.applyGitRepository(ns, 'bare', { url: http.repoUrl(repo.name), interval: '1h', ref: { commit: c1 } });
    await env.applyGitRepository(ns, 'tag', { url: http.repoUrl(repo.name), interval: '1h', ref: { tag: 'release' } });
    const o = await waitRevision(ns, 'pinned', `main@sha1:${c1}`);
    assert.equal(await readFile(join(await unpackTo(o), 'a.txt'), 'utf8'), 'one\n');
    await waitRevision(ns, 'bare', `sha1:${c1}`);
    await waitRevision(ns, 'tag', `release@sha1:${c1}`);
  });

  test('ignore rules: Flux defaults, .sourceignore files and spec.ignore', async () => {
    const repo = await newRepo({
      'apps/app.yaml': 'a\n',
      'apps/notes.md': 'n\n',
      'apps/.sourceignore': 'local.yaml\n',
      'apps/local.yaml': 'l\n',
      'local.yaml': 'root\n',
      'logo.png': 'png\n',
      '.github/workflows/ci.yaml': 'ci\n',
      '.sourceignore': '*.md\n',
      'docs/README.md': 'r\n',
      'secret/key.yaml': 's\n',
    });
    const ns = await env.namespace('ignore');
    await env.applyGitRepository(ns, 'app', { url: http.repoUrl(repo.name), interval: '1h', ref: { branch: 'main' }, ignore: 'secret/\n!docs/README.md\n' });
    const o = await waitRevision(ns, 'app', `main@sha1:${await repo.head()}`);
    assert.equal(o.status?.observedIgnore, 'secret/\n!docs/README.md\n');
    assert.deepEqual(await listFiles(await unpackTo(o)), ['.sourceignore', 'apps/.sourceignore', 'apps/app.yaml', 'docs/README.md', 'local.yaml']);
  });

  test('sparse checkout and submodules are honoured and recorded in status', async () => {
    const lib = await newRepo({ 'lib.yaml': 'lib\n' });
    const repo = await newRepo({ 'deploy/a.yaml': 'a\n', 'other/b.yaml': 'b\n' });
    await repo.addSubmodule(http.repoUrl(lib.name), 'deploy/lib');
    const ns = await env.namespace('sparse');
    await env.applyGitRepository(ns, 'app', { url: http.repoUrl(repo.name), interval: '1h', ref: { branch: 'main' }, sparseCheckout: ['deploy'], recurseSubmodules: true });
    const o = await waitRevision(ns, 'app', `main@sha1:${await repo.head()}`);
    assert.deepEqual(o.status?.observedSparseCheckout, ['deploy']);
    assert.equal(o.status?.observedRecurseSubmodules, true);
    assert.deepEqual(await listFiles(await unpackTo(o)), ['deploy/a.yaml', 'deploy/lib/lib.yaml']);
  });

  test('include copies another GitRepository artifact and follows its changes', async () => {
    const lib = await newRepo({ 'sub/lib.yaml': 'lib: 1\n', 'other.yaml': 'o\n' });
    const app = await newRepo({ 'app.yaml': 'app\n' });
    const ns = await env.namespace('include');
    await env.applyGitRepository(ns, 'app', {
      url: http.repoUrl(app.name),
      interval: '1h',
      ref: { branch: 'main' },
      include: [{ repository: { name: 'lib' }, fromPath: 'sub', toPath: 'vendor/lib' }],
    });
    await waitCondition(ns, 'app', 'IncludeUnavailable', (c) => assert.equal(c.status, 'True'));
    await env.applyGitRepository(ns, 'lib', { url: http.repoUrl(lib.name), interval: '1h', ref: { branch: 'main' } });
    const o = await eventually(async () => {
      const x = await env.get(ns, 'app');
      assert.equal(cond(x, 'Ready')?.status, 'True', JSON.stringify(x.status?.conditions));
      assert.equal(x.status?.includedArtifacts?.length, 1);
      return x;
    }, { timeoutMs: 40_000 });
    assert.deepEqual(await listFiles(await unpackTo(o)), ['app.yaml', 'vendor/lib/lib.yaml']);
    assert.deepEqual(o.status?.observedInclude, [{ repository: { name: 'lib' }, fromPath: 'sub', toPath: 'vendor/lib' }]);
    await lib.commit({ 'sub/lib.yaml': 'lib: 2\n' }, 'lib 2');
    await env.requestReconcile(ns, 'lib');
    await eventually(async () => {
      const x = await env.get(ns, 'app');
      assert.notEqual(x.status?.artifact?.digest, o.status?.artifact?.digest);
      assert.equal(await readFile(join(await unpackTo(x), 'vendor/lib/lib.yaml'), 'utf8'), 'lib: 2\n');
    });
  });

  test('suspend stops reconciling; resume picks up the new revision', async () => {
    const repo = await newRepo({ 'a.txt': '1\n' });
    const ns = await env.namespace('suspend');
    const spec = { url: http.repoUrl(repo.name), interval: '1h', ref: { branch: 'main' } };
    await env.applyGitRepository(ns, 'app', spec);
    const c1 = await repo.head();
    await waitRevision(ns, 'app', `main@sha1:${c1}`);
    await env.applyGitRepository(ns, 'app', { ...spec, suspend: true });
    const c2 = await repo.commit({ 'a.txt': '2\n' }, 'two');
    const token = await env.requestReconcile(ns, 'app');
    await new Promise((r) => setTimeout(r, 800));
    const o = await env.get(ns, 'app');
    assert.equal(o.status?.artifact?.revision, `main@sha1:${c1}`);
    assert.notEqual(o.status?.lastHandledReconcileAt, token);
    await env.applyGitRepository(ns, 'app', { ...spec, suspend: false });
    await waitRevision(ns, 'app', `main@sha1:${c2}`);
  });

  test('basic auth from a Secret; wrong credentials give a clear auth error', async () => {
    const repo = await newRepo({ 'a.txt': 'a\n' });
    const ns = await env.namespace('auth');
    const secret = (name: string, password: string) =>
      env.client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, data: { username: Buffer.from('bob').toString('base64'), password: Buffer.from(password).toString('base64') } });
    await secret('good', 'hunter2');
    await secret('bad', 'wrong-password');
    await env.applyGitRepository(ns, 'good', { url: authed.repoUrl(repo.name), interval: '1h', ref: { branch: 'main' }, secretRef: { name: 'good' } });
    await env.applyGitRepository(ns, 'bad', { url: authed.repoUrl(repo.name), interval: '1h', ref: { branch: 'main' }, secretRef: { name: 'bad' } });
    await env.applyGitRepository(ns, 'missing', { url: authed.repoUrl(repo.name), interval: '1h', ref: { branch: 'main' }, secretRef: { name: 'nope' } });
    await waitRevision(ns, 'good', `main@sha1:${await repo.head()}`);
    const bad = await waitCondition(ns, 'bad', 'FetchFailed', (c) => {
      assert.equal(c.reason, 'AuthenticationFailed');
      assert.match(c.message, /authentication failed/);
    });
    assert.equal(cond(bad, 'Ready')?.status, 'False');
    assert.ok(!JSON.stringify(bad.status).includes('wrong-password'));
    await waitCondition(ns, 'missing', 'FetchFailed', (c) => {
      assert.equal(c.reason, 'AuthenticationFailed');
      assert.match(c.message, /secrets "nope" not found/);
    });
  });

  test('unreachable host, missing ref, option-like URL and ref never crash the controller', async () => {
    const repo = await newRepo({ 'a.txt': 'a\n' });
    const ns = await env.namespace('bad');
    const dead = await startGitHttpServer({ root: fx.reposDir });
    await dead.stop();
    await env.applyGitRepository(ns, 'unreachable', { url: dead.repoUrl(repo.name), interval: '1h' });
    await env.applyGitRepository(ns, 'noref', { url: http.repoUrl(repo.name), interval: '1h', ref: { branch: 'does-not-exist' } });
    await env.applyGitRepository(ns, 'optref', { url: http.repoUrl(repo.name), interval: '1h', ref: { branch: '--upload-pack=touch /tmp/lockstep-pwned' } });
    await env.applyGitRepository(ns, 'opturl', { url: 'ssh://-oProxyCommand=touch%20/tmp/lockstep-pwned/x', interval: '1h' });
    const u = await waitCondition(ns, 'unreachable', 'FetchFailed', (c) => {
      assert.equal(c.reason, 'GitOperationFailed');
      assert.match(c.message, /host unreachable/);
    });
    assert.equal(cond(u, 'Stalled'), undefined, 'transient: retried, not stalled');
    await waitCondition(ns, 'noref', 'FetchFailed', (c) => assert.match(c.message, /branch "does-not-exist" not found/));
    await waitCondition(ns, 'optref', 'Stalled', (c) => assert.match(c.message, /looks like a command-line option/));
    await waitCondition(ns, 'opturl', 'Stalled', (c) => {
      assert.equal(c.reason, 'URLInvalid');
    });
    assert.ok(!existsSync('/tmp/lockstep-pwned'));
  });

  test('server failing mid-fetch: FetchFailed, previous artifact still served, recovery by retry', async () => {
    const own = await startGitHttpServer({ root: fx.reposDir });
    try {
      const repo = await newRepo({ 'a.txt': '1\n' });
      const ns = await env.namespace('fault');
      await env.applyGitRepository(ns, 'app', { url: own.repoUrl(repo.name), interval: '1h', ref: { branch: 'main' } });
      const o1 = await waitRevision(ns, 'app', `main@sha1:${await repo.head()}`);
      const c2 = await repo.commit({ 'a.txt': '2\n' }, 'two');
      own.faults.breakUploadPack = true;
      await env.requestReconcile(ns, 'app');
      const failed = await waitCondition(ns, 'app', 'FetchFailed', (c) => assert.equal(c.status, 'True'));
      assert.equal(failed.status?.artifact?.revision, o1.status?.artifact?.revision);
      const body = await downloadArtifact(o1.status?.artifact?.url ?? '', { expectedDigest: o1.status?.artifact?.digest });
      assert.ok(body.length > 0);
      own.faults.breakUploadPack = false;
      const o2 = await waitRevision(ns, 'app', `main@sha1:${c2}`, 30_000);
      assert.equal(cond(o2, 'FetchFailed'), undefined);
    } finally {
      await own.stop();
    }
  });

  test('content and path problems: symlink out of tree, oversize file, ../ in include', async () => {
    const ns = await env.namespace('content');
    const sym = await newRepo({ 'a.txt': 'a\n' });
    await sym.commit({}, 'evil link', { symlinks: { 'evil': '../../../../etc/passwd' } });
    const big = await newRepo({ 'big.bin': 'x'.repeat(300 * 1024) });
    await env.applyGitRepository(ns, 'symlink', { url: http.repoUrl(sym.name), interval: '1h' , ref: { branch: 'main' } });
    await env.applyGitRepository(ns, 'big', { url: http.repoUrl(big.name), interval: '1h', ref: { branch: 'main' } });
    await env.applyGitRepository(ns, 'dotdot', { url: http.repoUrl(sym.name), interval: '1h', include: [{ repository: { name: 'big' }, toPath: '../../escape' }] });
    await waitCondition(ns, 'symlink', 'StorageOperationFailed', (c) => {
      assert.equal(c.reason, 'ArchiveOperationFailed');
      assert.match(c.message, /symlink evil points outside the tree/);
    });
    await waitCondition(ns, 'big', 'StorageOperationFailed', (c) => assert.match(c.message, /larger than/));
    await waitCondition(ns, 'dotdot', 'Stalled', (c) => {
      assert.equal(c.reason, 'InvalidPath');
      assert.match(c.message, /\.\./);
    });
  });

  test('storage errors give StorageOperationFailed and recover', async () => {
    const repo = await newRepo({ 'a.txt': 'a\n' });
    const ns = await env.namespace('storage');
    const blocker = join(env.storage.root, 'gitrepository', ns);
    await mkdir(join(env.storage.root, 'gitrepository'), { recursive: true });
    await writeFile(blocker, 'not a folder');
    await env.applyGitRepository(ns, 'app', { url: http.repoUrl(repo.name), interval: '1h', ref: { branch: 'main' } });
    await waitCondition(ns, 'app', 'StorageOperationFailed', (c) => assert.equal(c.reason, 'DirectoryCreationFailed'));
    await rm(blocker);
    const o = await waitRevision(ns, 'app', `main@sha1:${await repo.head()}`, 30_000);
    assert.equal(cond(o, 'StorageOperationFailed'), undefined);
  });

  test('deleting the object removes its artifacts', async () => {
    const repo = await newRepo({ 'a.txt': 'a\n' });
    const ns = await env.namespace('delete');
    await env.applyGitRepository(ns, 'app', { url: http.repoUrl(repo.name), interval: '1h', ref: { branch: 'main' } });
    const o = await waitRevision(ns, 'app', `main@sha1:${await repo.head()}`);
    assert.ok(existsSync(env.storage.absolute(o.status?.artifact?.path ?? 'x')));
    await env.client.delete({ apiVersion: o.apiVersion, kind: o.kind, namespace: ns, name: 'app' });
    await eventually(async () => {
      assert.equal(await env.client.tryGet({ apiVersion: o.apiVersion, kind: o.kind, namespace: ns, name: 'app' }), undefined);
      assert.ok(!existsSync(env.storage.absolute(`gitrepository/${ns}/app`)));
    });
  });

  test('SSH with identity and known_hosts from a Secret', { skip: !sshdAvailable() && 'sshd not installed' }, async () => {
    const ssh = await startSshServer({ root: fx.reposDir });
    try {
      const repo = await newRepo({ 'a.txt': 'a\n' });
      const ns = await env.namespace('ssh');
      const b64 = (s: string) => Buffer.from(s).toString('base64');
      await env.client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ssh', namespace: ns }, data: { identity: b64(ssh.clientKey), known_hosts: b64(ssh.knownHosts) } });
      await env.client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'wronghost', namespace: ns }, data: { identity: b64(ssh.clientKey), known_hosts: b64(ssh.wrongKnownHosts) } });
      await env.applyGitRepository(ns, 'app', { url: ssh.repoUrl(repo.name), interval: '1h', ref: { branch: 'main' }, secretRef: { name: 'ssh' } });
      await env.applyGitRepository(ns, 'mitm', { url: ssh.repoUrl(repo.name), interval: '1h', ref: { branch: 'main' }, secretRef: { name: 'wronghost' } });
      await waitRevision(ns, 'app', `main@sha1:${await repo.head()}`, 30_000);
      await waitCondition(ns, 'mitm', 'FetchFailed', (c) => assert.equal(c.reason, 'AuthenticationFailed'), 30_000);
    } finally {
      await ssh.stop();
    }
  });
});
