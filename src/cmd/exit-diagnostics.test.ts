import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../util/paths.js';

test('LOCKSTEP_DEBUG_EXIT names what keeps a returned command alive, and never keeps it alive itself', async () => {
  const mod = join(packageRoot(), 'src', 'cmd', 'exit-diagnostics.ts');
  // A "command" that returned but left a server listening for 1.6 s.
  const script = `import { createServer } from 'node:net'; import { armExitDiagnostics } from ${JSON.stringify(mod)};
const s = createServer().listen(0, '127.0.0.1'); setTimeout(() => s.close(), 1600);
armExitDiagnostics(process.env, process.stderr, 500);`;
  const run = (env: NodeJS.ProcessEnv): Promise<{ stderr: string; ms: number }> =>
    new Promise((resolve, reject) => {
      const t0 = Date.now();
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, ...env }, timeout: 20_000 }, (err, _out, stderr) => (err ? reject(err) : resolve({ stderr, ms: Date.now() - t0 })));
    });
  const on = await run({ LOCKSTEP_DEBUG_EXIT: '1' });
  assert.match(on.stderr, /lockstep: still running \d+ ms after the command returned; open: .*TCPServerWrap[^]*Server listening on \{"address":"127\.0\.0\.1"/);
  const off = await run({ LOCKSTEP_DEBUG_EXIT: '' });
  assert.equal(off.stderr, '');
});
