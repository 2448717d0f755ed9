import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCapture } from '../output/testing.js';

// Expectations written from flux2's create_source_git.go / create_kustomization.go semantics and the
// shape of its golden files (keys sorted, `---` first, Go durations, `prune: false` kept).
const exportCases: { argv: string[]; yaml: string }[] = [
  {
    argv: ['create', 'source', 'git', 'podinfo', '--url=https://github.com/stefanprodan/podinfo', '--branch=master', '--ignore-paths', '.cosign,non-existent-dir/', '-n', 'default', '--export'],
    yaml: `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: default
spec:
  ignore: |-
    .cosign
    non-existent-dir/
  interval: 1m0s
  ref:
    branch: master
  url: https://github.com/stefanprodan/podinfo
`,
  },
  {
    argv: ['create', 'source', 'git', 'podinfo', '--url', 'ssh://git@github.com/stefanprodan/podinfo', '--branch', 'main', '--commit', 'c88a2f41', '--interval', '5m', '--secret-ref', 'creds', '--export'],
    yaml: `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 5m0s
  ref:
    branch: main
    commit: c88a2f41
  secretRef:
    name: creds
  url: ssh://git@github.com/stefanprodan/podinfo
`,
  },
  {
    argv: ['create', 'source', 'git', 'p', '--url=https://h/r', '--tag=3.2.3', '--tag-semver=>=3.2.0 <3.3.0', '--interval=1h30m', '--label', 'team=a,tier=b', '--export'],
    yaml: `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  labels:
    team: a
    tier: b
  name: p
  namespace: flux-system
spec:
  interval: 1h30m0s
  ref:
    semver: '>=3.2.0 <3.3.0'
  url: https://h/r
`,
  },
  {
    argv: ['create', 'source', 'git', 'p', '--url=https://h/r', '--ref-name=refs/pull/1/head', '--tag=x', '--export'],
    yaml: `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: p
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    name: refs/pull/1/head
  url: https://h/r
`,
  },
  {
    argv: ['create', 'kustomization', 'mysql', '--source=GitRepository/apps', '--path=./apps', '--export'],
    yaml: `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: mysql
  namespace: flux-system
spec:
  interval: 1m0s
  path: ./apps
  prune: false
  sourceRef:
    kind: GitRepository
    name: apps
`,
  },
  {
    argv: ['create', 'kustomization', 'podinfo', '-n', 'default', '--source=podinfo.flux-system', '--prune=true', '--interval=10m', '--depends-on=infra,flux-system/crds', '--target-namespace=apps', '--wait', '--export'],
    yaml: `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: podinfo
  namespace: default
spec:
  dependsOn:
  - name: infra
  - name: crds
    namespace: flux-system
  interval: 10m0s
  path: ./
  prune: true
  sourceRef:
    kind: GitRepository
    name: podinfo
    namespace: flux-system
  targetNamespace: apps
  timeout: 2m0s
  wait: true
`,
  },
  {
    argv: ['create', 'kustomization', 'k', '--source=GitRepository/s', '--path=./deploy', '--health-check=Deployment/web.apps', '--health-check-timeout=3m', '--prune=false', '--export'],
    yaml: `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: k
  namespace: flux-system
spec:
  healthChecks:
  - kind: Deployment
    name: web
    namespace: apps
  interval: 1m0s
  path: ./deploy
  prune: false
  sourceRef:
    kind: GitRepository
    name: s
  timeout: 3m0s
`,
  },
];

test('create --export prints what flux prints for the same flags', async () => {
  for (const c of exportCases) {
    const r = await runCapture(c.argv);
    assert.equal(r.stderr, '', c.argv.join(' '));
    assert.equal(r.code, 0, c.argv.join(' '));
    assert.equal(r.stdout, c.yaml, c.argv.join(' '));
  }
});

test('create rejects bad flags with flux messages and exit code 2', async () => {
  const cases: { argv: string[]; err: RegExp }[] = [
    { argv: ['create', 'source', 'git', 'p', '--branch=main', '--export'], err: /url is required/ },
    { argv: ['create', 'source', 'git', 'p', '--url=ftp://h/r', '--branch=main', '--export'], err: /git URL scheme 'ftp' not supported, can be: ssh, http and https/ },
    { argv: ['create', 'source', 'git', 'p', '--url=https://h/r', '--export'], err: /a Git ref is required/ },
    { argv: ['create', 'source', 'git', '--url=https://h/r', '--branch=main', '--export'], err: /GitRepository name is required/ },
    { argv: ['create', 'source', 'git', 'p', '--url=https://h/r', '--branch=main', '--interval=soon', '--export'], err: /--interval: invalid duration "soon"/ },
    { argv: ['create', 'kustomization', 'k', '--source=s', '--path=apps', '--export'], err: /path must begin with \.\// },
    { argv: ['create', 'kustomization', 'k', '--source=HelmChart/s', '--export'], err: /source kind 'HelmChart' is not supported/ },
    { argv: ['create', 'kustomization', 'k', '--export'], err: /source is required/ },
    { argv: ['create', 'kustomization', 'k', '--source=s', '--health-check=Pod/x.y', '--export'], err: /invalid health check kind 'Pod'/ },
    { argv: ['create', 'kustomization', 'k', '--source=s', '--health-check=Deployment/x', '--export'], err: /must be in the format 'kind\/name.namespace'/ },
    { argv: ['create', 'kustomization', 'k', '--source=s', '--label=novalue', '--export'], err: /invalid label format 'novalue', must be key=value/ },
  ];
  for (const c of cases) {
    const r = await runCapture(c.argv);
    assert.equal(r.code, 2, c.argv.join(' '));
    assert.match(r.stderr, c.err, c.argv.join(' '));
    assert.equal(r.stdout, '');
  }
});
