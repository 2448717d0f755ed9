/**
 * Journeys of `lockstep up`, driving the built CLI: the first run from an empty directory under a real
 * terminal (tmux), a commit pushed to the served repository arriving in the cluster while `up` runs,
 * `uninstall` leaving the workloads, and bad input ending in one line and a non-zero exit.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { eventually } from '../harness/eventually.js';
import { type GitHttpServer, git, startGitHttpServer } from '../harness/git-servers.js';
import { runTool } from '../harness/tools.js';
import { lockstep, lockstepBackground, lockstepBin, readExitStatus, recordExitArgv, requireBuilt } from './cli.js';

const execFileP = promisify(execFile);

/** Lines of stderr that report a failure. */
const failureLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('✗'));

describe('lockstep up', { timeout: 600_000 }, () => {
  let dir: string;
  before(async () => {
    requireBuilt();
    dir = await mkdtemp(join(tmpdir(), 'lockstep-e2e-up-'));
  });
  after(async () => {
    await lockstep(['cluster', 'stop', '--data', '.lockstep/cluster'], { cwd: dir }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  test('first run from an empty directory under a terminal: live progress, final table, exit 0', async () => {
    const sock = `lockstep-e2e-${process.pid}`;
    const conf = join(dir, '..', `${sock}.tmux.conf`);
    await writeFile(conf, 'set -g remain-on-exit on\nset -g history-limit 5000\n');
    const tmux = (args: string[]): Promise<string> => execFileP('tmux', ['-L', sock, '-f', conf, ...args], { env: { ...process.env, TMUX: '' } }).then((r) => r.stdout);
    // The exit status comes from a wrapper, not from tmux: see recordExitArgv.
    const statusFile = join(dir, '..', `${sock}.status`);
    const cmd = recordExitArgv(statusFile, [process.execPath, lockstepBin, 'up', '--once', '--timeout', '4m']);
    await tmux(['new-session', '-d', '-s', 'up', '-x', '160', '-y', '45', '-c', dir, '-e', 'NO_COLOR=1', '-e', 'KUBECONFIG=/dev/null', '--', ...cmd]);
    try {
      const frames: string[] = [];
      let tableAt = 0;
      const exit = await eventually(
        async () => {
          frames.push(await tmux(['capture-pane', '-p', '-t', 'up']));
          if (!tableAt && /✔ all Kustomizations are Ready/.test(frames.at(-1) ?? '')) tableAt = Date.now();
          const st = await readExitStatus(statusFile);
          if (!st) throw new Error(`still running: ${frames.at(-1) ?? ''}`);
          return st;
        },
        { timeoutMs: 240_000, intervalMs: 300, what: 'up --once to exit' },
      );
      // Exits promptly once the final table is drawn (it closes its servers, watches and controllers).
      if (tableAt) assert.ok(Date.now() - tableAt < 15_000, `exited ${Date.now() - tableAt} ms after the final table`);
      const final = await tmux(['capture-pane', '-p', '-t', 'up']);
      assert.deepEqual(exit, { code: 0, signal: null }, final);
      assert.ok(frames.some((f) => /⠋|⠙|⠹|⠸|⠼|⠴|⠦|⠧|⠇|⠏/.test(f) && /reconciling: \d+\/\d+ Kustomizations Ready/.test(f)), 'a live progress frame was shown');
      assert.match(final, /✔ all Kustomizations are Ready/);
      for (const name of ['apps', 'flux-system', 'infrastructure']) assert.match(final, new RegExp(`Kustomization/${name}\\s+flux-system\\s+True\\s+main@sha1:[0-9a-f]{12}`));
      assert.match(final, /GitRepository\/flux-system\s+flux-system\s+True/);
      assert.match(final, /kubectl: export KUBECONFIG=.*\.lockstep\/cluster\/kubeconfig/);
      assert.match(final, /git: http:\/\/127\.0\.0\.1:\d+\/repo/);
      // The live table was redrawn in place: the final screen holds the table once.
      assert.equal(final.match(/Kustomization\/infrastructure/g)?.length, 1, final);
    } finally {
      await tmux(['kill-server']).catch(() => undefined);
      await rm(conf, { force: true });
      await rm(statusFile, { force: true });
    }
  });

  test('a commit pushed to the served repository is applied while up runs; uninstall leaves the workloads', async () => {
    const start = await lockstep(['cluster', 'start', '--background', '--port', '0', '--data', '.lockstep/cluster'], { cwd: dir });
    assert.equal(start.code, 0, start.stderr);
    const kubeconfig = join(dir, '.lockstep', 'cluster', 'kubeconfig');
    // A 10m interval: anything arriving within seconds came from a push hook or the ref watch.
    const up = lockstepBackground(['up', '--interval', '10m'], { cwd: dir });
    try {
      await eventually(() => assert.match(up.output().stdout, /all Kustomizations are Ready/), { timeoutMs: 180_000, intervalMs: 250, what: 'up Ready' });
      const { stdout, stderr } = up.output();
      assert.match(stdout, /✔ Kustomization\/apps\.flux-system Ready at main@sha1:/, 'plain progress lines when not a terminal');
      assert.match(stderr, /local cluster https:\/\/127\.0\.0\.1:\d+ \(pid \d+\)/, 'up reuses the running local cluster');
      const second = await lockstep(['up', '--once'], { cwd: dir });
      assert.equal(second.code, 1, second.stderr);
      assert.match(second.stderr, /✗ lockstep up is already running from .*\.lockstep \(pid \d+\)/);
      const url = /git: (http:\/\/127\.0\.0\.1:\d+\/repo)/.exec(stderr)?.[1];
      assert.ok(url, stderr);
      const clone = join(dir, 'clone');
      await git(['clone', '-q', url, clone]);
      const vars = join(clone, 'clusters', 'staging', 'cluster-vars.yaml');
      await writeFile(vars, (await readFile(vars, 'utf8')) + '  e2e_marker: pushed\n');
      await git(['commit', '-q', '-am', 'e2e: add a marker'], clone);
      await git(['push', '-q', 'origin', 'HEAD:main'], clone);
      const sha = await git(['rev-parse', 'HEAD'], clone);
      await eventually(() => assert.match(up.output().stdout, new RegExp(`Kustomization/flux-system\\.flux-system applied revision main@sha1:${sha.slice(0, 12)}`)), { timeoutMs: 90_000, intervalMs: 250, what: 'new revision printed' });
      const cm = await runTool('kubectl', ['get', 'configmap', 'cluster-vars', '-n', 'flux-system', '-o', 'jsonpath={.data.e2e_marker}'], { env: { KUBECONFIG: kubeconfig } });
      assert.equal(cm.stdout, 'pushed', cm.stderr);
      // A commit made directly in the served work tree (no push) arrives promptly too.
      const served = join(dir, '.lockstep', 'repo');
      const servedVars = join(served, 'clusters', 'staging', 'cluster-vars.yaml');
      await writeFile(servedVars, (await readFile(servedVars, 'utf8')).replace('e2e_marker: pushed', 'e2e_marker: committed'));
      await git(['commit', '-q', '-am', 'e2e: local commit'], served);
      const local = await git(['rev-parse', 'HEAD'], served);
      await eventually(() => assert.match(up.output().stdout, new RegExp(`Kustomization/flux-system\\.flux-system applied revision main@sha1:${local.slice(0, 12)}`)), { timeoutMs: 30_000, intervalMs: 250, what: 'local commit applied' });
      const cm2 = await runTool('kubectl', ['get', 'configmap', 'cluster-vars', '-n', 'flux-system', '-o', 'jsonpath={.data.e2e_marker}'], { env: { KUBECONFIG: kubeconfig } });
      assert.equal(cm2.stdout, 'committed', cm2.stderr);
      const get = await lockstep(['get', 'kustomizations', '-A', '--kubeconfig', kubeconfig], { cwd: dir });
      assert.equal(get.code, 0, get.stderr);
      assert.match(get.stdout, new RegExp(`flux-system\\s+main@sha1:${local}`));
    } finally {
      assert.equal(await up.interrupt(), 0, up.output().stderr);
    }
    const un = await lockstep(['uninstall', '--kubeconfig', kubeconfig], { cwd: dir });
    assert.equal(un.code, 0, un.stderr);
    assert.match(un.stderr, /Kustomization\/flux-system\/apps finalizers removed, deleted/);
    const crds = await runTool('kubectl', ['get', 'crd', '-o', 'name'], { env: { KUBECONFIG: kubeconfig } });
    assert.doesNotMatch(crds.stdout, /toolkit\.fluxcd\.io/);
    const deps = await eventually(async () => {
      const r = await runTool('kubectl', ['get', 'deployments', '-n', 'podinfo', '-o', 'name'], { env: { KUBECONFIG: kubeconfig } });
      assert.match(r.stdout, /deployment\.apps\/podinfo/, r.stderr);
      return r.stdout;
    }, { timeoutMs: 5_000 });
    assert.ok(deps);
    // Still there a moment later: nothing garbage-collects them.
    await new Promise((r) => setTimeout(r, 1500));
    const again = await runTool('kubectl', ['get', 'deployments', '-n', 'podinfo', '-o', 'name'], { env: { KUBECONFIG: kubeconfig } });
    assert.match(again.stdout, /deployment\.apps\/podinfo/);
    const stop = await lockstep(['cluster', 'stop', '--data', '.lockstep/cluster'], { cwd: dir });
    assert.equal(stop.code, 0, stop.stderr);
  });

  test('bad input ends with one line and a non-zero exit', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'lockstep-e2e-bad-'));
    let protectedServer: GitHttpServer | undefined;
    try {
      await mkdir(join(scratch, 'plain'));
      const repo = join(scratch, 'fleet');
      await mkdir(join(repo, 'clusters', 'dev'), { recursive: true });
      await writeFile(join(repo, 'clusters', 'dev', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\n');
      await git(['init', '-q', '--initial-branch=main', repo]);
      await git(['add', '-A'], repo);
      await git(['commit', '-q', '-m', 'init'], repo);
      await writeFile(join(scratch, 'unreachable.kubeconfig'), 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n');
      // A repository that needs credentials: the URL carries wrong ones.
      const bare = join(scratch, 'repos', 'fleet.git');
      await git(['clone', '-q', '--bare', repo, bare]);
      protectedServer = await startGitHttpServer({ root: join(scratch, 'repos'), basic: { username: 'fleet', password: 's3cret' } });
      const wrongCreds = protectedServer.repoUrl('fleet').replace('http://', 'http://fleet:wrong@');
      // Each line names the failure and what to do about it.
      const cases: { name: string; args: string[]; want: RegExp }[] = [
        { name: 'not a git repository', args: ['--repo', 'plain'], want: /not a git repository \(run "git init" and commit your manifests first\)/ },
        { name: 'unreachable cluster', args: ['--kubeconfig', 'unreachable.kubeconfig'], want: /cannot reach the cluster at https:\/\/127\.0\.0\.1:1.*check/ },
        { name: 'URL that does not exist', args: ['--repo', 'http://127.0.0.1:9/none.git', '--path', 'clusters/dev'], want: /GitRepository\/flux-system\.flux-system failed: .*(refused|reach|connect).* — check the --repo URL/i },
        { name: 'path with no manifests', args: ['--repo', 'fleet', '--path', 'clusters/none'], want: /Kustomization\/flux-system\.flux-system failed: .*clusters\/none.* — check --path/ },
        { name: 'wrong credentials', args: ['--repo', wrongCreds, '--path', 'clusters/dev'], want: /GitRepository\/flux-system\.flux-system failed: .*authentication failed.* — give credentials the repository accepts/ },
      ];
      for (const c of cases) {
        const data = `.lockstep-${c.name.replace(/\W+/g, '-')}`;
        const r = await lockstep(['up', '--once', '--timeout', '90s', '--data', data, ...c.args], { cwd: scratch });
        assert.equal(r.code, 1, `${c.name}: ${r.stderr}`);
        const lines = failureLines(r.stderr);
        assert.equal(lines.length, 1, `${c.name}: exactly one failure line: ${r.stderr}`);
        assert.match(lines[0] ?? '', c.want, c.name);
        assert.doesNotMatch(r.stderr + r.stdout, /wrong@/, `${c.name}: credentials not printed`);
      }
      // The right credentials in the URL work (they travel in a Secret, not in the GitRepository).
      const right = await lockstep(['up', '--once', '--timeout', '90s', '--data', '.lockstep-right', '--repo', protectedServer.repoUrl('fleet').replace('http://', 'http://fleet:s3cret@'), '--path', 'clusters/dev'], { cwd: scratch });
      assert.equal(right.code, 0, right.stderr);
      assert.doesNotMatch(right.stderr + right.stdout, /s3cret/);
      // Nothing was committed to the user's repositories; the wrong password is not echoed.
      assert.equal(await git(['rev-list', '--count', 'HEAD'], repo), '1');
      assert.equal(await git(['rev-list', '--count', 'main'], bare), '1');
    } finally {
      await protectedServer?.stop();
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
