import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabelSelectorError, parseLabelSelector } from './labels.js';

test('label selectors: matching table', () => {
  const labels = { app: 'web', tier: 'front', 'example.com/team': 'a', empty: '', num: '5', big: '9223372036854775808' };
  const cases: { sel: string; match: boolean }[] = [
    { sel: 'app=web', match: true },
    { sel: 'app==web,tier=front', match: true },
    { sel: 'app!=web', match: false },
    { sel: 'app in (api, web)', match: true },
    { sel: 'app notin (web)', match: false },
    { sel: 'example.com/team', match: true },
    { sel: '!tier', match: false },
    { sel: '!missing,app', match: true },
    { sel: 'tier in (back)', match: false },
    { sel: 'app in (in, notin)', match: false },
    { sel: 'in notin (x)', match: true },
    { sel: 'app notin ()', match: true },
    { sel: 'empty in ()', match: true },
    { sel: 'empty=,app', match: true },
    { sel: 'app in (,web)', match: true },
    { sel: 'num>4', match: true },
    { sel: 'num<4', match: false },
    { sel: 'big<9223372036854775807', match: false },
    { sel: 'app>1', match: false },
    { sel: 'missing<10', match: false },
    { sel: 'toString', match: false },
  ];
  for (const c of cases) {
    const m = parseLabelSelector(c.sel);
    assert.ok(m, `selector ${c.sel} compiles`);
    assert.equal(m(labels), c.match, `selector ${c.sel}`);
  }
  assert.equal(parseLabelSelector(''), undefined, 'an empty selector matches everything');
});

test('label selectors: bad syntax is a LabelSelectorError', () => {
  const bad = ['-bad=1', 'a b=c', 'x'.repeat(5000), 'a=b=c', 'a=-x', `a=${'v'.repeat(64)}`, 'A.com/b', 'a/b/c', '/a', 'a/', 'a in b', 'a in (b', 'a,', ',a', '!a=b', 'a gt 1', 'a>x', 'a>-1', 'a>+1', 'a>9223372036854775808', 'a=(b', 'a in (b c)'];
  for (const sel of bad) {
    assert.throws(() => parseLabelSelector(sel), LabelSelectorError, `selector ${sel.slice(0, 20)}`);
  }
});
