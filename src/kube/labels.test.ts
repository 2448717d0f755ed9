import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabelSelectorError, parseLabelSelector } from './labels.js';

test('label selectors: matching table', () => {
  const labels = { app: 'web', tier: 'front', 'example.com/team': 'a' };
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
  ];
  for (const c of cases) {
    const m = parseLabelSelector(c.sel);
    assert.ok(m, `selector ${c.sel} compiles`);
    assert.equal(m(labels), c.match, `selector ${c.sel}`);
  }
  assert.equal(parseLabelSelector(''), undefined, 'an empty selector matches everything');
});

test('label selectors: bad syntax is a LabelSelectorError', () => {
  for (const sel of ['-bad=1', 'a b=c', 'x'.repeat(5000)]) {
    assert.throws(() => parseLabelSelector(sel), LabelSelectorError, `selector ${sel.slice(0, 20)}`);
  }
});
