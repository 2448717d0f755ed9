import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { IgnoreMatcher, loadIgnoreMatcher, parseIgnorePatterns } from './ignore.js';

test('gitignore pattern semantics', () => {
  const cases: Array<[string, string, boolean, boolean]> = [
    // pattern, path, isDir, ignored
    ['*.md', 'README.md', false, true],
    ['*.md', 'docs/a/b.md', false, true],
    ['*.md', 'docs/a/b.mdx', false, false],
    ['/root.txt', 'root.txt', false, true],
    ['/root.txt', 'sub/root.txt', false, false],
    ['docs/', 'docs', true, true],
    ['docs/', 'docs', false, false],
    ['docs/', 'a/docs', true, true],
    ['a/b', 'a/b', false, true],
    ['a/b', 'x/a/b', false, false],
    ['**/tmp', 'x/y/tmp', true, true],
    ['a/**/z', 'a/z', false, true],
    ['a/**/z', 'a/b/c/z', false, true],
    ['a/**', 'a/b/c', false, true],
    ['fil?.txt', 'file.txt', false, true],
    ['fil?.txt', 'fil/.txt', false, false],
    ['[abc].yaml', 'b.yaml', false, true],
    ['[!abc].yaml', 'b.yaml', false, false],
    ['\\#hash', '#hash', false, true],
    ['# comment', '# comment', false, false],
  ];
  for (const [pat, path, isDir, want] of cases) {
    assert.equal(new IgnoreMatcher(parseIgnorePatterns(pat)).ignored(path, isDir), want, `${pat} vs ${path}`);
  }
});

test('negation: last match wins', () => {
  const m = new IgnoreMatcher(parseIgnorePatterns('*.yaml\n!keep.yaml\n'));
  assert.equal(m.ignored('a.yaml', false), true);
  assert.equal(m.ignored('x/keep.yaml', false), false);
});

test('loadIgnoreMatcher: defaults, nested .sourceignore scoped to its folder, spec.ignore last', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-ignore-'));
  try {
    const files: Record<string, string> = {
      '.sourceignore': '*.txt\n',
      'apps/.sourceignore': 'secret.yaml\n',
      'apps/secret.yaml': '',
      'secret.yaml': '',
      'note.txt': '',
      'logo.png': '',
      'apps/.sops.yaml': '',
    };
    for (const [p, c] of Object.entries(files)) {
      await mkdir(dirname(join(dir, p)), { recursive: true });
      await writeFile(join(dir, p), c);
    }
    const m = await loadIgnoreMatcher(dir, { specIgnore: '!note.txt\n' });
    assert.equal(m.ignored('.git', true), true);
    assert.equal(m.ignored('logo.png', false), true);
    assert.equal(m.ignored('apps/.sops.yaml', false), true);
    assert.equal(m.ignored('.github', true), true);
    assert.equal(m.ignored('apps/secret.yaml', false), true);
    assert.equal(m.ignored('secret.yaml', false), false, 'nested .sourceignore applies to its folder only');
    assert.equal(m.ignored('other.txt', false), true);
    assert.equal(m.ignored('note.txt', false), false, 'spec.ignore negation re-includes');
    const png = await loadIgnoreMatcher(dir, { specIgnore: '!*.png' });
    assert.equal(png.ignored('logo.png', false), false, 'defaults can be overridden by spec.ignore');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
