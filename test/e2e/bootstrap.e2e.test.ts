/**
 * Journeys of `lockstep bootstrap git`, driving the built CLI against a background local cluster, the
 * controllers in a `lockstep controllers` process and a password-protected git HTTP server: bad input
 * first (nothing pushed), then a bootstrap into an empty bare repository (files, author, message), an
 * idempotent re-run, and a change under clusters/NAME/flux-system in git changing the cluster.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startGitServer, type GitServer } from '../../src/gitserver/index.js';
import { eventually } from '../harness/eventually.js';
import { git, sshdAvailable, startSshServer } from '../harness/git-servers.js';
import { runTool } from '../harness/tools.js';
import { type BackgroundCli, lockstep, lockstepBackground, requireBuilt } from './cli.js';

const creds = { username: 'fleet', password: 's3cret' };

describe('lockstep bootstrap git', { timeout: 400_000 }, () => {
  let dir: string;
  let kubeconfig: string;
  let server: GitServer;
  let url: string;
  let bare: string;
  let controllers: BackgroundCli | undefined;
  const heads = async (): Promise<string> => git(['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads'], bare);
  const bootstrap = (extra: string[], kc = kubeconfig): ReturnType<typeof lockstep> =>
    lockstep(['bootstrap', 'git', '--url', url, '--path', 'clusters/dev', '--kubeconfig', kc, '--timeout', '90s', ...extra], { cwd: dir });

  before(async () => {
    requireBuilt();
    dir = await mkdtemp(join(tmpdir(), 'lockstep-e2e-bootstrap-'));
    bare = join(dir, 'repos', 'fleet.git');
    await git(['init', '-q', '--bare', '--initial-branch=main', bare]);
    await git(['config', 'http.receivepack', 'true'], bare);
    server = await startGitServer({ root: join(dir, 'repos'), basic: creds });
    url = server.repoUrl('fleet.git');
    const start = await lockstep(['cluster', 'start', '--background', '--port', '0', '--data', 'cluster'], { cwd: dir });
    assert.equal(start.code, 0, start.stderr);
    kubeconfig = join(dir, 'cluster', 'kubeconfig');
    controllers = lockstepBackground(['controllers', '--kubeconfig', kubeconfig, '--metrics-addr', '', '--storage-dir', join(dir, 'storage'), '--storage-addr', '127.0.0.1:0'], { cwd: dir });
  });
  after(async () => {
    await controllers?.interrupt();
    await lockstep(['cluster', 'stop', '--data', 'cluster'], { cwd: dir });
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('bad input: one line, non-zero exit, nothing pushed', async () => {
    await writeFile(join(dir, 'unreachable.kubeconfig'), 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n');
    const cases: { name: string; run: () => ReturnType<typeof lockstep>; code: number; want: RegExp }[] = [
      { name: 'unreachable cluster', run: () => bootstrap(['--username', creds.username, '--password', creds.password], join(dir, 'unreachable.kubeconfig')), code: 1, want: /cannot reach the cluster at https:\/\/127\.0\.0\.1:1/ },
      { name: 'wrong credentials', run: () => bootstrap(['--username', creds.username, '--password', 'wrong']), code: 1, want: /authentication failed.*check --username\/--password/ },
      { name: 'no credentials', run: () => bootstrap([]), code: 1, want: /authentication failed/ },
      {
        name: 'URL that does not exist',
        run: () => lockstep(['bootstrap', 'git', '--url', server.repoUrl('missing.git'), '--path', 'clusters/dev', '--kubeconfig', kubeconfig, '--username', creds.username, '--password', creds.password], { cwd: dir }),
        code: 1,
        want: /missing\.git.*(not found|no git repository)/i,
      },
      {
        name: 'a repository that is not a git repository',
        run: async () => {
          await mkdir(join(dir, 'repos', 'plain.git'), { recursive: true });
          await writeFile(join(dir, 'repos', 'plain.git', 'README'), 'not a repository\n');
          return lockstep(['bootstrap', 'git', '--url', server.repoUrl('plain.git'), '--path', 'clusters/dev', '--kubeconfig', kubeconfig, '--username', creds.username, '--password', creds.password], { cwd: dir });
        },
        code: 1,
        want: /plain\.git.*(not found|no git repository|not a git repository).*check/i,
      },
      { name: 'path escaping the repository', run: () => lockstep(['bootstrap', 'git', '--url', url, '--path', '../x', '--kubeconfig', kubeconfig], { cwd: dir }), code: 2, want: /--path/ },
      { name: 'missing --path', run: () => lockstep(['bootstrap', 'git', '--url', url, '--kubeconfig', kubeconfig], { cwd: dir }), code: 2, want: /--path is required/ },
    ];
    for (const c of cases) {
      const r = await c.run();
      assert.equal(r.code, c.code, `${c.name}: ${r.stderr}`);
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('✗') || l.startsWith('Error:'));
      assert.equal(lines.length, 1, `${c.name}: one error line: ${r.stderr}`);
      assert.match(lines[0] ?? '', c.want, c.name);
      assert.equal(await heads(), '', `${c.name}: nothing pushed`);
    }
    const pre = await lockstep(['check', '--pre', '--kubeconfig', join(dir, 'unreachable.kubeconfig')], { cwd: dir });
    assert.equal(pre.code, 1, pre.stderr);
    assert.match(pre.stderr, /✗ cannot reach the API server at https:\/\/127\.0\.0\.1:1/);
  });

  test('bootstraps an empty repository, is idempotent, and then manages itself from git', async () => {
    const first = await bootstrap(['--username', creds.username, '--password', creds.password, '--interval', '1m']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /committed and pushed 3 file\(s\) to main/);
    assert.match(first.stderr, /✔ bootstrap finished/);
    const work = join(dir, 'work');
    await git(['-c', `http.extraHeader=Authorization: Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`, 'clone', '-q', url, work]);
    await git(['config', 'http.extraHeader', `Authorization: Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`], work);
    assert.deepEqual((await git(['ls-files'], work)).split('\n'), ['clusters/dev/flux-system/gotk-components.yaml', 'clusters/dev/flux-system/gotk-sync.yaml', 'clusters/dev/flux-system/kustomization.yaml']);
    assert.equal(await git(['log', '--format=%an <%ae>|%s'], work), 'Lockstep <lockstep@users.noreply.localhost>|Add Lockstep v0.1.0 components and sync manifests for clusters/dev/flux-system');
    const sync = await readFile(join(work, 'clusters/dev/flux-system/gotk-sync.yaml'), 'utf8');
    assert.match(sync, /path: \.\/clusters\/dev/);
    assert.match(sync, /secretRef:\n\s+name: flux-system/);
    assert.doesNotMatch(sync + (await readFile(join(work, 'clusters/dev/flux-system/gotk-components.yaml'), 'utf8')), /s3cret/, 'no credentials in git');
    const env = { KUBECONFIG: kubeconfig };
    const secret = await runTool('kubectl', ['get', 'secret', 'flux-system', '-n', 'flux-system', '-o', 'jsonpath={.data.password}'], { env });
    assert.equal(Buffer.from(secret.stdout, 'base64').toString(), creds.password);
    const check = await lockstep(['check', '--kubeconfig', kubeconfig], { cwd: dir });
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stderr, /✔ kustomize-controller: deployment ready[\s\S]*✔ kustomizations\.kustomize\.toolkit\.fluxcd\.io\/v1[\s\S]*✔ all checks passed/);
    const before = await heads();

    const again = await bootstrap(['--username', creds.username, '--password', creds.password, '--interval', '1m']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /already up to date.*nothing committed/);
    assert.equal(await heads(), before, 'no empty commit');

    // A change under clusters/dev/flux-system in git reaches the cluster: the loop manages itself.
    const syncPath = join(work, 'clusters/dev/flux-system/gotk-sync.yaml');
    await writeFile(syncPath, sync.replace(/interval: 1m0s/, 'interval: 7m0s'));
    await git(['commit', '-q', '-am', 'slower sync'], work);
    await git(['push', '-q', 'origin', 'HEAD:main'], work);
    await runTool('kubectl', ['annotate', '--overwrite', '-n', 'flux-system', 'gitrepository/flux-system', `reconcile.fluxcd.io/requestedAt=${Date.now()}`], { env });
    await eventually(
      async () => {
        const r = await runTool('kubectl', ['get', 'gitrepository', 'flux-system', '-n', 'flux-system', '-o', 'jsonpath={.spec.interval}'], { env });
        assert.equal(r.stdout, '7m0s');
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'interval from git applied' },
    );
  });

  test('over SSH with a private key: a wrong key pushes nothing, the right one bootstraps', { skip: !sshdAvailable() && 'sshd not installed (scripts/install-system-deps.sh)' }, async () => {
    const root = join(dir, 'ssh-repos');
    const repo = join(root, 'ssh-fleet.git');
    await git(['init', '-q', '--bare', '--initial-branch=main', repo]);
    const sshd = await startSshServer({ root });
    try {
      await writeFile(join(dir, 'id'), sshd.clientKey, { mode: 0o600 });
      await writeFile(join(dir, 'other'), sshd.otherKey, { mode: 0o600 });
      await writeFile(join(dir, 'known_hosts'), sshd.knownHosts);
      const run = (key: string): ReturnType<typeof lockstep> =>
        lockstep(['bootstrap', 'git', '--url', sshd.repoUrl('ssh-fleet'), '--path', 'clusters/ssh', '--private-key-file', join(dir, key), '--known-hosts-file', join(dir, 'known_hosts'), '--kubeconfig', kubeconfig, '--timeout', '90s'], { cwd: dir });
      const bad = await run('other');
      assert.equal(bad.code, 1, bad.stderr);
      assert.match(bad.stderr, /✗ .*authentication failed/);
      assert.equal(await git(['for-each-ref', 'refs/heads'], repo), '', 'nothing pushed');
      const ok = await run('id');
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(await git(['log', '--format=%s', 'main'], repo), /components and sync manifests for clusters\/ssh\/flux-system/);
      const r = await runTool('kubectl', ['get', 'gitrepository', 'flux-system', '-n', 'flux-system', '-o', 'jsonpath={.status.artifact.revision}'], { env: { KUBECONFIG: kubeconfig } });
      assert.equal(r.stdout, `main@sha1:${await git(['rev-parse', 'main'], repo)}`);
    } finally {
      await sshd.stop();
    }
  });
});
