import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GitErrorKind, classifyGitStderr, isGitError, redact } from './errors.js';
import { validateRelativePath, validateRemoteUrl } from './validate.js';

test('validateRemoteUrl accepts ordinary URLs and rejects option-like or dangerous ones', () => {
  for (const ok of ['https://example.com/a/b.git', 'http://127.0.0.1:8080/r.git', 'ssh://git@host:22/r.git', 'git://127.0.0.1/r.git', 'file:///tmp/r.git']) {
    assert.doesNotThrow(() => validateRemoteUrl(ok), ok);
  }
  const bad = [
    '--upload-pack=touch /tmp/pwned',
    '-uhttps://x',
    'ext::sh -c touch% /tmp/pwned',
    'fd::17',
    'https://host/a\nb',
    'ftp://host/r.git',
    'ssh://-oProxyCommand=touch%20x/r',
    'ssh://-oProxyCommand@host/r',
    'not a url',
    '',
  ];
  for (const u of bad) assert.throws(() => validateRemoteUrl(u), (e: unknown) => isGitError(e, 'invalid-input'), u);
  assert.throws(() => validateRemoteUrl('file:///x', ['https']), /scheme/);
});

test('validateRelativePath normalises and rejects escapes', () => {
  assert.equal(validateRelativePath('./a/b/'), 'a/b');
  assert.equal(validateRelativePath('.'), '');
  for (const p of ['../x', 'a/../../b', '/etc', 'a/-rf']) assert.throws(() => validateRelativePath(p), (e: unknown) => isGitError(e, 'invalid-input'), p);
});

test('classifyGitStderr table', () => {
  const cases: Array<[string, string]> = [
    ["fatal: Authentication failed for 'http://127.0.0.1/r.git/'", GitErrorKind.Auth],
    ['fatal: could not read Username for \'http://x\': terminal prompts disabled', GitErrorKind.Auth],
    ['git@127.0.0.1: Permission denied (publickey).\r\nfatal: Could not read from remote repository.', GitErrorKind.Auth],
    ['Host key verification failed.\nfatal: Could not read from remote repository.', GitErrorKind.Auth],
    ["fatal: unable to access 'http://127.0.0.1:1/r.git/': Failed to connect to 127.0.0.1 port 1: Connection refused", GitErrorKind.Unreachable],
    ['ssh: connect to host 127.0.0.1 port 1: Connection refused', GitErrorKind.Unreachable],
    ['fatal: early EOF\nfatal: fetch-pack: invalid index-pack output', GitErrorKind.Unreachable],
    ["fatal: couldn't find remote ref refs/heads/nope", GitErrorKind.RefNotFound],
    ["fatal: repository 'http://127.0.0.1/nope.git/' not found", GitErrorKind.RepositoryNotFound],
    ['fatal: something else entirely', GitErrorKind.Other],
  ];
  for (const [stderr, kind] of cases) assert.equal(classifyGitStderr(stderr), kind, stderr);
});

test('redact removes userinfo and header values', () => {
  assert.equal(redact("fatal: unable to access 'https://u:secret@h/r.git/'"), "fatal: unable to access 'https://h/r.git/'");
  assert.equal(redact('Authorization: Basic dXNlcjpwYXNz'), 'Authorization: Basic <redacted>');
});
