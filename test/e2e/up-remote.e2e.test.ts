/**
 * `lockstep up` against a cluster given by kubeconfig (a second local cluster stands in for a real one)
 * while a separate `lockstep controllers --enable-leader-election` process stands in for the
 * controller pods (the local cluster only simulates pods): `up --install` deploys the Deployments and
 * runs no controllers itself; a plain `up` sees the other process's leader Lease, says so in one line
 * and lets it reconcile.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../harness/eventually.js';
import { git } from '../harness/git-servers.js';
import { runTool } from '../harness/tools.js';
import { type BackgroundCli, lockstep, lockstepBackground, requireBuilt } from './cli.js';

describe('lockstep up on a cluster of its own kubeconfig, beside a controllers process', { timeout: 300_000 }, () => {
  let dir: string;
  let kubeconfig: string;
  let controllers: BackgroundCli;
  const kubectl = (args: string[]) => runTool('kubectl', args, { env: { KUBECONFIG: kubeconfig } });

  before(async () => {
    requireBuilt();
    dir = await mkdtemp(join(tmpdir(), 'lockstep-e2e-remote-'));
    const start = await lockstep(['cluster', 'start', '--background', '--port', '0', '--data', 'cluster'], { cwd: dir });
    assert.equal(start.code, 0, start.stderr);
    kubeconfig = join(dir, 'cluster', 'kubeconfig');
    const repo = join(dir, 'fleet');
    await mkdir(join(repo, 'clusters', 'dev'), { recursive: true });
    await writeFile(join(repo, 'clusters', 'dev', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: remote-e2e, namespace: default}\ndata: {from: fleet}\n');
    await git(['init', '-q', '--initial-branch=main', repo]);
    await git(['add', '-A'], repo);
    await git(['commit', '-q', '-m', 'init'], repo);
    // Installed controllers live in flux-system: their Lease goes there.
    const ns = await kubectl(['create', 'namespace', 'flux-system']);
    assert.equal(ns.code, 0, ns.stderr);
    controllers = lockstepBackground(['controllers', '--kubeconfig', kubeconfig, '--enable-leader-election', '--metrics-addr', '', '--storage-dir', join(dir, 'storage'), '--storage-addr', '127.0.0.1:0'], { cwd: dir });
    await eventually(async () => {
      const l = await kubectl(['get', 'lease', '-n', 'flux-system', 'lockstep-leader-election', '-o', 'jsonpath={.spec.holderIdentity}']);
      assert.match(l.stdout, new RegExp(`^lockstep-controllers_.+_pid${controllers.child.pid ?? 0}$`), l.stderr + controllers.output().stderr);
    }, { timeoutMs: 30_000, intervalMs: 250, what: 'the controllers process holds the Lease' });
  });

  after(async () => {
    await controllers?.interrupt();
    await lockstep(['cluster', 'stop', '--data', 'cluster'], { cwd: dir }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  test('up --install applies the controller Deployments and runs no controllers itself', async () => {
    const r = await lockstep(['up', '--once', '--install', '--kubeconfig', kubeconfig, '--repo', 'fleet', '--path', 'clusters/dev', '--timeout', '2m', '--data', 'up-install'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stderr, /controllers: Deployments source-controller and kustomize-controller in flux-system, image ghcr\.io\/lockstep\/lockstep:v\S+ \(up runs no controllers itself\)/);
    assert.match(r.stderr, /served from this machine only/, 'warns that a 127.0.0.1 repo is not reachable from real pods');
    assert.match(r.stderr, /controller Deployments are available/, 'waits for the Deployments before the sync objects');
    assert.doesNotMatch(r.stderr, /controllers: metrics/);
    assert.equal(existsSync(join(dir, 'up-install', 'logs', 'controllers.log')), false, 'no in-process controllers wrote logs');
    const deps = await kubectl(['get', 'deployments', '-n', 'flux-system', '-o', 'jsonpath={.items[*].metadata.name}']);
    assert.deepEqual(deps.stdout.split(' ').sort(), ['kustomize-controller', 'source-controller'], deps.stderr);
    const cm = await kubectl(['get', 'configmap', 'remote-e2e', '-n', 'default', '-o', 'jsonpath={.data.from}']);
    assert.equal(cm.stdout, 'fleet', cm.stderr);
    // --install needs a cluster of the user's own.
    const local = await lockstep(['up', '--once', '--install', '--data', 'up-local'], { cwd: dir });
    assert.equal(local.code, 2, local.stderr);
    assert.match(local.stderr, /--install deploys the controllers into a cluster of your own: give --kubeconfig or --context/);
  });

  test('up beside a controllers process holding the leader Lease says so in one line and lets it reconcile', async () => {
    const pid = controllers.child.pid ?? 0;
    const r = await lockstep(['up', '--once', '--kubeconfig', kubeconfig, '--repo', 'fleet', '--path', 'clusters/dev', '--timeout', '2m', '--data', 'up-beside'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const lines = r.stderr.split('\n').filter((l) => l.includes('holds the leader Lease'));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? '', new RegExp(`another Lockstep controller process \\(lockstep-controllers_.+_pid${pid}\\) holds the leader Lease flux-system/lockstep-leader-election: .*stop it \\(kill ${pid}\\)`));
    const log = await readFile(join(dir, 'up-beside', 'logs', 'controllers.log'), 'utf8').catch(() => '');
    assert.doesNotMatch(log, /starting controllers|reconciliation finished/, 'up reconciled nothing itself');
    const holder = await kubectl(['get', 'lease', '-n', 'flux-system', 'lockstep-leader-election', '-o', 'jsonpath={.spec.holderIdentity}']);
    assert.match(holder.stdout, new RegExp(`_pid${pid}$`), 'the other process still leads');
  });

  test('a running up takes over the Lease once the other controllers process stops', async () => {
    const up = lockstepBackground(['up', '--kubeconfig', kubeconfig, '--repo', 'fleet', '--path', 'clusters/dev', '--data', 'up-takeover'], { cwd: dir });
    try {
      await eventually(() => assert.match(up.output().stdout, /all Kustomizations are Ready/), { timeoutMs: 90_000, intervalMs: 250, what: 'up Ready as a follower' });
      assert.match(up.output().stderr, /holds the leader Lease/);
      assert.equal(await controllers.interrupt(), 0, controllers.output().stderr);
      await eventually(() => assert.match(up.output().stderr, /✔ up's controllers took over the leader Lease flux-system\/lockstep-leader-election and reconcile now/), { timeoutMs: 30_000, intervalMs: 250, what: 'take-over reported' });
      const holder = await kubectl(['get', 'lease', '-n', 'flux-system', 'lockstep-leader-election', '-o', 'jsonpath={.spec.holderIdentity}']);
      assert.match(holder.stdout, /^lockstep-up_/);
    } finally {
      assert.equal(await up.interrupt(), 0, up.output().stderr);
    }
  });
});
