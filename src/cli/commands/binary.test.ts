/** The Flux-style commands through the real entry point in a child process: exit codes and streams. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../util/paths.js';

function lockstep(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const entry = join(packageRoot(), 'src', 'cmd', 'lockstep.ts');
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', entry, ...args], { env: { ...process.env, NO_COLOR: '1', KUBECONFIG: '', HOME: '/nonexistent', ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

test('the binary: --export on stdout, usage errors exit 2, diff errors exit 2, unreachable cluster exits 1 with a hint', async () => {
  const [exp, usage, diff, down] = await Promise.all([
    lockstep(['create', 'kustomization', 'apps', '--source=GitRepository/flux-system', '--path=./apps', '--prune=true', '--export']),
    lockstep(['create', 'kustomization', 'apps', '--source=GitRepository/flux-system', '--path=apps', '--export']),
    lockstep(['diff', 'kustomization', 'apps', '--path', '/nonexistent/dir', '--kubeconfig', '/nonexistent/kubeconfig']),
    lockstep(['get', 'kustomizations', '--kubeconfig', join(packageRoot(), 'src', 'cli', 'commands', 'testdata-unreachable.kubeconfig')]),
  ]);
  assert.equal(exp.code, 0, exp.stderr);
  assert.match(exp.stdout, /^---\napiVersion: kustomize.toolkit.fluxcd.io\/v1\nkind: Kustomization\n[^]* {2}prune: true\n/);
  assert.equal(exp.stderr, '');
  assert.equal(usage.code, 2);
  assert.equal(usage.stderr, 'Error: path must begin with ./\n');
  assert.equal(diff.code, 2);
  assert.match(diff.stderr, /^✗ \/nonexistent\/kubeconfig: cannot load/);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /^✗ cannot reach the cluster \(.*ECONNREFUSED.*\): check --kubeconfig\/--context, or start one with "lockstep up"\n$/);
});
