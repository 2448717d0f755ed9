import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { eventually } from '../../../test/harness/eventually.js';
import { runTool } from '../../../test/harness/tools.js';
import { runCli } from '../main.js';

function io(): { out: () => string; io: Parameters<typeof runCli>[1] } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  return { out: () => text, io: { stdout, stderr: stdout, env: process.env, cwd: process.cwd() } };
}

test('cluster start (foreground process), status, kubectl through its kubeconfig, stop', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-cli-cluster-'));
  const here = fileURLToPath(import.meta.url);
  const entry = join(here, '..', '..', '..', 'cmd', here.endsWith('.ts') ? 'lockstep.ts' : 'lockstep.js');
  const args = here.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
  const child = spawn(process.execPath, [...args, 'cluster', 'start', '--port', '0', '--data', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    await eventually(() => assert.ok(existsSync(join(dir, 'cluster.json')) && output.includes('kubeconfig:'), output), { timeoutMs: 20_000, what: 'cluster start' });
    assert.match(output, /local cluster listening on https:\/\/127\.0\.0\.1:\d+/);
    for (const f of ['ca.crt', 'server.crt', 'kubeconfig', 'state.db']) assert.ok(existsSync(join(dir, f)), f);
    const st = io();
    assert.equal(await runCli(['cluster', 'status', '--data', dir], st.io), 0, st.out());
    assert.match(st.out(), /local cluster: running \(pid \d+\)/);
    const k = await runTool('kubectl', ['get', 'ns', 'default', '-o', 'name'], { env: { KUBECONFIG: join(dir, 'kubeconfig') } });
    assert.equal(k.stdout.trim(), 'namespace/default', k.stderr);
    const sp = io();
    assert.equal(await runCli(['cluster', 'stop', '--data', dir], sp.io), 0, sp.out());
    assert.match(sp.out(), /local cluster stopped/);
    assert.equal(await exited, 0);
    assert.ok(!existsSync(join(dir, 'cluster.json')));
    const after = io();
    assert.equal(await runCli(['cluster', 'status', '--data', dir], after.io), 1);
    assert.match(after.out(), /not running/);
    assert.ok(readFileSync(join(dir, 'kubeconfig'), 'utf8').includes('certificate-authority-data'));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
