import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lockDataDir, stablePorts } from './ports.js';

test('stablePorts: remembered when free, replaced when taken', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-ports-'));
  try {
    const first = await stablePorts(dir);
    assert.notEqual(first.git, first.storage);
    assert.deepEqual(await stablePorts(dir), first);
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(first.git, '127.0.0.1', () => r()));
    try {
      const third = await stablePorts(dir);
      assert.notEqual(third.git, first.git);
      assert.equal(third.storage, first.storage);
      assert.deepEqual(JSON.parse(await readFile(join(dir, 'ports.json'), 'utf8')), third);
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('lockDataDir: one up per data dir; stale locks taken over; released on unlock', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-lock-'));
  try {
    // A live process other than us holds it (our parent).
    await writeFile(join(dir, 'up.pid'), `${process.ppid}\n`);
    assert.throws(() => lockDataDir(dir), new RegExp(`already running from .* \\(pid ${process.ppid}\\)`));
    // A dead pid is stale.
    await writeFile(join(dir, 'up.pid'), '2147483646\n');
    const unlock = lockDataDir(dir);
    assert.equal((await readFile(join(dir, 'up.pid'), 'utf8')).trim(), String(process.pid));
    unlock();
    await assert.rejects(readFile(join(dir, 'up.pid')), /ENOENT/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
