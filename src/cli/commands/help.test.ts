import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commands } from './index.js';
import { runCapture } from '../output/testing.js';

const mine = ['get', 'create', 'reconcile', 'suspend', 'resume', 'diff', 'build', 'events', 'tree', 'trace', 'export', 'logs'];

test('--help on every Flux-style command prints usage and examples, exit 0', async () => {
  const cmds = commands.filter((c) => mine.includes(c.path[0] ?? ''));
  assert.ok(cmds.length >= 25, `only ${cmds.length} commands`);
  for (const c of cmds) {
    const r = await runCapture([...c.path, '--help']);
    assert.equal(r.code, 0, c.path.join(' '));
    assert.match(r.stdout, new RegExp(`^Usage: lockstep ${c.path[0] ?? ''} `), c.path.join(' '));
    assert.match(r.stdout, /\nExamples?:\n(?: {2}#.*\n)? {2}lockstep /, c.path.join(' '));
  }
  const top = await runCapture(['--help']);
  for (const w of ['get sources git', 'reconcile kustomization', 'diff kustomization', 'tree kustomization', 'trace', 'logs']) assert.match(top.stdout, new RegExp(`\\n {2}${w} `));
});
