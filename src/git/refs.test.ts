import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGitError } from './errors.js';
import { formatRevision, parseLsRemote, resolveRef, revisionCommit } from './refs.js';

const a = 'a'.repeat(40);
const b = 'b'.repeat(40);
const c = 'c'.repeat(40);
const d = 'd'.repeat(40);
const t = 'e'.repeat(40);
const lsOut = [
  `${a}\tHEAD`,
  `${a}\trefs/heads/main`,
  `${b}\trefs/heads/dev`,
  `${t}\trefs/tags/v1.0.0`,
  `${b}\trefs/tags/v1.0.0^{}`,
  `${c}\trefs/tags/v1.2.0`,
  `${d}\trefs/tags/v2.0.0-rc.1`,
  `${a}\trefs/tags/v1.10.0`,
  `${a}\trefs/tags/not-semver`,
  `${c}\trefs/pull/7/head`,
].join('\n');

test('parseLsRemote peels annotated tags', () => {
  const refs = parseLsRemote(lsOut);
  assert.equal(refs.get('refs/tags/v1.0.0'), b);
  assert.equal(refs.get('refs/heads/dev'), b);
  assert.equal(refs.has('refs/tags/v1.0.0^{}'), false);
});

test('resolveRef: precedence and revisions', () => {
  const refs = parseLsRemote(lsOut);
  const cases: Array<[string, Parameters<typeof resolveRef>[0], string]> = [
    ['default branch is master → missing', {}, 'ERR'],
    ['branch', { branch: 'main' }, `main@sha1:${a}`],
    ['tag peeled', { tag: 'v1.0.0' }, `v1.0.0@sha1:${b}`],
    ['tag beats branch', { branch: 'main', tag: 'v1.2.0' }, `v1.2.0@sha1:${c}`],
    ['semver highest (numeric, not lexical)', { semver: '>=1.0.0 <2.0.0' }, `v1.10.0@sha1:${a}`],
    ['semver Masterminds commas', { semver: '>=1.0.0, <1.5.0' }, `v1.2.0@sha1:${c}`],
    ['semver excludes prereleases', { semver: '>=2.0.0-0' }, `v2.0.0-rc.1@sha1:${d}`],
    ['semver beats tag', { tag: 'v1.0.0', semver: '~1.2' }, `v1.2.0@sha1:${c}`],
    ['semver no match', { semver: '>=3' }, 'ERR'],
    ['name', { name: 'refs/pull/7/head' }, `refs/pull/7/head@sha1:${c}`],
    ['name beats semver', { name: 'refs/heads/dev', semver: '*' }, `refs/heads/dev@sha1:${b}`],
    ['commit only', { commit: d }, `sha1:${d}`],
    ['commit with branch', { commit: d, branch: 'dev' }, `dev@sha1:${d}`],
    ['missing tag', { tag: 'v9' }, 'ERR'],
  ];
  for (const [name, spec, want] of cases) {
    let got: string;
    try {
      got = resolveRef(spec, refs).revision;
    } catch (e) {
      assert.ok(isGitError(e, 'ref-not-found'), `${name}: ${String(e)}`);
      got = 'ERR';
    }
    assert.equal(got, want, name);
  }
});

test('resolveRef rejects option-like and malformed refs', () => {
  const bad = [{ branch: '--upload-pack=touch /tmp/x' }, { tag: '-x' }, { name: 'heads/main' }, { name: 'refs/../x' }, { commit: 'abc' }, { semver: 'not a range !!' }, { branch: 'a b' }, { branch: 'x.lock' }];
  for (const spec of bad) {
    assert.throws(() => resolveRef(spec, new Map()), (e: unknown) => isGitError(e, 'invalid-input'), JSON.stringify(spec));
  }
});

test('revision helpers', () => {
  assert.equal(formatRevision('main', a), `main@sha1:${a}`);
  assert.equal(formatRevision(undefined, a), `sha1:${a}`);
  assert.equal(revisionCommit(`main@sha1:${a}`), a);
  assert.equal(revisionCommit(`sha1:${b}`), b);
  assert.equal(revisionCommit('1.2.3'), undefined);
});
