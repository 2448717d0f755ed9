/**
 * The Flux-style commands against the real source and kustomize controllers on the local cluster, with
 * a git server on loopback: create → reconcile --with-source → tree → trace → build → diff (exit codes
 * 0/1/2, Secret values masked) → suspend/resume.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parse } from 'yaml';
import { join } from 'node:path';
import { type KustomizeEnv, startKustomizeEnv } from '../../controllers/kustomize/testing.js';
import { GitFixture, type GitHttpServer, type TestRepo, sshdAvailable, startGitHttpServer, startSshServer } from '../../../test/harness/git-servers.js';
import { runCapture } from '../output/testing.js';

let env: KustomizeEnv;
let fx: GitFixture;
let http: GitHttpServer;
let repo: TestRepo;
let ns: string;
let kc: string[];

const run = (...argv: string[]) => runCapture([...argv, ...kc, '-n', ns]);

function files(namespace: string, value: string): Record<string, string> {
  return {
    'apps/config.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: ${value}\n`,
    'apps/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: hunter2-${value}\n`,
    'apps/child.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: child\nspec:\n  interval: 10m\n  prune: true\n  path: ./child\n  sourceRef:\n    kind: GitRepository\n    name: repo\n`,
    'child/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nested\n  namespace: ${namespace}\ndata:\n  a: "1"\n`,
  };
}

before(async () => {
  env = await startKustomizeEnv({ healthIntervalMs: 200, requeueDependencyMs: 500 });
  fx = await GitFixture.create();
  http = await startGitHttpServer({ root: fx.reposDir });
  ns = await env.namespace('cli');
  repo = await fx.createRepo('cli', { files: files(ns, 'blue') });
  kc = ['--kubeconfig', env.cluster.kubeconfigPath];
});

after(async () => {
  await env?.close();
  await http?.stop();
  await fx?.cleanup();
});

test('create, reconcile --with-source picks up a new commit, tree, trace', async () => {
  let r = await run('create', 'source', 'git', 'repo', `--url=${http.repoUrl(repo.name)}`, '--branch=main', '--interval=10m', '--timeout=30s');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /✔ fetched revision main@sha1:[0-9a-f]{40}\n$/);
  r = await run('create', 'kustomization', 'root', '--source=repo', '--path=./apps', '--prune', `--target-namespace=${ns}`, '--interval=10m', '--timeout=30s');
  assert.equal(r.code, 0, r.stderr);
  const first = await repo.head();
  assert.match(r.stderr, new RegExp(`✔ applied revision main@sha1:${first}\\n$`));

  const commit = await repo.commit({ 'apps/config.yaml': files(ns, 'green')['apps/config.yaml'] ?? '' }, 'green');
  r = await run('reconcile', 'ks', 'root', '--with-source', '--timeout=30s');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`✔ fetched revision main@sha1:${commit}\\n[^]*✔ applied revision main@sha1:${commit}\\n$`));
  const cm = await env.client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: ns });
  assert.equal((cm as { data?: Record<string, string> }).data?.['color'], 'green');

  // The child Kustomization is applied by root, then reconciled by the controller.
  r = await run('reconcile', 'ks', 'child', '--timeout=30s');
  assert.equal(r.code, 0, r.stderr);
  r = await run('tree', 'ks', 'root');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [`Kustomization/${ns}/root`, `├── Kustomization/${ns}/child`, `│   └── ConfigMap/${ns}/nested`, `├── Secret/${ns}/creds`, `└── ConfigMap/${ns}/settings`, ''].join('\n'),
  );
  r = await run('tree', 'ks', 'root', '--compact');
  assert.equal(r.stdout, [`Kustomization/${ns}/root`, `└── Kustomization/${ns}/child`, ''].join('\n'));
  r = await run('tree', 'ks', 'root', '--compact', '-o', 'json');
  assert.equal(r.code, 0, r.stderr);
  const gk = (Group: string, Kind: string) => ({ Group, Kind });
  assert.deepEqual(JSON.parse(r.stdout), {
    resource: { Namespace: ns, Name: 'root', GroupKind: gk('kustomize.toolkit.fluxcd.io', 'Kustomization') },
    resources: [{ resource: { Namespace: ns, Name: 'child', GroupKind: gk('kustomize.toolkit.fluxcd.io', 'Kustomization') } }],
  });
  assert.match(r.stdout, /^\{\n {2}"resource": \{\n {4}"Namespace": /, "flux's field order and two-space indent");
  r = await run('tree', 'ks', 'root', '-o', 'json');
  const full = JSON.parse(r.stdout) as { resources: { resource: { Name: string; GroupKind: { Kind: string } }; resources?: { resource: { Name: string } }[] }[] };
  assert.deepEqual(full.resources.map((x) => `${x.resource.GroupKind.Kind}/${x.resource.Name}`), ['Kustomization/child', 'Secret/creds', 'ConfigMap/settings']);
  assert.deepEqual(full.resources[0]?.resources?.map((x) => x.resource.Name), ['nested']);
  r = await run('tree', 'ks', 'root', '--compact', '-o', 'yaml');
  assert.equal(r.stdout, `resource:\n  GroupKind:\n    Group: kustomize.toolkit.fluxcd.io\n    Kind: Kustomization\n  Name: root\n  Namespace: ${ns}\nresources:\n- resource:\n    GroupKind:\n      Group: kustomize.toolkit.fluxcd.io\n      Kind: Kustomization\n    Name: child\n    Namespace: ${ns}\n`);
  assert.equal((await run('tree', 'ks', 'root', '-o', 'table')).code, 2);

  r = await run('trace', 'ConfigMap', 'nested');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^Object:\\s+ConfigMap/nested\\nNamespace:\\s+${ns}\\nStatus:\\s+Managed by Flux\\n---\\nKustomization:\\s+child\\nNamespace:\\s+${ns}\\nPath:\\s+\\./child\\nRevision:\\s+main@sha1:${commit}\\nStatus:\\s+Last reconciled at \\S+\\nMessage:\\s+Applied revision: main@sha1:${commit}\\n---\\nGitRepository:\\s+repo\\nNamespace:\\s+${ns}\\nURL:\\s+http://127\\.0\\.0\\.1:\\d+/\\S+\\nBranch:\\s+main\\nRevision:\\s+main@sha1:${commit}\\n`));
  r = await run('trace', 'deployment/none');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /✗ Deployment 'none' not found/);
  await env.client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'manual', namespace: ns }, data: {} } as never);
  r = await run('trace', 'configmap', 'manual');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not managed by Lockstep or Flux/);
});

test('build renders like the controller; diff exits 0, 1 with a masked Secret, 2 on errors', async () => {
  let r = await run('build', 'kustomization', 'root', '--path', join(repo.work, 'apps'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`(?:^|\\n---\\n)apiVersion: v1\\nkind: Secret\\nmetadata:\\n  labels:\\n    kustomize.toolkit.fluxcd.io/name: root\\n    kustomize.toolkit.fluxcd.io/namespace: ${ns}\\n  name: creds\\n  namespace: ${ns}\\n`));
  assert.match(r.stdout, /(?:^|\n---\n)apiVersion: v1\ndata:\n {2}color: green\nkind: ConfigMap\n/);
  assert.equal(r.stdout.split('\n---\n').length, 3);

  const ksFile = join(repo.work, 'ks.yaml');
  writeFileSync(ksFile, `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: root\nspec:\n  interval: 5m\n  prune: true\n  path: ./apps\n  targetNamespace: elsewhere\n  sourceRef: {kind: GitRepository, name: repo}\n`);
  r = await runCapture(['build', 'ks', 'root', '--path', join(repo.work, 'apps'), '--kustomization-file', ksFile, '--dry-run', '--kubeconfig', '/nonexistent']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /namespace: elsewhere/);
  rmSync(ksFile);

  r = await run('diff', 'kustomization', 'root', '--path', join(repo.work, 'apps'));
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /✔ no changes/);

  writeFileSync(join(repo.work, 'apps/config.yaml'), files(ns, 'red')['apps/config.yaml'] ?? '');
  writeFileSync(join(repo.work, 'apps/secret.yaml'), files(ns, 'red')['apps/secret.yaml'] ?? '');
  writeFileSync(join(repo.work, 'apps/new.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fresh\ndata: {}\n`);
  rmSync(join(repo.work, 'apps/child.yaml'));
  r = await run('diff', 'ks', 'root', '--path', join(repo.work, 'apps'));
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, new RegExp(`► ConfigMap/${ns}/settings drifted\\n--- ConfigMap/${ns}/settings \\(live\\)\\n\\+\\+\\+ ConfigMap/${ns}/settings \\(merged\\)\\n@@[^\\n]*\\n[^]*-  color: green\\n\\+  color: red\\n`));
  assert.match(r.stdout, new RegExp(`► Secret/${ns}/creds drifted\\n`));
  assert.match(r.stdout, new RegExp(`► ConfigMap/${ns}/fresh created\\n`));
  assert.match(r.stdout, new RegExp(`► Kustomization/${ns}/child deleted\\n`));
  assert.doesNotMatch(r.stdout, /hunter2|aHVudGVyMi/);
  assert.match(r.stderr, /identified at least one change/);
  const cm = await env.client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: ns });
  assert.equal((cm as { data?: Record<string, string> }).data?.['color'], 'green', 'diff must not change the cluster');

  writeFileSync(join(repo.work, 'apps/broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: [oops\n');
  r = await run('diff', 'ks', 'root', '--path', join(repo.work, 'apps'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^✗ build failed: .*broken\.yaml/);
  r = await run('diff', 'ks', 'missing', '--path', join(repo.work, 'apps'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Kustomization 'missing' not found/);
  r = await run('diff', 'ks', 'root');
  assert.equal(r.code, 2);
});

test('suspend stops drift correction, resume restores it', async () => {
  let r = await run('suspend', 'ks', 'root');
  assert.equal(r.code, 0, r.stderr);
  await env.client.patch({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: ns }, { data: { color: 'hacked' } }, { type: 'merge' });
  await env.requestReconcile('Kustomization', ns, 'root');
  await new Promise((res) => setTimeout(res, 1500));
  let cm = await env.client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: ns });
  assert.equal((cm as { data?: Record<string, string> }).data?.['color'], 'hacked');
  r = await run('resume', 'ks', 'root', '--timeout=30s');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /✔ Kustomization resumed\n◎ waiting for Kustomization reconciliation\n✔ Kustomization reconciliation completed\n✔ applied revision main@sha1:/);
  cm = await env.client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: ns });
  assert.equal((cm as { data?: Record<string, string> }).data?.['color'], 'green');
});

test('SSH: create secret git generates keys and scans host keys; create source git with --private-key-file is Ready, with a generated key fails on auth', { skip: !sshdAvailable() && 'sshd not installed (scripts/install-system-deps.sh)' }, async () => {
  const sshd = await startSshServer({ root: fx.reposDir });
  const scratch = mkdtempSync(join(tmpdir(), 'lockstep-cli-ssh-'));
  try {
    const url = sshd.repoUrl(repo.name);
    const hostLine = sshd.knownHosts.trim();
    // --export: the Secret as flux prints it, with a generated ed25519 key and the scanned host key.
    let r = await run('create', 'secret', 'git', 'gen', `--url=${url}`, '--ssh-key-algorithm=ed25519', '--export');
    assert.equal(r.code, 0, r.stderr);
    const doc = parse(r.stdout) as { kind: string; metadata: { name: string; namespace: string }; stringData: Record<string, string> };
    assert.equal(doc.kind, 'Secret');
    assert.deepEqual(Object.keys(doc.stringData).sort(), ['identity', 'identity.pub', 'known_hosts']);
    assert.match(doc.stringData['identity'] ?? '', /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    assert.match(doc.stringData['identity.pub'] ?? '', /^ssh-ed25519 [A-Za-z0-9+/=]+\n$/);
    assert.ok((doc.stringData['known_hosts'] ?? '').split('\n').includes(hostLine), `scanned: ${doc.stringData['known_hosts'] ?? ''} want ${hostLine}`);
    // The default algorithm is flux's (ecdsa p384); applied, it says so.
    r = await run('create', 'secret', 'git', 'gen', `--url=${url}`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /✔ deploy key: ecdsa-sha2-nistp384 \S+\n✔ git secret 'gen' created in '.+' namespace\n$/);
    // An authorised key from a file: the source becomes Ready over SSH.
    const keyFile = join(scratch, 'id');
    writeFileSync(keyFile, sshd.clientKey, { mode: 0o600 });
    r = await run('create', 'source', 'git', 'over-ssh', `--url=${url}`, '--branch=main', `--private-key-file=${keyFile}`, '--timeout=60s');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /✚ reading the deploy key pair\n✔ deploy key: \S+ \S+\n/);
    assert.match(r.stderr, /✔ fetched revision main@sha1:[0-9a-f]{40}\n$/);
    const secret = (await env.client.get({ apiVersion: 'v1', kind: 'Secret', name: 'over-ssh', namespace: ns })) as { data?: Record<string, string> };
    assert.equal(Buffer.from(secret.data?.['identity'] ?? '', 'base64').toString(), sshd.clientKey);
    assert.ok(Buffer.from(secret.data?.['known_hosts'] ?? '', 'base64').toString().split('\n').includes(hostLine));
    // A generated key the server does not know: the deploy key is printed, the source fails on auth.
    r = await run('create', 'source', 'git', 'new-key', `--url=${url}`, '--branch=main', '--ssh-key-algorithm=ed25519', '--timeout=30s');
    assert.equal(r.code, 1, r.stderr);
    const printed = /✔ deploy key: (ssh-ed25519 \S+)\n/.exec(r.stderr)?.[1];
    assert.ok(printed, r.stderr);
    const genSecret = (await env.client.get({ apiVersion: 'v1', kind: 'Secret', name: 'new-key', namespace: ns })) as { data?: Record<string, string> };
    assert.equal(Buffer.from(genSecret.data?.['identity.pub'] ?? '', 'base64').toString().trim(), printed);
    assert.match(r.stderr.trimEnd().split('\n').at(-1) ?? '', /^✗ .*(authentication|permission denied|publickey)/i);
    // Flags that do not fit: one line, exit 2.
    const bad: string[][] = [
      ['create', 'secret', 'git', 'x', `--url=${url}`, '--ssh-key-algorithm=dsa', '--export'],
      ['create', 'secret', 'git', 'x', `--url=${url}`, `--known-hosts-file=${join(scratch, 'missing')}`, '--export'],
      ['create', 'secret', 'git', 'x', '--url=https://example.invalid/r', `--private-key-file=${keyFile}`, '--export'],
      ['create', 'secret', 'git', 'x', `--url=${url}`, '--ssh-ecdsa-curve=p999', '--export'],
    ];
    for (const argv of bad) {
      const b = await run(...argv);
      assert.equal(b.code, 2, `${argv.join(' ')}: ${b.stderr}`);
      assert.equal(b.stderr.trimEnd().split('\n').length, 1, b.stderr);
    }
  } finally {
    await sshd.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
});
