import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { git } from '../../test/harness/git-servers.js';
import { parseCgiHeaders, startGitServer } from './server.js';

test('parseCgiHeaders: status line, headers, LF-only blocks', () => {
  assert.deepEqual(parseCgiHeaders('Status: 404 Not Found\r\nContent-Type: text/plain'), { status: 404, headers: { 'Content-Type': 'text/plain' } });
  assert.deepEqual(parseCgiHeaders('Content-Type: application/x-git-upload-pack-advertisement\nCache-Control: no-cache'), {
    status: 200,
    headers: { 'Content-Type': 'application/x-git-upload-pack-advertisement', 'Cache-Control': 'no-cache' },
  });
});

test('serves a work tree for clone and push, reports pushes, refuses wrong credentials', async () => {
  const root = await mkdtemp(join(tmpdir(), 'lockstep-gitserver-'));
  const pushes: string[] = [];
  const server = await startGitServer({ root, basic: { username: 'u', password: 'p' }, onPush: (r) => pushes.push(r) });
  try {
    const repo = join(root, 'repo');
    await git(['init', '-q', '--initial-branch=main', repo]);
    await git(['config', 'receive.denyCurrentBranch', 'updateInstead'], repo);
    await writeFile(join(repo, 'a.txt'), 'one\n');
    await git(['add', '-A'], repo);
    await git(['commit', '-q', '-m', 'one'], repo);
    assert.match(server.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    const auth = `http.extraHeader=Authorization: Basic ${Buffer.from('u:p').toString('base64')}`;
    const clone = join(root, 'clone');
    await git(['-c', auth, 'clone', '-q', server.repoUrl('repo'), clone]);
    await writeFile(join(clone, 'a.txt'), 'two\n');
    await git(['commit', '-q', '-am', 'two'], clone);
    await git(['-c', auth, 'push', '-q', 'origin', 'HEAD:main'], clone);
    assert.equal(await git(['log', '-1', '--format=%s'], repo), 'two');
    assert.deepEqual(pushes, ['repo']);
    const wrong = `http.extraHeader=Authorization: Basic ${Buffer.from('u:x').toString('base64')}`;
    await assert.rejects(git(['-c', wrong, 'ls-remote', server.repoUrl('repo')]), /401|Authentication failed|could not read Username/);
    await assert.rejects(git(['-c', auth, 'ls-remote', server.repoUrl('missing')]), /not found|404/);
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
});
