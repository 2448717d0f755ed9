import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { kustomizeBuildCommand } from './kustomize.js';

function io(cwd: string): { io: Parameters<typeof kustomizeBuildCommand.run>[1]; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d: Buffer) => (o += d.toString()));
  stderr.on('data', (d: Buffer) => (e += d.toString()));
  return { io: { stdout, stderr, env: {}, cwd }, out: () => o, err: () => e };
}

test('lockstep kustomize build prints the build and fails with the file and reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-kustomize-cli-'));
  try {
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'kustomization.yaml'), 'resources:\n- cm.yaml\nnamePrefix: p-\n');
    writeFileSync(join(dir, 'app', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
    const ok = io(dir);
    assert.equal(await kustomizeBuildCommand.run({ values: {}, positionals: ['app'] }, ok.io), 0);
    assert.equal(ok.out(), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p-a\n');
    writeFileSync(join(dir, 'app', 'kustomization.yaml'), 'resources:\n- missing.yaml\n');
    const bad = io(dir);
    assert.equal(await kustomizeBuildCommand.run({ values: {}, positionals: ['app'] }, bad.io), 1);
    assert.match(bad.err(), /missing\.yaml.*no such file/);
    const usage = io(dir);
    assert.equal(await kustomizeBuildCommand.run({ values: {}, positionals: [] }, usage.io), 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
