import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { eventually } from '../../../test/harness/eventually.js';
import { git } from '../../../test/harness/git-servers.js';
import { watchBranch } from './refwatch.js';

test('watchBranch: a local commit, a packed ref and a bare repo push are each reported once; other branches are not', async () => {
  const root = await mkdtemp(join(tmpdir(), 'lockstep-refwatch-'));
  const dir = join(root, 'work');
  await git(['init', '-q', '--initial-branch=main', dir]);
  await writeFile(join(dir, 'a'), '1');
  await git(['add', '-A'], dir);
  await git(['-c', 'user.name=t', '-c', 'user.email=t@x', 'commit', '-q', '-m', 'one'], dir);
  const seen: string[] = [];
  const w = await watchBranch({ dir, branch: 'main', onChange: (c) => seen.push(c), pollMs: 0 });
  try {
    assert.equal(w.current(), await git(['rev-parse', 'HEAD'], dir));
    await writeFile(join(dir, 'a'), '2');
    await git(['-c', 'user.name=t', '-c', 'user.email=t@x', 'commit', '-q', '-am', 'two'], dir);
    const two = await git(['rev-parse', 'HEAD'], dir);
    await eventually(() => assert.deepEqual(seen, [two]), { timeoutMs: 5_000 });
    // Another branch moving is not news; packing refs does not change the commit.
    await git(['branch', 'other'], dir);
    await git(['pack-refs', '--all'], dir);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(seen, [two]);
    // A commit after packing (the loose ref is written again) is seen.
    await git(['-c', 'user.name=t', '-c', 'user.email=t@x', 'commit', '-q', '--allow-empty', '-m', 'three'], dir);
    const three = await git(['rev-parse', 'HEAD'], dir);
    await eventually(() => assert.deepEqual(seen, [two, three]), { timeoutMs: 5_000 });
  } finally {
    w.close();
  }
  // A bare repository (no .git folder) receiving a push.
  const bare = join(root, 'bare.git');
  await git(['clone', '-q', '--bare', dir, bare]);
  const seenBare: string[] = [];
  const wb = await watchBranch({ dir: bare, branch: 'main', onChange: (c) => seenBare.push(c), pollMs: 0 });
  try {
    await git(['-c', 'user.name=t', '-c', 'user.email=t@x', 'commit', '-q', '--allow-empty', '-m', 'four'], dir);
    await git(['push', '-q', bare, 'main'], dir);
    const four = await git(['rev-parse', 'HEAD'], dir);
    await eventually(() => assert.deepEqual(seenBare, [four]), { timeoutMs: 5_000 });
  } finally {
    wb.close();
    await rm(root, { recursive: true, force: true });
  }
});
