import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCapture } from '../output/testing.js';

function tree(root: string, files: Record<string, string>): void {
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), content);
  }
}

test('build --dry-run: overlay references outside --path, generated kustomization, substitution, owner labels; disk untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-build-test-'));
  try {
    mkdirSync(join(dir, '.git'));
    tree(dir, {
      'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  env: ${env}\n  region: ${region:=eu}\n',
      'base/broken-but-ignored.yaml': 'not: [valid\n',
      '.sourceignore': 'base/broken-but-ignored.yaml\n',
      'node_modules/pkg/x.yaml': 'also: [broken\n',
      'apps/sub/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../../base/cm.yaml\n',
      'apps/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n',
      'ks.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 5m\n  prune: true\n  path: ./apps\n  targetNamespace: team-a\n  namePrefix: a-\n  commonMetadata:\n    labels:\n      team: a\n  postBuild:\n    substitute:\n      env: prod\n  sourceRef: {kind: GitRepository, name: repo}\n',
    });
    const r = await runCapture(['build', 'kustomization', 'apps', '--path', 'apps', '--kustomization-file', 'ks.yaml', '--dry-run'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `apiVersion: v1
kind: ServiceAccount
metadata:
  labels:
    kustomize.toolkit.fluxcd.io/name: apps
    kustomize.toolkit.fluxcd.io/namespace: flux-system
    team: a
  name: a-runner
  namespace: team-a
---
apiVersion: v1
data:
  env: prod
  region: eu
kind: ConfigMap
metadata:
  labels:
    kustomize.toolkit.fluxcd.io/name: apps
    kustomize.toolkit.fluxcd.io/namespace: flux-system
    team: a
  name: a-settings
  namespace: team-a
`,
    );
    assert.equal(existsSync(join(dir, 'apps', 'kustomization.yaml')), false, 'the generated kustomization stays in the scratch copy');
    assert.deepEqual(readdirSync(join(dir, 'apps')).sort(), ['sa.yaml', 'sub']);

    const bad = await runCapture(['build', 'ks', 'apps', '--path', 'nowhere', '--kustomization-file', 'ks.yaml', '--dry-run'], { cwd: dir });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^✗ invalid resource path ".*nowhere": not a directory\n$/);
    const noFile = await runCapture(['build', 'ks', 'apps', '--path', 'apps', '--dry-run'], { cwd: dir });
    assert.equal(noFile.code, 2);
    assert.match(noFile.stderr, /--dry-run needs --kustomization-file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
